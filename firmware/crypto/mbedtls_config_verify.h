/*
 * Minimal mbedTLS 2.28 configuration for the DeviceTrust boot chain:
 * ECDSA P-256 verification only (SHA-256 is our own, crypto/sha256.c). No RNG
 * is needed to verify, so MBEDTLS_ECP_NO_INTERNAL_RNG keeps CTR_DRBG and AES
 * out of the ROM.
 */
#ifndef FW_MBEDTLS_CONFIG_VERIFY_H
#define FW_MBEDTLS_CONFIG_VERIFY_H

#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
/* For the host build of the EST client (src/est.c); the boot stages never link it. */
#define MBEDTLS_BASE64_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_NO_INTERNAL_RNG
#define MBEDTLS_ECP_WINDOW_SIZE 4
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_MPI_MAX_SIZE 48
#define MBEDTLS_MPI_WINDOW_SIZE 2

#if defined(FW_TARGET_BARE_METAL)
/* No operating system: a static heap instead of calloc/free, no time source needed to verify. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
/* The heap allocator stops the device when it detects corruption: a halt, never a return. */
#define MBEDTLS_PLATFORM_EXIT_MACRO fw_mbedtls_exit
void fw_mbedtls_exit(int status);
#endif

#include "mbedtls/check_config.h"

#endif /* FW_MBEDTLS_CONFIG_VERIFY_H */
