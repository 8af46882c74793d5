/*
 * DeviceTrust firmware: signed image container (manifest + payload + signature
 * block). The byte layout is specified in firmware/docs/formats.md; every
 * multi-byte integer is little-endian unless stated otherwise.
 */
#ifndef FW_IMAGE_H
#define FW_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "fw/crypto.h"

#define FW_MANIFEST_SIZE 128
#define FW_MANIFEST_MAGIC 0x4d465444u /* "DTFM" */
#define FW_MANIFEST_FORMAT 1
#define FW_BUILD_ID_SIZE 32

#define FW_IMAGE_TYPE_BOOTLOADER 1
#define FW_IMAGE_TYPE_APP 2

#define FW_SIGBLOCK_SIZE 176
#define FW_SIGBLOCK_MAGIC 0xe7   /* same as ESP32 Secure Boot V2 */
#define FW_SIGBLOCK_VERSION 0x03 /* ESP32 Secure Boot V2, ECDSA flavour */
#define FW_SIGBLOCK_CURVE_P256 2 /* ESP32 Secure Boot V2 curve id for P-256 */

#define FW_PAYLOAD_ALIGN 16

typedef struct {
    uint8_t image_type;
    uint32_t version;
    uint32_t security_version;
    uint32_t image_size;
    uint32_t load_addr;
    uint32_t entry_addr;
    uint8_t image_digest[FW_SHA256_SIZE];
    uint8_t build_id[FW_BUILD_ID_SIZE];
} fw_manifest_t;

typedef struct {
    uint8_t manifest_digest[FW_SHA256_SIZE];
    uint8_t pubkey[FW_P256_PUBKEY_SIZE];
    uint8_t signature[FW_P256_SIG_SIZE];
} fw_sigblock_t;

void fw_manifest_init(fw_manifest_t *m);
void fw_manifest_free(fw_manifest_t *m);
/* Parses exactly FW_MANIFEST_SIZE bytes; len shorter than that is an error. */
int fw_manifest_parse(const uint8_t *buf, size_t len, fw_manifest_t *out);

/*
 * Offset of the signature block inside an image slot for a manifest declaring
 * image_size bytes of payload; fails if it does not fit in slot_len.
 */
int fw_image_sigblock_offset(uint32_t image_size, size_t slot_len, size_t *out);

void fw_sigblock_init(fw_sigblock_t *s);
void fw_sigblock_free(fw_sigblock_t *s);
int fw_sigblock_parse(const uint8_t *buf, size_t len, fw_sigblock_t *out);

/* SHA-256 of the uncompressed SEC1 point 0x04 || X || Y: what a key slot holds. */
int fw_sigblock_key_digest(const fw_sigblock_t *s, uint8_t digest[FW_SHA256_SIZE]);

#endif /* FW_IMAGE_H */
