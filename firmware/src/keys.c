#include <string.h>

#include "fw/ct.h"
#include "fw/err.h"
#include "fw/keys.h"
#include "le_priv.h"

#define FW_REVOKE_MASK ((1u << FW_KEY_SLOTS) - 1u)

void fw_keyring_init(fw_keyring_t *k)
{
    memset(k, 0, sizeof(*k));
}

void fw_keyring_free(fw_keyring_t *k)
{
    memset(k, 0, sizeof(*k));
}

int fw_keyring_parse(const uint8_t *keyblock, size_t len, fw_keyring_t *out)
{
    if (keyblock == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_keyring_init(out);
    if (len < FW_KEYBLOCK_SIZE || fw_le32(keyblock + FW_KEYBLOCK_OFF_MAGIC) != FW_KEYBLOCK_MAGIC ||
        fw_le32(keyblock + FW_KEYBLOCK_OFF_RESERVED) != 0) {
        return FW_ERR_KEY_UNTRUSTED;
    }
    memcpy(out->digest, keyblock + FW_KEYBLOCK_OFF_DIGESTS, sizeof(out->digest));
    return FW_OK;
}

void fw_keyring_set_revoked(fw_keyring_t *k, uint32_t revoked_mask)
{
    k->revoked_mask = revoked_mask & FW_REVOKE_MASK;
}

int fw_keyring_find(const fw_keyring_t *k, const uint8_t key_digest[FW_SHA256_SIZE], int *slot)
{
    if (k == NULL || key_digest == NULL || slot == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    int found = -1;
    /* Visit every slot whatever matches, so timing does not reveal which slot holds the key. */
    for (int i = 0; i < FW_KEY_SLOTS; i++) {
        uint32_t empty = fw_ct_is_zero(k->digest[i], FW_SHA256_SIZE);
        uint32_t equal = fw_ct_diff(k->digest[i], key_digest, FW_SHA256_SIZE) == 0;
        if (equal && !empty && found < 0) {
            found = i;
        }
    }
    *slot = found;
    if (found < 0) {
        return FW_ERR_KEY_UNTRUSTED;
    }
    if ((k->revoked_mask >> found) & 1u) {
        return FW_ERR_KEY_REVOKED;
    }
    return FW_OK;
}

void fw_efuse_init(fw_efuse_t *e)
{
    memset(e, 0, sizeof(*e));
}

void fw_efuse_free(fw_efuse_t *e)
{
    memset(e, 0, sizeof(*e));
}

int fw_efuse_parse(const uint8_t *buf, size_t len, fw_efuse_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_efuse_init(out);
    if (len < FW_EFUSE_SIZE) {
        return FW_ERR_EFUSE_BAD_VALUE;
    }
    /* Revoke bits beyond the key slots are reserved and ignored by fw_keyring_set_revoked. */
    out->key_revoke = fw_le32(buf + FW_EFUSE_OFF_KEY_REVOKE);
    out->security_version = fw_le64(buf + FW_EFUSE_OFF_SECURE_VERSION);
    return FW_OK;
}

void fw_efuse_write(const fw_efuse_t *e, uint8_t buf[FW_EFUSE_SIZE])
{
    fw_put_le32(buf + FW_EFUSE_OFF_KEY_REVOKE, e->key_revoke);
    fw_put_le64(buf + FW_EFUSE_OFF_SECURE_VERSION, e->security_version);
    fw_put_le32(buf + FW_EFUSE_OFF_RESERVED, 0);
}

uint32_t fw_efuse_security_version(const fw_efuse_t *e)
{
    uint32_t n = 0;
    for (int i = 0; i < 64; i++) {
        n += (uint32_t)((e->security_version >> i) & 1u);
    }
    return n;
}

int fw_efuse_raise_security_version(const fw_efuse_t *cur, uint32_t target, fw_efuse_t *out)
{
    if (cur == NULL || out == NULL || target > FW_EFUSE_MAX_SECURITY_VERSION) {
        return FW_ERR_EFUSE_BAD_VALUE;
    }
    *out = *cur;
    /* Burn further zero bits, lowest first, until the count reaches target. */
    for (int i = 0; i < 64 && fw_efuse_security_version(out) < target; i++) {
        out->security_version |= (uint64_t)1 << i;
    }
    return FW_OK;
}

int fw_efuse_revoke(const fw_efuse_t *cur, uint32_t slot_mask, fw_efuse_t *out)
{
    if (cur == NULL || out == NULL || (slot_mask & ~FW_REVOKE_MASK) != 0) {
        return FW_ERR_EFUSE_BAD_VALUE;
    }
    *out = *cur;
    out->key_revoke |= slot_mask;
    return FW_OK;
}
