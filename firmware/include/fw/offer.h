/* DeviceTrust firmware: update offer, the body of GET /api/v1/device/update (see firmware/docs/formats.md 8). */
#ifndef FW_OFFER_H
#define FW_OFFER_H

#include <stddef.h>
#include <stdint.h>

#include "fw/boot.h"
#include "fw/image.h"

#define FW_OFFER_MAGIC 0x464f5444u /* "DTOF" */
#define FW_OFFER_FORMAT 1
#define FW_OFFER_HEADER_SIZE 32
#define FW_OFFER_UPDATE_ID_SIZE 16
#define FW_OFFER_CHUNK_MIN 512
#define FW_OFFER_CHUNK_MAX 6144
#define FW_OFFER_CHUNK_ALIGN 16 /* whole 16-byte units: flash words, checkpoints on the chunk grid */

#define FW_OFFER_OFF_MAGIC 0
#define FW_OFFER_OFF_FORMAT 4
#define FW_OFFER_OFF_HEADER_SIZE 6
#define FW_OFFER_OFF_UPDATE_ID 8
#define FW_OFFER_OFF_CHUNK_SIZE 24
#define FW_OFFER_OFF_IMAGE_LENGTH 28
#define FW_OFFER_OFF_MANIFEST 32
#define FW_OFFER_OFF_SIGBLOCK 160
#define FW_OFFER_SIZE 336

_Static_assert(FW_OFFER_OFF_UPDATE_ID + FW_OFFER_UPDATE_ID_SIZE == FW_OFFER_OFF_CHUNK_SIZE, "offer: update id");
_Static_assert(FW_OFFER_OFF_IMAGE_LENGTH + 4 == FW_OFFER_HEADER_SIZE, "offer: 32-byte header");
_Static_assert(FW_OFFER_OFF_MANIFEST == FW_OFFER_HEADER_SIZE, "offer: manifest after the header");
_Static_assert(FW_OFFER_OFF_MANIFEST + FW_MANIFEST_SIZE == FW_OFFER_OFF_SIGBLOCK, "offer: manifest");
_Static_assert(FW_OFFER_OFF_SIGBLOCK + FW_SIGBLOCK_SIZE == FW_OFFER_SIZE, "offer: 336 bytes");

/*
 * A parsed offer. The manifest and signature block are kept as the raw signed bytes: the device
 * verifies them with fw_boot_verify's stages before it fetches a payload byte, and compares the
 * downloaded slot's first and last bytes with them.
 */
typedef struct {
    uint8_t update_id[FW_OFFER_UPDATE_ID_SIZE];
    uint32_t chunk_size;
    uint32_t image_length;
    fw_manifest_t manifest;
    uint8_t manifest_bytes[FW_MANIFEST_SIZE];
    uint8_t sigblock_bytes[FW_SIGBLOCK_SIZE];
} fw_offer_t;

void fw_offer_init(fw_offer_t *o);
void fw_offer_free(fw_offer_t *o);

/*
 * Parses exactly FW_OFFER_SIZE bytes. Refuses a wrong magic, format or header size, a chunk size
 * outside [FW_OFFER_CHUNK_MIN, FW_OFFER_CHUNK_MAX], a manifest that does not parse, an image length
 * that differs from 128 + align16(image_size) + 176, or one larger than slot_size. Nothing here is
 * trusted yet: the signature is checked by the caller.
 */
int fw_offer_parse(const uint8_t *buf, size_t len, size_t slot_size, fw_offer_t *out);

/*
 * The offer's signed part checked exactly as the bootloader will check the slot (fw_boot_check_signed:
 * key slot trusted and not revoked, signature over the manifest, app type, security version not below
 * the eFuse counter, load window). The device calls this before it fetches one payload byte.
 */
int fw_offer_verify(const fw_offer_t *o, const fw_boot_policy_t *policy, int *key_slot);

/* The update id as 32 lowercase hex characters and a NUL (the form the URLs use). */
void fw_offer_update_id_hex(const fw_offer_t *o, char out[2 * FW_OFFER_UPDATE_ID_SIZE + 1]);

#endif /* FW_OFFER_H */
