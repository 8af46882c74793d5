/*
 * Cross-tests with the Java signer: the images in test/vectors/ were written by
 * FirmwareVectorsTest (ejb module); here the C reader must accept them as they
 * are and refuse every tampered variant with the exact verdict.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/boot.h"
#include "fw/ct.h"
#include "fw/err.h"
#include "fw/offer.h"
#include "test.h"

#define LOAD_LO 0x80200000u
#define LOAD_SIZE 0x10000u

typedef struct {
    uint8_t *data;
    size_t len;
} blob_t;

static blob_t read_vector(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", FW_VECTOR_DIR, name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    blob_t b = {malloc(1 << 20), 0};
    CHECK(b.data != NULL);
    b.len = fread(b.data, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* Value of key=... in vectors.txt. */
static const char *vector_value(const char *key)
{
    static char line[256];
    char path[512];
    snprintf(path, sizeof(path), "%s/vectors.txt", FW_VECTOR_DIR);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    size_t klen = strlen(key);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
            fclose(f);
            line[strcspn(line, "\n")] = '\0';
            return line + klen + 1;
        }
    }
    fclose(f);
    CHECK(!"key missing in vectors.txt");
    return NULL;
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    CHECK(strlen(hex) == 2 * n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
}

static fw_keyring_t keyring_with(const char *digest_key, int slot)
{
    fw_keyring_t k;
    fw_keyring_init(&k);
    hex_to_bytes(vector_value(digest_key), k.digest[slot], 32);
    return k;
}

static uint8_t load_window[LOAD_SIZE];

static fw_boot_policy_t app_policy(const fw_keyring_t *k, uint32_t min_secver)
{
    fw_boot_policy_t p = {k, FW_IMAGE_TYPE_APP, min_secver, LOAD_LO, LOAD_LO + LOAD_SIZE, load_window};
    return p;
}

static int verify(const fw_keyring_t *k, const blob_t *img, fw_boot_result_t *r)
{
    fw_boot_policy_t p = app_policy(k, 0);
    return fw_boot_verify(&p, img->data, img->len, r);
}

FW_TEST(vector_app_verifies_with_java_fields)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    memset(load_window, 0x5a, sizeof(load_window));
    CHECK_EQ(verify(&k, &img, &r), FW_OK);
    CHECK_EQ(r.verified, FW_BOOT_VERIFIED);
    CHECK_EQ(r.key_slot, 0);
    CHECK_EQ(r.manifest.version, strtoul(vector_value("app_version"), NULL, 10));
    CHECK_EQ(r.manifest.security_version, strtoul(vector_value("app_security_version"), NULL, 10));
    CHECK_EQ(r.manifest.image_size, strtoul(vector_value("app_image_size"), NULL, 10));
    CHECK_EQ(r.manifest.load_addr, strtoul(vector_value("app_load_addr"), NULL, 16));
    CHECK_EQ(r.manifest.entry_addr, strtoul(vector_value("app_entry_addr"), NULL, 16));
    uint8_t digest[32];
    hex_to_bytes(vector_value("app_image_digest"), digest, 32);
    CHECK(memcmp(digest, r.manifest.image_digest, 32) == 0);
    CHECK(strcmp((const char *)r.manifest.build_id, vector_value("app_build_id")) == 0);
    /* The payload sits in the load window exactly as signed. */
    CHECK(memcmp(load_window, img.data + FW_MANIFEST_SIZE, r.manifest.image_size) == 0);
    free(img.data);
}

