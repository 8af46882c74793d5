/* The SHA-256 compression function of crypto/sha256.c, for the one other user: mbedTLS's
 * SHA-256 in the device app (MBEDTLS_SHA256_PROCESS_ALT, crypto/crypto_mbedtls.c). */
#ifndef FW_SHA256_PRIV_H
#define FW_SHA256_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* Hashes nblocks 64-byte blocks of data into state (FIPS 180-4 6.2.2). */
void fw_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks);

#endif /* FW_SHA256_PRIV_H */
