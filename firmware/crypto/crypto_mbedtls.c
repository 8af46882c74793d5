/* The mbedTLS backend of the crypto shim (fw/crypto.h): ECDSA P-256 verification. SHA-256 is
 * our own (sha256.c), and in the device app mbedTLS's SHA-256 runs on it too (below). */
#include <string.h>

#include "mbedtls/bignum.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"

#include "fw/crypto.h"
#include "fw/err.h"

int fw_ecdsa_p256_verify(const uint8_t pubkey[FW_P256_PUBKEY_SIZE], const uint8_t digest[FW_SHA256_SIZE],
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
    if (mbedtls_ecp_point_read_binary(&grp, &q, point, sizeof(point)) != 0 || mbedtls_ecp_check_pubkey(&grp, &q) != 0) {
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

#if defined(MBEDTLS_SHA256_PROCESS_ALT)
#include "mbedtls/sha256.h"
#include "sha256_priv.h"

/*
 * mbedTLS's SHA-256 (TLS transcript, PRF, certificate digests, entropy pool) on our compression
 * function: one SHA-256 in the image, and cheaper than the library's (59.5 against 82.9
 * instructions a byte on long inputs).
 * state is a documented member of mbedtls_sha256_context (2.28 has no accessor; the library's
 * own _ALT contract is this function on that context).
 */
int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx, const unsigned char data[64])
{
    fw_sha256_blocks(ctx->state, data, 1);
    return 0;
}
#endif
