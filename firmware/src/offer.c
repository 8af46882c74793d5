/* Update offer parser (docs/formats.md 8): untrusted bytes from the network, checked before use. */
#include "fw/offer.h"

#include <string.h>

#include "fw/err.h"
#include "le_priv.h"

void fw_offer_init(fw_offer_t *o)
{
    memset(o, 0, sizeof(*o));
    fw_manifest_init(&o->manifest);
}

void fw_offer_free(fw_offer_t *o)
{
    fw_manifest_free(&o->manifest);
    memset(o, 0, sizeof(*o));
}

int fw_offer_parse(const uint8_t *buf, size_t len, size_t slot_size, fw_offer_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_offer_init(out);
    if (len != FW_OFFER_SIZE) {
        return FW_ERR_OFFER_INVALID;
    }
    if (fw_le32(buf + FW_OFFER_OFF_MAGIC) != FW_OFFER_MAGIC || fw_le16(buf + FW_OFFER_OFF_FORMAT) != FW_OFFER_FORMAT ||
        fw_le16(buf + FW_OFFER_OFF_HEADER_SIZE) != FW_OFFER_HEADER_SIZE) {
        return FW_ERR_OFFER_INVALID;
    }
    uint32_t chunk = fw_le32(buf + FW_OFFER_OFF_CHUNK_SIZE);
    if (chunk < FW_OFFER_CHUNK_MIN || chunk > FW_OFFER_CHUNK_MAX || chunk % FW_OFFER_CHUNK_ALIGN != 0) {
        return FW_ERR_OFFER_INVALID;
    }
    fw_manifest_t manifest;
    int rc = fw_manifest_parse(buf + FW_OFFER_OFF_MANIFEST, FW_MANIFEST_SIZE, &manifest);
    if (rc != 0) {
        fw_offer_free(out);
        return rc;
    }
    if (manifest.image_type != FW_IMAGE_TYPE_APP) { /* updates replace the app; the bootloader is the ROM's */
        fw_manifest_free(&manifest);
        return FW_ERR_IMAGE_WRONG_TYPE;
    }
    size_t sig_off = 0;
    uint32_t length = fw_le32(buf + FW_OFFER_OFF_IMAGE_LENGTH);
    if (fw_image_sigblock_offset(manifest.image_size, slot_size, &sig_off) != 0 ||
        sig_off + FW_SIGBLOCK_SIZE != (size_t)length || (size_t)length > slot_size) {
        fw_manifest_free(&manifest);
        return FW_ERR_OFFER_INVALID;
    }
    memcpy(out->update_id, buf + FW_OFFER_OFF_UPDATE_ID, FW_OFFER_UPDATE_ID_SIZE);
    out->chunk_size = chunk;
    out->image_length = length;
    out->manifest = manifest;
    memcpy(out->manifest_bytes, buf + FW_OFFER_OFF_MANIFEST, FW_MANIFEST_SIZE);
    memcpy(out->sigblock_bytes, buf + FW_OFFER_OFF_SIGBLOCK, FW_SIGBLOCK_SIZE);
    return 0;
}

int fw_offer_verify(const fw_offer_t *o, const fw_boot_policy_t *policy, int *key_slot)
{
    if (o == NULL || policy == NULL || key_slot == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_manifest_t m;
    int rc = fw_boot_check_signed(policy, o->manifest_bytes, o->sigblock_bytes, &m, key_slot);
    fw_manifest_free(&m);
    return rc;
}

void fw_offer_update_id_hex(const fw_offer_t *o, char out[2 * FW_OFFER_UPDATE_ID_SIZE + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < FW_OFFER_UPDATE_ID_SIZE; i++) {
        out[2 * i] = digits[o->update_id[i] >> 4];
        out[2 * i + 1] = digits[o->update_id[i] & 0x0f];
    }
    out[2 * FW_OFFER_UPDATE_ID_SIZE] = '\0';
}
