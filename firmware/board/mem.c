/*
 * memset and memcpy for the board images. The bare-metal C library is built for size and
 * moves one byte per loop iteration (four instructions a byte). mbedTLS clears and copies
 * every bignum it allocates, grows or frees, so on this core those byte loops were about a
 * third of a TLS handshake and of an ECDSA verification. These versions move aligned 32-bit
 * words, four per iteration, and fall back to bytes for the unaligned head, tail and for
 * buffers whose alignments differ (RV32IMC cores like the ESP32-C3 trap or crawl on
 * misaligned words). Linked before the C library, they replace its versions.
 *
 * Built with -fno-builtin and -fno-tree-loop-distribute-patterns (board/CMakeLists.txt) so
 * the compiler cannot turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Word access to memory of any declared type (the C library's own memcpy does the same). */
typedef uint32_t __attribute__((__may_alias__)) fw_word_t;

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    const uint8_t b = (uint8_t)c;

    while (n > 0 && ((uintptr_t)d & 3u) != 0) {
        *d++ = b;
        n--;
    }
    fw_word_t *w = (fw_word_t *)(void *)d;
    const uint32_t v = b * 0x01010101u;
    while (n >= 16) {
        w[0] = v;
        w[1] = v;
        w[2] = v;
        w[3] = v;
        w += 4;
        n -= 16;
    }
    while (n >= 4) {
        *w++ = v;
        n -= 4;
    }
    d = (uint8_t *)w;
    while (n > 0) {
        *d++ = b;
        n--;
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    if ((((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0) {
        while (n > 0 && ((uintptr_t)d & 3u) != 0) {
            *d++ = *s++;
            n--;
        }
        fw_word_t *dw = (fw_word_t *)(void *)d;
        const fw_word_t *sw = (const fw_word_t *)(const void *)s;
        while (n >= 16) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
            dw += 4;
            sw += 4;
            n -= 16;
        }
        while (n >= 4) {
            *dw++ = *sw++;
            n -= 4;
        }
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n > 0) {
        *d++ = *s++;
        n--;
    }
    return dst;
}