FW_TEST(vector_key_digest_matches_java)
{
    blob_t img = read_vector("app-v3.img");
    fw_manifest_t m;
    fw_sigblock_t s;
    size_t off;
    CHECK_EQ(fw_manifest_parse(img.data, img.len, &m), FW_OK);
    CHECK_EQ(fw_image_sigblock_offset(m.image_size, img.len, &off), FW_OK);
    CHECK_EQ(off + FW_SIGBLOCK_SIZE, img.len);
    CHECK_EQ(fw_sigblock_parse(img.data + off, img.len - off, &s), FW_OK);
    uint8_t got[32], want[32];
    CHECK_EQ(fw_sigblock_key_digest(&s, got), FW_OK);
    hex_to_bytes(vector_value("key_a_digest"), want, 32);
    CHECK(memcmp(got, want, 32) == 0);
    free(img.data);
}

FW_TEST(vector_flipped_payload_bit_is_digest_mismatch_and_wiped)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    img.data[FW_MANIFEST_SIZE + 500] ^= 0x04;
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_IMAGE_DIGEST_MISMATCH);
    CHECK(r.verified != FW_BOOT_VERIFIED);
    CHECK(fw_ct_is_zero(load_window, 1000));
    free(img.data);
}

FW_TEST(vector_flipped_manifest_bit_is_manifest_digest_mismatch)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    img.data[16] ^= 0x01; /* security version */
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_MANIFEST_DIGEST_MISMATCH);
    free(img.data);
}

FW_TEST(vector_flipped_signature_bit_is_signature_invalid)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    img.data[img.len - FW_SIGBLOCK_SIZE + 104 + 5] ^= 0x80;
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_SIGNATURE_INVALID);
    free(img.data);
}

FW_TEST(vector_flipped_key_bit_is_untrusted)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    img.data[img.len - FW_SIGBLOCK_SIZE + 40 + 3] ^= 0x01;
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_KEY_UNTRUSTED);
    free(img.data);
}

FW_TEST(vector_untrusted_key_refused_until_its_digest_is_in_a_slot)
{
    blob_t img = read_vector("app-v3-untrusted.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_KEY_UNTRUSTED);
    hex_to_bytes(vector_value("key_b_digest"), k.digest[2], 32);
    CHECK_EQ(verify(&k, &img, &r), FW_OK);
    CHECK_EQ(r.key_slot, 2);
    fw_keyring_set_revoked(&k, 1u << 2);
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_KEY_REVOKED);
    free(img.data);
}

FW_TEST(vector_rollback_below_efuse_counter_is_refused)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    fw_boot_policy_t p = app_policy(&k, 3);
    CHECK_EQ(fw_boot_verify(&p, img.data, img.len, &r), FW_ERR_ROLLBACK);
    p.min_security_version = 2;
    CHECK_EQ(fw_boot_verify(&p, img.data, img.len, &r), FW_OK);
    free(img.data);
}

FW_TEST(vector_truncated_or_erased_tail_has_no_signature_block)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    size_t full = img.len;
    img.len = full - 1;
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_SIGBLOCK_MISSING);
    /* Truncated in flash: the rest of the slot reads as erased (0xff). */
    img.len = full;
    memset(img.data + full - 300, 0xff, 300);
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_SIGBLOCK_MISSING);
    img.len = 10;
    CHECK_EQ(verify(&k, &img, &r), FW_ERR_IMAGE_TRUNCATED);
    free(img.data);
}

FW_TEST(vector_bootloader_is_not_accepted_as_app_and_vice_versa)
{
    blob_t bl = read_vector("bootloader-v1.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    CHECK_EQ(verify(&k, &bl, &r), FW_ERR_IMAGE_WRONG_TYPE);
    static uint8_t bl_window[0x1000];
    fw_boot_policy_t p = {&k, FW_IMAGE_TYPE_BOOTLOADER, 0, 0x80100000u, 0x80101000u, bl_window};
    CHECK_EQ(fw_boot_verify(&p, bl.data, bl.len, &r), FW_OK);
    CHECK_EQ(r.manifest.version, strtoul(vector_value("bootloader_version"), NULL, 10));
    free(bl.data);
}

FW_TEST(vector_load_outside_window_is_refused)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    fw_boot_policy_t p = {&k, FW_IMAGE_TYPE_APP, 0, LOAD_LO + 0x1000u, LOAD_LO + LOAD_SIZE, load_window};
    CHECK_EQ(fw_boot_verify(&p, img.data, img.len, &r), FW_ERR_LOAD_ADDRESS);
    p.load_lo = LOAD_LO;
    p.load_hi = LOAD_LO + 999u;
    CHECK_EQ(fw_boot_verify(&p, img.data, img.len, &r), FW_ERR_LOAD_ADDRESS);
    free(img.data);
}

