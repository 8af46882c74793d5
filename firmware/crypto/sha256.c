/*
 * SHA-256 (FIPS 180-4) of the crypto shim (fw/crypto.h).
 *
 * Our own rather than mbedTLS's because SHA-256 is the boot chain's per-byte cost: the
 * bootloader hashes the whole app image (up to megabytes) on every boot. On RV32IMC, which
 * has no rotate instruction, the library's version spent about 83 instructions a byte, a
 * fifth of them clearing its 296-byte work area after every 64-byte block. This one keeps
 * the eight working variables in registers (eight rounds per loop iteration with the
 * variables renamed instead of moved), computes each schedule word in the round that
 * uses it, carries a ^ b over to the next round's Maj, and clears the schedule once per
 * call instead of once per block. It is also smaller than the library's, which matters in
 * the ROM stage. No branch or memory index depends on the data.
 */
#include <stdint.h>
#include <string.h>

#include "fw/crypto.h"
#include "fw/err.h"
#include "sha256_priv.h"

typedef struct {
    uint32_t state[8];
    uint64_t total; /* bytes hashed so far */
    uint32_t used;  /* bytes waiting in block[] */
    uint8_t block[64];
} sha256_t;

_Static_assert(sizeof(sha256_t) <= sizeof(((fw_sha256_ctx_t *)0)->opaque),
               "fw_sha256_ctx_t too small for the SHA-256 context");

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static const uint32_t H0[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

/* Byte by byte: the input has no alignment guarantee, and the core has no byte swap. */
static inline uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * One round. Ch(e,f,g) = g ^ (e & (f ^ g)); Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), where
 * b ^ c is the previous round's a ^ b: each round leaves its a ^ b in ab for the next one.
 */
#define ROUND(a, b, c, d, e, f, g, h, wt, kt, ab, bc)                              \
    do {                                                                           \
        uint32_t t1_ = (h) + BSIG1(e) + ((g) ^ ((e) & ((f) ^ (g)))) + (kt) + (wt); \
        (ab) = (a) ^ (b);                                                          \
        (d) += t1_;                                                                \
        (h) = t1_ + BSIG0(a) + ((b) ^ ((ab) & (bc)));                              \
    } while (0)

/* Eight rounds from t (a multiple of 8); W(i) yields schedule word t + i. */
#define EIGHT_ROUNDS(W)                                  \
    do {                                                 \
        ROUND(a, b, c, d, e, f, g, h, W(0), k[0], x, y); \
        ROUND(h, a, b, c, d, e, f, g, W(1), k[1], y, x); \
        ROUND(g, h, a, b, c, d, e, f, W(2), k[2], x, y); \
        ROUND(f, g, h, a, b, c, d, e, W(3), k[3], y, x); \
        ROUND(e, f, g, h, a, b, c, d, W(4), k[4], x, y); \
        ROUND(d, e, f, g, h, a, b, c, W(5), k[5], y, x); \
        ROUND(c, d, e, f, g, h, a, b, W(6), k[6], x, y); \
        ROUND(b, c, d, e, f, g, h, a, W(7), k[7], y, x); \
    } while (0)

/* Rounds 0-15 read the message; rounds 16-63 extend the schedule as they go. */
#define W_MESSAGE(i) (w[i] = load_be32(data + 4 * (i)))
#define W_SCHEDULE(i) (w[i] = SSIG1(w[(i)-2]) + w[(i)-7] + SSIG0(w[(i)-15]) + w[(i)-16])

void fw_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
    uint32_t schedule[64];

    for (; nblocks > 0; nblocks--, data += 64) {
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        uint32_t x = 0, y = b ^ c;
        uint32_t *w = schedule;
        const uint32_t *k = K;

        for (int t = 0; t < 16; t += 8, w += 8, k += 8, data += 32) {
            EIGHT_ROUNDS(W_MESSAGE);
        }
        data -= 64;
        for (int t = 16; t < 64; t += 8, w += 8, k += 8) {
            /* Hides from the compiler that w walks schedule[]: otherwise it carries the
             * previous iterations' words in registers it then spills, moving each one
             * through the stack every iteration (about 8 % more instructions). */
            __asm__("" : "+r"(w));
            EIGHT_ROUNDS(W_SCHEDULE);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
    /* The schedule holds message words (the identity partition hashed holds a private key). */
    volatile uint32_t *wipe = schedule;
    for (size_t i = 0; i < 64; i++) {
        wipe[i] = 0;
    }
}

static sha256_t *ctx_of(fw_sha256_ctx_t *ctx)
{
    return (sha256_t *)(void *)ctx->opaque;
}

void fw_sha256_init(fw_sha256_ctx_t *ctx)
{
    sha256_t *s = ctx_of(ctx);
    memcpy(s->state, H0, sizeof(H0));
    s->total = 0;
    s->used = 0;
}

void fw_sha256_free(fw_sha256_ctx_t *ctx)
{
    volatile uint8_t *p = (volatile uint8_t *)ctx->opaque;
    for (size_t i = 0; i < sizeof(ctx->opaque); i++) {
        p[i] = 0;
    }
}

int fw_sha256_update(fw_sha256_ctx_t *ctx, const uint8_t *data, size_t len)
{
    sha256_t *s = ctx_of(ctx);
    if (len == 0) {
        return FW_OK;
    }
    if (data == NULL || s->used >= sizeof(s->block)) {
        return FW_ERR_BAD_ARGUMENT;
    }
    s->total += len;
    if (s->used > 0) {
        size_t take = sizeof(s->block) - s->used;
        if (take > len) {
            take = len;
        }
        memcpy(s->block + s->used, data, take);
        s->used += (uint32_t)take;
        data += take;
        len -= take;
        if (s->used < sizeof(s->block)) {
            return FW_OK;
        }
        fw_sha256_blocks(s->state, s->block, 1);
        s->used = 0;
    }
    if (len >= 64) {
        fw_sha256_blocks(s->state, data, len / 64);
        data += len & ~(size_t)63;
        len &= 63;
    }
    memcpy(s->block, data, len);
    s->used = (uint32_t)len;
    return FW_OK;
}

int fw_sha256_finish(fw_sha256_ctx_t *ctx, uint8_t digest[FW_SHA256_SIZE])
{
    sha256_t *s = ctx_of(ctx);
    if (s->used >= sizeof(s->block)) {
        return FW_ERR_BAD_ARGUMENT;
    }
    const uint64_t bits = s->total * 8u;
    size_t n = s->used;
    s->block[n++] = 0x80;
    if (n > 56) {
        memset(s->block + n, 0, 64 - n);
        fw_sha256_blocks(s->state, s->block, 1);
        n = 0;
    }
    memset(s->block + n, 0, 56 - n);
    store_be32(s->block + 56, (uint32_t)(bits >> 32));
    store_be32(s->block + 60, (uint32_t)bits);
    fw_sha256_blocks(s->state, s->block, 1);
    for (int i = 0; i < 8; i++) {
        store_be32(digest + 4 * i, s->state[i]);
    }
    s->used = 0;
    return FW_OK;
}

int fw_sha256(const uint8_t *data, size_t len, uint8_t digest[FW_SHA256_SIZE])
{
    fw_sha256_ctx_t ctx;
    fw_sha256_init(&ctx);
    int rc = fw_sha256_update(&ctx, data, len);
    if (rc == FW_OK) {
        rc = fw_sha256_finish(&ctx, digest);
    }
    fw_sha256_free(&ctx);
    return rc;
}
