#include <string.h>

#include "fw/err.h"
#include "fw/image.h"
#include "le_priv.h"

void fw_manifest_init(fw_manifest_t *m)
{
    memset(m, 0, sizeof(*m));
}

void fw_manifest_free(fw_manifest_t *m)
{
    memset(m, 0, sizeof(*m));
}

void fw_sigblock_init(fw_sigblock_t *s)
{
    memset(s, 0, sizeof(*s));
}

void fw_sigblock_free(fw_sigblock_t *s)
{
    memset(s, 0, sizeof(*s));
}

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

int fw_manifest_parse(const uint8_t *buf, size_t len, fw_manifest_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_manifest_init(out);
    if (len < FW_MANIFEST_SIZE) {
        return FW_ERR_IMAGE_TRUNCATED;
    }
    if (fw_le32(buf + 0) != FW_MANIFEST_MAGIC) {
        return FW_ERR_MANIFEST_BAD_MAGIC;
    }
    if (fw_le16(buf + 4) != FW_MANIFEST_FORMAT || fw_le16(buf + 6) != FW_MANIFEST_SIZE) {
        return FW_ERR_MANIFEST_BAD_VERSION;
    }
    uint8_t type = buf[8];
    if (type != FW_IMAGE_TYPE_BOOTLOADER && type != FW_IMAGE_TYPE_APP) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    /* Reserved bytes must be zero so that a later format can give them meaning. */
    if (!all_zero(buf + 9, 3) || !all_zero(buf + 96, 32)) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    uint32_t security_version = fw_le32(buf + 16);
    uint32_t image_size = fw_le32(buf + 20);
    uint32_t load_addr = fw_le32(buf + 24);
    uint32_t entry_addr = fw_le32(buf + 28);
    if (security_version > 64u || image_size == 0u) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    /* The entry point must lie inside the loaded payload (no wrap-around). */
    if (load_addr > UINT32_MAX - image_size || entry_addr < load_addr ||
        entry_addr - load_addr >= image_size) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    out->image_type = type;
    out->version = fw_le32(buf + 12);
    out->security_version = security_version;
    out->image_size = image_size;
    out->load_addr = load_addr;
    out->entry_addr = entry_addr;
    memcpy(out->image_digest, buf + 32, FW_SHA256_SIZE);
    memcpy(out->build_id, buf + 64, FW_BUILD_ID_SIZE);
    return FW_OK;
}

int fw_image_sigblock_offset(uint32_t image_size, size_t slot_len, size_t *out)
{
    if (out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    /* 64-bit arithmetic: image_size is attacker-controlled and may be near 4 GiB. */
    uint64_t padded = ((uint64_t)image_size + (FW_PAYLOAD_ALIGN - 1)) & ~(uint64_t)(FW_PAYLOAD_ALIGN - 1);
    uint64_t offset = FW_MANIFEST_SIZE + padded;
    if (offset > slot_len || (uint64_t)slot_len - offset < FW_SIGBLOCK_SIZE) {
        return FW_ERR_IMAGE_TRUNCATED;
    }
    *out = (size_t)offset;
    return FW_OK;
}

int fw_sigblock_parse(const uint8_t *buf, size_t len, fw_sigblock_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_sigblock_init(out);
    if (len < FW_SIGBLOCK_SIZE) {
        return FW_ERR_IMAGE_TRUNCATED;
    }
    if (buf[0] != FW_SIGBLOCK_MAGIC) {
        return FW_ERR_SIGBLOCK_MISSING;
    }
    if (buf[1] != FW_SIGBLOCK_VERSION || buf[36] != FW_SIGBLOCK_CURVE_P256 || !all_zero(buf + 2, 2) ||
        !all_zero(buf + 37, 3) || !all_zero(buf + 168, 8)) {
        return FW_ERR_SIGBLOCK_BAD_FIELD;
    }
    memcpy(out->manifest_digest, buf + 4, FW_SHA256_SIZE);
    memcpy(out->pubkey, buf + 40, FW_P256_PUBKEY_SIZE);
    memcpy(out->signature, buf + 104, FW_P256_SIG_SIZE);
    return FW_OK;
}

int fw_sigblock_key_digest(const fw_sigblock_t *s, uint8_t digest[FW_SHA256_SIZE])
{
    if (s == NULL || digest == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    static const uint8_t uncompressed = 0x04;
    fw_sha256_ctx_t ctx;
    fw_sha256_init(&ctx);
    int rc = fw_sha256_update(&ctx, &uncompressed, 1);
    if (rc == FW_OK) {
        rc = fw_sha256_update(&ctx, s->pubkey, FW_P256_PUBKEY_SIZE);
    }
    if (rc == FW_OK) {
        rc = fw_sha256_finish(&ctx, digest);
    }
    fw_sha256_free(&ctx);
    return rc;
}
