/*
 * DeviceTrust firmware: the one crypto shim. Every hash and signature check of
 * the security core goes through these functions: SHA-256 is our own
 * (crypto/sha256.c, the boot chain's per-byte cost), ECDSA is mbedTLS's
 * (crypto/crypto_mbedtls.c).
 */
#ifndef FW_CRYPTO_H
#define FW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define FW_SHA256_SIZE 32
#define FW_P256_COORD_SIZE 32
#define FW_P256_PUBKEY_SIZE 64 /* X || Y, big-endian */
#define FW_P256_SIG_SIZE 64    /* r || s, big-endian */

typedef struct {
    /* Opaque storage large enough for the backend's context (checked at compile time). */
    uint64_t opaque[16];
} fw_sha256_ctx_t;

void fw_sha256_init(fw_sha256_ctx_t *ctx);
void fw_sha256_free(fw_sha256_ctx_t *ctx);
int fw_sha256_update(fw_sha256_ctx_t *ctx, const uint8_t *data, size_t len);
int fw_sha256_finish(fw_sha256_ctx_t *ctx, uint8_t digest[FW_SHA256_SIZE]);

/* One-shot SHA-256. */
int fw_sha256(const uint8_t *data, size_t len, uint8_t digest[FW_SHA256_SIZE]);

/*
 * ECDSA P-256 verification of a SHA-256 digest. Returns 0 only for a valid
 * signature; FW_ERR_SIGNATURE_INVALID for a wrong signature or a public key
 * that is not a point on the curve; FW_ERR_CRYPTO on internal failure.
 */
int fw_ecdsa_p256_verify(const uint8_t pubkey[FW_P256_PUBKEY_SIZE], const uint8_t digest[FW_SHA256_SIZE],
                         const uint8_t sig[FW_P256_SIG_SIZE]);

#endif /* FW_CRYPTO_H */