FW_TEST(vector_every_sampled_bit_flip_is_refused)
{
    blob_t img = read_vector("app-v3.img");
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    fw_boot_result_t r;
    size_t bits = img.len * 8;
    size_t payload_end = (FW_MANIFEST_SIZE + 1000) * 8;
    for (size_t bit = 0; bit < bits; bit++) {
        /* All bits of manifest and signature block; every 13th bit of the payload. */
        if (bit >= FW_MANIFEST_SIZE * 8 && bit < payload_end && bit % 13 != 0) {
            continue;
        }
        img.data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = verify(&k, &img, &r);
        /* Payload padding is not loaded: a flip there changes nothing the device runs. */
        int in_padding = bit >= payload_end && bit < (img.len - FW_SIGBLOCK_SIZE) * 8;
        if (!in_padding && (rc == FW_OK || r.verified == FW_BOOT_VERIFIED)) {
            fprintf(stderr, "bit %zu flipped but image accepted\n", bit);
            CHECK(0);
        }
        img.data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ(verify(&k, &img, &r), FW_OK);
    free(img.data);
}

/* The offer's signed part: the update client's check before any chunk is fetched (docs/formats.md 8). */
static int verify_offer(const uint8_t *raw, const fw_keyring_t *k, uint32_t min_secver)
{
    fw_offer_t o;
    int rc = fw_offer_parse(raw, FW_OFFER_SIZE, 0x400000u, &o);
    if (rc == FW_OK) {
        fw_boot_policy_t p = app_policy(k, min_secver);
        int slot = -1;
        rc = fw_offer_verify(&o, &p, &slot);
        if (rc == FW_OK) {
            CHECK_EQ(slot, 0);
        }
    }
    fw_offer_free(&o);
    return rc;
}

FW_TEST(offer_verify_refuses_before_download_what_the_bootloader_would_refuse)
{
    blob_t b = read_vector("offer-app-v3.bin");
    CHECK_EQ(b.len, FW_OFFER_SIZE);
    uint8_t raw[FW_OFFER_SIZE];
    memcpy(raw, b.data, sizeof(raw));
    fw_keyring_t k = keyring_with("key_a_digest", 0);
    CHECK_EQ(verify_offer(raw, &k, 2), FW_OK); /* security version 2 against counter 2 */

    CHECK_EQ(verify_offer(raw, &k, 3), FW_ERR_ROLLBACK);
    fw_keyring_t unknown = keyring_with("key_b_digest", 0);
    CHECK_EQ(verify_offer(raw, &unknown, 0), FW_ERR_KEY_UNTRUSTED);
    fw_keyring_t revoked = keyring_with("key_a_digest", 0);
    fw_keyring_set_revoked(&revoked, 1u);
    CHECK_EQ(verify_offer(raw, &revoked, 0), FW_ERR_KEY_REVOKED);

    raw[FW_OFFER_OFF_MANIFEST + 12] ^= 0x01; /* the version: still parses, no longer what was signed */
    CHECK_EQ(verify_offer(raw, &k, 0), FW_ERR_MANIFEST_DIGEST_MISMATCH);
    memcpy(raw, b.data, sizeof(raw));
    raw[FW_OFFER_OFF_SIGBLOCK + 104 + 5] ^= 0x01; /* inside the signature */
    CHECK_EQ(verify_offer(raw, &k, 0), FW_ERR_SIGNATURE_INVALID);
    free(b.data);
}
