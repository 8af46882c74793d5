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

/* Manifest field offsets (docs/formats.md 1.1); mirrored in FirmwareManifest.java and qemu/formats.py. */
#define FW_MANIFEST_OFF_MAGIC 0
#define FW_MANIFEST_OFF_FORMAT 4
#define FW_MANIFEST_OFF_SIZE 6
#define FW_MANIFEST_OFF_IMAGE_TYPE 8
#define FW_MANIFEST_OFF_RESERVED_TYPE 9
#define FW_MANIFEST_OFF_VERSION 12
#define FW_MANIFEST_OFF_SECURITY_VERSION 16
#define FW_MANIFEST_OFF_IMAGE_SIZE 20
#define FW_MANIFEST_OFF_LOAD_ADDR 24
#define FW_MANIFEST_OFF_ENTRY_ADDR 28
#define FW_MANIFEST_OFF_IMAGE_DIGEST 32
#define FW_MANIFEST_OFF_BUILD_ID 64
#define FW_MANIFEST_OFF_RESERVED 96
#define FW_MANIFEST_RESERVED_SIZE 32

_Static_assert(FW_MANIFEST_OFF_IMAGE_TYPE + 1 == FW_MANIFEST_OFF_RESERVED_TYPE, "manifest: type is one byte");
_Static_assert(FW_MANIFEST_OFF_ENTRY_ADDR + 4 == FW_MANIFEST_OFF_IMAGE_DIGEST, "manifest: u32 fields are packed");
_Static_assert(FW_MANIFEST_OFF_IMAGE_DIGEST + FW_SHA256_SIZE == FW_MANIFEST_OFF_BUILD_ID, "manifest: digest");
_Static_assert(FW_MANIFEST_OFF_BUILD_ID + FW_BUILD_ID_SIZE == FW_MANIFEST_OFF_RESERVED, "manifest: build id");
_Static_assert(FW_MANIFEST_OFF_RESERVED + FW_MANIFEST_RESERVED_SIZE == FW_MANIFEST_SIZE, "manifest: 128 bytes");

/* Signature block field offsets (docs/formats.md 1.2); mirrored in SignatureBlock.java and qemu/formats.py. */
#define FW_SIGBLOCK_OFF_MAGIC 0
#define FW_SIGBLOCK_OFF_VERSION 1
#define FW_SIGBLOCK_OFF_RESERVED_HEAD 2
#define FW_SIGBLOCK_OFF_MANIFEST_DIGEST 4
#define FW_SIGBLOCK_OFF_CURVE 36
#define FW_SIGBLOCK_OFF_RESERVED_CURVE 37
#define FW_SIGBLOCK_OFF_PUBKEY 40
#define FW_SIGBLOCK_OFF_SIGNATURE 104
#define FW_SIGBLOCK_OFF_RESERVED_TAIL 168

_Static_assert(FW_SIGBLOCK_OFF_MANIFEST_DIGEST + FW_SHA256_SIZE == FW_SIGBLOCK_OFF_CURVE, "sigblock: digest");
_Static_assert(FW_SIGBLOCK_OFF_RESERVED_CURVE + 3 == FW_SIGBLOCK_OFF_PUBKEY, "sigblock: curve word");
_Static_assert(FW_SIGBLOCK_OFF_PUBKEY + FW_P256_PUBKEY_SIZE == FW_SIGBLOCK_OFF_SIGNATURE, "sigblock: key");
_Static_assert(FW_SIGBLOCK_OFF_SIGNATURE + FW_P256_SIG_SIZE == FW_SIGBLOCK_OFF_RESERVED_TAIL, "sigblock: signature");
_Static_assert(FW_SIGBLOCK_OFF_RESERVED_TAIL + 8 == FW_SIGBLOCK_SIZE, "sigblock: 176 bytes");

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
