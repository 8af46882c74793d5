/*
 * mbedTLS 2.28 configuration for the DeviceTrust device app: a TLS 1.2 client with one
 * cipher suite (ECDHE-ECDSA-AES128-GCM-SHA256), P-256 for its own key, X25519 (preferred:
 * cheaper) or P-256 for ECDHE, P-384 and SHA-384 only to verify the server chain under our
 * P-384 root, X.509 parsing with date checks, CSR writing for enrollment, CTR_DRBG seeded
 * from the RISC-V Zkr `seed` CSR.
 */
#ifndef FW_MBEDTLS_CONFIG_TLS_H
#define FW_MBEDTLS_CONFIG_TLS_H

/* Primitives */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_PROCESS_ALT /* our compression function (crypto/sha256.c) */
#define MBEDTLS_SHA512_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED /* ECDHE only (board/link.c) */
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 4
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_MPI_MAX_SIZE 48
#define MBEDTLS_MPI_WINDOW_SIZE 2

/* Randomness: entropy from the seed CSR (mbedtls_hardware_poll), CTR_DRBG on AES-256 */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_ENTROPY_FORCE_SHA256
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_CTR_DRBG_C

/* Keys, certificates, CSR */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CSR_WRITE_C
#define MBEDTLS_BASE64_C

/* TLS 1.2 client, one suite, server name indication, read timeouts */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_IN_CONTENT_LEN 8192
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

/* Time: dates in certificates are checked against the clock the launcher provisions. */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE

#if defined(FW_TARGET_BARE_METAL)
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO snprintf
#include <stdio.h>
#define MBEDTLS_PLATFORM_EXIT_MACRO fw_mbedtls_exit
#define MBEDTLS_PLATFORM_TIME_MACRO fw_time
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO long long
#include <stddef.h>
long long fw_time(long long *t);
/* picolibc's gmtime() keeps its result in thread-local storage, which the bare-metal start-up
 * does not set up: the device converts times itself (board/device.c). */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
void fw_mbedtls_exit(int status);
#endif

#include "mbedtls/check_config.h"

#endif /* FW_MBEDTLS_CONFIG_TLS_H */
