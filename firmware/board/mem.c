/*
 * memset and memcpy for the board images. The bare-metal C library is built for size and
 * moves one byte per loop iteration (four instructions a byte). mbedTLS clears and copies
 * every bignum it allocates, grows or frees, so on this core those byte loops were about a
 * third of a TLS handshake and of an ECDSA verification. These versions move aligned 32-bit
 * words, eight per iteration, and fall back to bytes for the
 * unaligned head, tail and for buffers whose alignments differ (RV32IMC cores like the ESP32-C3 trap or crawl on
 * misaligned words). Linked before the C library, they replace its versions.
 *
 * The device app (FW_MEM_WHOLE_WORDS) also takes a shorter path when the buffer and its length
 * are whole aligned words, the bignum case, skipping the head and tail code (130,000 memset and
 * 43,000 memcpy calls per TLS handshake). The boot stages leave it out: the ROM stage
 * must stay within its 24 KiB and clears and copies far less.
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

#if defined(FW_MEM_WHOLE_WORDS)
    if ((((uintptr_t)d | n) & 3u) == 0) {
        /* Whole aligned words, the common case (every bignum's limbs): no head, no tail. */
        const uint32_t v = b * 0x01010101u;
        fw_word_t *w = (fw_word_t *)dst;
        fw_word_t *const end4 = w + (n / 16u) * 4u;
        while (w != end4) {
            w[0] = v;
            w[1] = v;
            w[2] = v;
            w[3] = v;
            w += 4;
        }
        if ((n & 8u) != 0) {
            w[0] = v;
            w[1] = v;
            w += 2;
        }
        if ((n & 4u) != 0) {
            w[0] = v;
        }
        return dst;
    }
#endif
    if (n >= 4) {
        while (((uintptr_t)d & 3u) != 0) {
            *d++ = b;
            n--;
        }
        const uint32_t v = b * 0x01010101u;
        fw_word_t *w = (fw_word_t *)(void *)d;
        /* End pointers rather than a byte count: three instructions per loop, not five. */
        fw_word_t *const end8 = w + (n / 32u) * 8u;
        while (w != end8) {
            w[0] = v;
            w[1] = v;
            w[2] = v;
            w[3] = v;
            w[4] = v;
            w[5] = v;
            w[6] = v;
            w[7] = v;
            w += 8;
        }
        fw_word_t *const end = w + (n % 32u) / 4u;
        while (w != end) {
            *w++ = v;
        }
        d = (uint8_t *)w;
        n &= 3u;
    }
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

#if defined(FW_MEM_WHOLE_WORDS)
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3u) == 0) {
        /* Whole aligned words, the common case (bignum limbs): no head, no tail. */
        fw_word_t *dw = (fw_word_t *)dst;
        const fw_word_t *sw = (const fw_word_t *)src;
        fw_word_t *const end4 = dw + (n / 16u) * 4u;
        while (dw != end4) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
            dw += 4;
            sw += 4;
        }
        if ((n & 8u) != 0) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw += 2;
            sw += 2;
        }
        if ((n & 4u) != 0) {
            dw[0] = sw[0];
        }
        return dst;
    }
#endif
    if (n >= 4 && (((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0) {
        while (((uintptr_t)d & 3u) != 0) {
            *d++ = *s++;
            n--;
        }
        fw_word_t *dw = (fw_word_t *)(void *)d;
        const fw_word_t *sw = (const fw_word_t *)(const void *)s;
        fw_word_t *const end8 = dw + (n / 32u) * 8u;
        while (dw != end8) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
            dw[4] = sw[4];
            dw[5] = sw[5];
            dw[6] = sw[6];
            dw[7] = sw[7];
            dw += 8;
            sw += 8;
        }
        fw_word_t *const end = dw + (n % 32u) / 4u;
        while (dw != end) {
            *dw++ = *sw++;
        }
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
        n &= 3u;
    }
    while (n > 0) {
        *d++ = *s++;
        n--;
    }
    return dst;
}
