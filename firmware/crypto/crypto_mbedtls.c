/* The mbedTLS backend of the crypto shim (fw/crypto.h). */
#include <string.h>

#include "mbedtls/bignum.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "mbedtls/sha256.h"

#include "fw/crypto.h"
#include "fw/err.h"

_Static_assert(sizeof(mbedtls_sha256_context) <= sizeof(((fw_sha256_ctx_t *)0)->opaque),
               "fw_sha256_ctx_t too small for mbedtls_sha256_context");

static mbedtls_sha256_context *sha_ctx(fw_sha256_ctx_t *ctx)
{
    return (mbedtls_sha256_context *)(void *)ctx->opaque;
}

void fw_sha256_init(fw_sha256_ctx_t *ctx)
{
    mbedtls_sha256_init(sha_ctx(ctx));
    (void)mbedtls_sha256_starts_ret(sha_ctx(ctx), 0);
}

void fw_sha256_free(fw_sha256_ctx_t *ctx)
{
    mbedtls_sha256_free(sha_ctx(ctx));
}

int fw_sha256_update(fw_sha256_ctx_t *ctx, const uint8_t *data, size_t len)
{
    return mbedtls_sha256_update_ret(sha_ctx(ctx), data, len) == 0 ? FW_OK : FW_ERR_CRYPTO;
}

int fw_sha256_finish(fw_sha256_ctx_t *ctx, uint8_t digest[FW_SHA256_SIZE])
{
    return mbedtls_sha256_finish_ret(sha_ctx(ctx), digest) == 0 ? FW_OK : FW_ERR_CRYPTO;
}

int fw_sha256(const uint8_t *data, size_t len, uint8_t digest[FW_SHA256_SIZE])
{
    return mbedtls_sha256_ret(data, len, digest, 0) == 0 ? FW_OK : FW_ERR_CRYPTO;
}

int fw_ecdsa_p256_verify(const uint8_t pubkey[FW_P256_PUBKEY_SIZE],
                         const uint8_t digest[FW_SHA256_SIZE],
                         const uint8_t sig[FW_P256_SIG_SIZE])
{
    int verdict = FW_ERR_SIGNATURE_INVALID;
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi r;
    mbedtls_mpi s;
    uint8_t point[1 + FW_P256_PUBKEY_SIZE];

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);

    point[0] = 0x04;
    memcpy(point + 1, pubkey, FW_P256_PUBKEY_SIZE);
    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) != 0) {
        verdict = FW_ERR_CRYPTO;
        goto done;
    }
    /* An off-curve key is an invalid signature, not a crypto failure. */
    if (mbedtls_ecp_point_read_binary(&grp, &q, point, sizeof(point)) != 0 ||
        mbedtls_ecp_check_pubkey(&grp, &q) != 0) {
        goto done;
    }
    if (mbedtls_mpi_read_binary(&r, sig, FW_P256_COORD_SIZE) != 0 ||
        mbedtls_mpi_read_binary(&s, sig + FW_P256_COORD_SIZE, FW_P256_COORD_SIZE) != 0) {
        verdict = FW_ERR_CRYPTO;
        goto done;
    }
    if (mbedtls_ecdsa_verify(&grp, digest, FW_SHA256_SIZE, &q, &r, &s) == 0) {
        verdict = FW_OK;
    }

done:
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return verdict;
}
