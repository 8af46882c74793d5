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
    if (fw_le32(buf + FW_MANIFEST_OFF_MAGIC) != FW_MANIFEST_MAGIC) {
        return FW_ERR_MANIFEST_BAD_MAGIC;
    }
    if (fw_le16(buf + FW_MANIFEST_OFF_FORMAT) != FW_MANIFEST_FORMAT ||
        fw_le16(buf + FW_MANIFEST_OFF_SIZE) != FW_MANIFEST_SIZE) {
        return FW_ERR_MANIFEST_BAD_VERSION;
    }
    uint8_t type = buf[FW_MANIFEST_OFF_IMAGE_TYPE];
    if (type != FW_IMAGE_TYPE_BOOTLOADER && type != FW_IMAGE_TYPE_APP) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    /* Reserved bytes must be zero so that a later format can give them meaning. */
    if (!all_zero(buf + FW_MANIFEST_OFF_RESERVED_TYPE, FW_MANIFEST_OFF_VERSION - FW_MANIFEST_OFF_RESERVED_TYPE) ||
        !all_zero(buf + FW_MANIFEST_OFF_RESERVED, FW_MANIFEST_RESERVED_SIZE)) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    uint32_t security_version = fw_le32(buf + FW_MANIFEST_OFF_SECURITY_VERSION);
    uint32_t image_size = fw_le32(buf + FW_MANIFEST_OFF_IMAGE_SIZE);
    uint32_t load_addr = fw_le32(buf + FW_MANIFEST_OFF_LOAD_ADDR);
    uint32_t entry_addr = fw_le32(buf + FW_MANIFEST_OFF_ENTRY_ADDR);
    if (security_version > 64u || image_size == 0u) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    /* The entry point must lie inside the loaded payload (no wrap-around). */
    if (load_addr > UINT32_MAX - image_size || entry_addr < load_addr || entry_addr - load_addr >= image_size) {
        return FW_ERR_MANIFEST_BAD_FIELD;
    }
    out->image_type = type;
    out->version = fw_le32(buf + FW_MANIFEST_OFF_VERSION);
    out->security_version = security_version;
    out->image_size = image_size;
    out->load_addr = load_addr;
    out->entry_addr = entry_addr;
    memcpy(out->image_digest, buf + FW_MANIFEST_OFF_IMAGE_DIGEST, FW_SHA256_SIZE);
    memcpy(out->build_id, buf + FW_MANIFEST_OFF_BUILD_ID, FW_BUILD_ID_SIZE);
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
    if (buf[FW_SIGBLOCK_OFF_MAGIC] != FW_SIGBLOCK_MAGIC) {
        return FW_ERR_SIGBLOCK_MISSING;
    }
    if (buf[FW_SIGBLOCK_OFF_VERSION] != FW_SIGBLOCK_VERSION || buf[FW_SIGBLOCK_OFF_CURVE] != FW_SIGBLOCK_CURVE_P256 ||
        !all_zero(buf + FW_SIGBLOCK_OFF_RESERVED_HEAD,
                  FW_SIGBLOCK_OFF_MANIFEST_DIGEST - FW_SIGBLOCK_OFF_RESERVED_HEAD) ||
        !all_zero(buf + FW_SIGBLOCK_OFF_RESERVED_CURVE, FW_SIGBLOCK_OFF_PUBKEY - FW_SIGBLOCK_OFF_RESERVED_CURVE) ||
        !all_zero(buf + FW_SIGBLOCK_OFF_RESERVED_TAIL, FW_SIGBLOCK_SIZE - FW_SIGBLOCK_OFF_RESERVED_TAIL)) {
        return FW_ERR_SIGBLOCK_BAD_FIELD;
    }
    memcpy(out->manifest_digest, buf + FW_SIGBLOCK_OFF_MANIFEST_DIGEST, FW_SHA256_SIZE);
    memcpy(out->pubkey, buf + FW_SIGBLOCK_OFF_PUBKEY, FW_P256_PUBKEY_SIZE);
    memcpy(out->signature, buf + FW_SIGBLOCK_OFF_SIGNATURE, FW_P256_SIG_SIZE);
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
