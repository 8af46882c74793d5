#include <string.h>

#include "fw/boot.h"
#include "fw/ct.h"
#include "fw/err.h"

void fw_boot_result_init(fw_boot_result_t *r)
{
    memset(r, 0, sizeof(*r));
    r->key_slot = -1;
}

void fw_boot_result_free(fw_boot_result_t *r)
{
    fw_boot_result_init(r);
}

static int check_load_window(const fw_boot_policy_t *p, const fw_manifest_t *m)
{
    uint32_t lo = m->load_addr;
    if (lo < p->load_lo || lo > p->load_hi || m->image_size > p->load_hi - lo) {
        return FW_ERR_LOAD_ADDRESS;
    }
    return FW_OK;
}

int fw_boot_check_signed(const fw_boot_policy_t *policy, const uint8_t manifest_raw[FW_MANIFEST_SIZE],
                         const uint8_t sigblock_raw[FW_SIGBLOCK_SIZE], fw_manifest_t *m, int *key_slot)
{
    if (policy == NULL || policy->keys == NULL || manifest_raw == NULL || sigblock_raw == NULL || m == NULL ||
        key_slot == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    *key_slot = -1;
    fw_manifest_init(m);
    uint8_t digest[FW_SHA256_SIZE];
    fw_sigblock_t s;
    fw_sigblock_init(&s);
    int verdict = fw_manifest_parse(manifest_raw, FW_MANIFEST_SIZE, m);
    if (verdict == FW_OK) {
        verdict = fw_sigblock_parse(sigblock_raw, FW_SIGBLOCK_SIZE, &s);
    }
    /* A signature counts only after its key matched a trusted, unrevoked slot. */
    if (verdict == FW_OK && fw_sigblock_key_digest(&s, digest) != FW_OK) {
        verdict = FW_ERR_CRYPTO;
    }
    int slot = -1;
    if (verdict == FW_OK) {
        verdict = fw_keyring_find(policy->keys, digest, &slot);
    }
    if (verdict == FW_OK && fw_sha256(manifest_raw, FW_MANIFEST_SIZE, digest) != FW_OK) {
        verdict = FW_ERR_CRYPTO;
    }
    if (verdict == FW_OK && fw_ct_diff(digest, s.manifest_digest, FW_SHA256_SIZE) != 0) {
        verdict = FW_ERR_MANIFEST_DIGEST_MISMATCH;
    }
    if (verdict == FW_OK) {
        verdict = fw_ecdsa_p256_verify(s.pubkey, digest, s.signature);
    }
    /* From here on the manifest is authentic: its fields can be trusted. */
    if (verdict == FW_OK && m->image_type != policy->expected_type) {
        verdict = FW_ERR_IMAGE_WRONG_TYPE;
    }
    if (verdict == FW_OK && m->security_version < policy->min_security_version) {
        verdict = FW_ERR_ROLLBACK;
    }
    if (verdict == FW_OK) {
        verdict = check_load_window(policy, m);
    }
    fw_sigblock_free(&s);
    if (verdict != FW_OK) {
        fw_manifest_free(m);
        return verdict;
    }
    *key_slot = slot;
    return FW_OK;
}

int fw_boot_verify(const fw_boot_policy_t *policy, const uint8_t *slot, size_t slot_len, fw_boot_result_t *out)
{
    if (policy == NULL || policy->keys == NULL || policy->load_mem == NULL || slot == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_boot_result_init(out);
    /* Default to fail: only the last line of a complete check turns this into success. */
    int verdict = FW_ERR_UNVERIFIED;
    int rc;
    uint8_t manifest_raw[FW_MANIFEST_SIZE];
    uint8_t sigblock_raw[FW_SIGBLOCK_SIZE];
    uint8_t digest[FW_SHA256_SIZE];
    fw_manifest_t m;
    fw_manifest_init(&m);
    uint8_t *dst = NULL;
    int key_slot = -1;

    /* Work on private copies: flash could change between check and use. */
    if (slot_len < FW_MANIFEST_SIZE) {
        verdict = FW_ERR_IMAGE_TRUNCATED;
        goto done;
    }
    memcpy(manifest_raw, slot, FW_MANIFEST_SIZE);
    rc = fw_manifest_parse(manifest_raw, sizeof(manifest_raw), &m);
    if (rc != FW_OK) {
        verdict = rc;
        goto done;
    }
    size_t sig_offset;
    rc = fw_image_sigblock_offset(m.image_size, slot_len, &sig_offset);
    if (rc != FW_OK) {
        verdict = FW_ERR_SIGBLOCK_MISSING;
        goto done;
    }
    memcpy(sigblock_raw, slot + sig_offset, FW_SIGBLOCK_SIZE);
    rc = fw_boot_check_signed(policy, manifest_raw, sigblock_raw, &m, &key_slot);
    if (rc != FW_OK) {
        verdict = rc;
        goto done;
    }

    /* Copy, then hash the copy: what was hashed is exactly what will run. */
    dst = policy->load_mem + (m.load_addr - policy->load_lo);
    memcpy(dst, slot + FW_MANIFEST_SIZE, m.image_size);
    rc = fw_sha256(dst, m.image_size, digest);
    if (rc != FW_OK) {
        verdict = FW_ERR_CRYPTO;
        goto done;
    }
    if (fw_ct_diff(digest, m.image_digest, FW_SHA256_SIZE) != 0) {
        verdict = FW_ERR_IMAGE_DIGEST_MISMATCH;
        goto done;
    }

    /* Second, independent comparison: a single skipped branch must not admit the image. */
    if (fw_ct_diff(digest, m.image_digest, FW_SHA256_SIZE) == 0 && key_slot >= 0) {
        out->manifest = m;
        out->key_slot = key_slot;
        out->verified = FW_BOOT_VERIFIED;
        verdict = FW_OK;
    }

done:
    if (verdict != FW_OK) {
        if (dst != NULL) {
            memset(dst, 0, m.image_size);
        }
        fw_boot_result_init(out);
    }
    fw_manifest_free(&m);
    return verdict;
}
