/* Unit tests of the parsers, key slots, eFuse rules and helpers with hand-built bytes. */
#include <string.h>

#include "fw/crypto.h"
#include "fw/ct.h"
#include "fw/err.h"
#include "fw/image.h"
#include "fw/keys.h"
#include "fw/ptable.h"
#include "test.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void valid_manifest(uint8_t m[FW_MANIFEST_SIZE])
{
    memset(m, 0, FW_MANIFEST_SIZE);
    put32(m, FW_MANIFEST_MAGIC);
    put16(m + 4, 1);
    put16(m + 6, FW_MANIFEST_SIZE);
    m[8] = FW_IMAGE_TYPE_APP;
    put32(m + 12, 7);
    put32(m + 16, 3);
    put32(m + 20, 100);
    put32(m + 24, 0x80200000u);
    put32(m + 28, 0x80200004u);
}

FW_TEST(manifest_valid_fields_are_read)
{
    uint8_t m[FW_MANIFEST_SIZE];
    fw_manifest_t out;
    valid_manifest(m);
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_OK);
    CHECK_EQ(out.version, 7);
    CHECK_EQ(out.security_version, 3);
    CHECK_EQ(out.image_size, 100);
    CHECK_EQ(out.entry_addr, 0x80200004u);
}

FW_TEST(manifest_short_buffer_is_truncated)
{
    uint8_t m[FW_MANIFEST_SIZE];
    fw_manifest_t out;
    valid_manifest(m);
    CHECK_EQ(fw_manifest_parse(m, FW_MANIFEST_SIZE - 1, &out), FW_ERR_IMAGE_TRUNCATED);
    CHECK_EQ(fw_manifest_parse(m, 0, &out), FW_ERR_IMAGE_TRUNCATED);
}

FW_TEST(manifest_rejects_bad_magic_version_type_reserved)
{
    uint8_t m[FW_MANIFEST_SIZE];
    fw_manifest_t out;
    valid_manifest(m);
    m[0] ^= 1;
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_MAGIC);
    valid_manifest(m);
    m[4] = 2;
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_VERSION);
    valid_manifest(m);
    m[8] = 9;
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
    valid_manifest(m);
    m[127] = 1;
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
    valid_manifest(m);
    m[10] = 1;
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
}

FW_TEST(manifest_rejects_entry_outside_image_and_wraparound)
{
    uint8_t m[FW_MANIFEST_SIZE];
    fw_manifest_t out;
    valid_manifest(m);
    put32(m + 28, 0x80200000u + 100u);
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
    valid_manifest(m);
    put32(m + 24, 0xffffff00u);
    put32(m + 28, 0xffffff00u);
    put32(m + 20, 0x200u);
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
    valid_manifest(m);
    put32(m + 20, 0);
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
    valid_manifest(m);
    put32(m + 16, 65);
    CHECK_EQ(fw_manifest_parse(m, sizeof(m), &out), FW_ERR_MANIFEST_BAD_FIELD);
}

FW_TEST(sigblock_offset_is_bounded_and_overflow_safe)
{
    size_t off = 0;
    CHECK_EQ(fw_image_sigblock_offset(100, 128 + 112 + 176, &off), FW_OK);
    CHECK_EQ(off, 128 + 112);
    CHECK_EQ(fw_image_sigblock_offset(100, 128 + 112 + 175, &off), FW_ERR_IMAGE_TRUNCATED);
    CHECK_EQ(fw_image_sigblock_offset(0xffffffffu, 0x1000, &off), FW_ERR_IMAGE_TRUNCATED);
    CHECK_EQ(fw_image_sigblock_offset(0xfffffff8u, SIZE_MAX, &off), FW_OK);
}

FW_TEST(sigblock_rejects_bad_magic_curve_reserved_and_short)
{
    uint8_t b[FW_SIGBLOCK_SIZE] = {0};
    fw_sigblock_t s;
    b[0] = FW_SIGBLOCK_MAGIC;
    b[1] = FW_SIGBLOCK_VERSION;
    b[36] = FW_SIGBLOCK_CURVE_P256;
    CHECK_EQ(fw_sigblock_parse(b, sizeof(b), &s), FW_OK);
    CHECK_EQ(fw_sigblock_parse(b, sizeof(b) - 1, &s), FW_ERR_IMAGE_TRUNCATED);
    b[36] = 1;
    CHECK_EQ(fw_sigblock_parse(b, sizeof(b), &s), FW_ERR_SIGBLOCK_BAD_FIELD);
    b[36] = FW_SIGBLOCK_CURVE_P256;
    b[170] = 1;
    CHECK_EQ(fw_sigblock_parse(b, sizeof(b), &s), FW_ERR_SIGBLOCK_BAD_FIELD);
    b[170] = 0;
    b[0] = 0xff;
    CHECK_EQ(fw_sigblock_parse(b, sizeof(b), &s), FW_ERR_SIGBLOCK_MISSING);
}

/* Builds a table with the given entries (type, subtype, offset, size) and its digest. */
static size_t build_ptable(uint8_t *buf, const uint32_t (*e)[4], uint16_t n)
{
    memset(buf, 0, FW_PTABLE_MAX_SIZE);
    put32(buf, FW_PTABLE_MAGIC);
    put16(buf + 4, 1);
    put16(buf + 6, n);
    for (uint16_t i = 0; i < n; i++) {
        uint8_t *p = buf + 16 + 32 * i;
        p[0] = (uint8_t)e[i][0];
        p[1] = (uint8_t)e[i][1];
        put32(p + 4, e[i][2]);
        put32(p + 8, e[i][3]);
        memcpy(p + 12, "slot", 4);
    }
    size_t body = 16 + 32u * n;
    CHECK_EQ(fw_sha256(buf, body, buf + body), FW_OK);
    return body + 32;
}

static const fw_ptable_limits_t limits = {0x080000u, 0x1fc0000u};

FW_TEST(ptable_valid_table_lists_partitions)
{
    uint8_t buf[FW_PTABLE_MAX_SIZE];
    const uint32_t e[2][4] = {{1, 0x40, 0x080000, 0x40000}, {0, 0x10, 0x100000, 0x400000}};
    size_t len = build_ptable(buf, e, 2);
    fw_ptable_t t;
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_OK);
    CHECK_EQ(t.count, 2);
    const fw_partition_t *app = fw_ptable_find(&t, FW_PART_TYPE_APP, FW_PART_SUBTYPE_OTA_0);
    CHECK(app != NULL);
    CHECK_EQ(app->offset, 0x100000);
    CHECK(strcmp(app->label, "slot") == 0);
    CHECK(fw_ptable_find(&t, FW_PART_TYPE_APP, FW_PART_SUBTYPE_OTA_1) == NULL);
}

FW_TEST(ptable_rejects_flipped_bit_overlap_and_out_of_bounds)
{
    uint8_t buf[FW_PTABLE_MAX_SIZE];
    fw_ptable_t t;
    const uint32_t ok[1][4] = {{0, 0x10, 0x100000, 0x400000}};
    size_t len = build_ptable(buf, ok, 1);
    buf[20] ^= 0x01;
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_ERR_PTABLE_DIGEST_MISMATCH);
    CHECK_EQ(t.count, 0);
    const uint32_t overlap[2][4] = {{0, 0x10, 0x100000, 0x400000}, {0, 0x11, 0x200000, 0x400000}};
    len = build_ptable(buf, overlap, 2);
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
    const uint32_t over_efuse[1][4] = {{0, 0x10, 0x1f00000, 0x100000}};
    len = build_ptable(buf, over_efuse, 1);
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
    const uint32_t wrap[1][4] = {{0, 0x10, 0x100000, 0xfff00000u}};
    len = build_ptable(buf, wrap, 1);
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
    const uint32_t on_bootloader[1][4] = {{0, 0x10, 0x0, 0x40000}};
    len = build_ptable(buf, on_bootloader, 1);
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
    const uint32_t unaligned[1][4] = {{0, 0x10, 0x100800, 0x1000}};
    len = build_ptable(buf, unaligned, 1);
    CHECK_EQ(fw_ptable_parse(buf, len, &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
}

FW_TEST(ptable_rejects_garbage_count_and_short_buffer)
{
    uint8_t buf[FW_PTABLE_MAX_SIZE];
    fw_ptable_t t;
    const uint32_t ok[1][4] = {{0, 0x10, 0x100000, 0x400000}};
    size_t len = build_ptable(buf, ok, 1);
    CHECK_EQ(fw_ptable_parse(buf, len - 1, &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
    CHECK_EQ(fw_ptable_parse(buf, 3, &limits, &t), FW_ERR_PTABLE_BAD_MAGIC);
    put16(buf + 6, 17);
    CHECK_EQ(fw_ptable_parse(buf, sizeof(buf), &limits, &t), FW_ERR_PTABLE_BAD_FIELD);
    memset(buf, 0xff, sizeof(buf));
    CHECK_EQ(fw_ptable_parse(buf, sizeof(buf), &limits, &t), FW_ERR_PTABLE_BAD_MAGIC);
}

FW_TEST(efuse_counter_only_gains_bits)
{
    uint8_t raw[FW_EFUSE_SIZE] = {0};
    fw_efuse_t cur, next;
    CHECK_EQ(fw_efuse_parse(raw, sizeof(raw), &cur), FW_OK);
    CHECK_EQ(fw_efuse_security_version(&cur), 0);
    CHECK_EQ(fw_efuse_raise_security_version(&cur, 3, &next), FW_OK);
    CHECK_EQ(fw_efuse_security_version(&next), 3);
    CHECK_EQ(next.security_version & cur.security_version, cur.security_version);
    cur = next;
    CHECK_EQ(fw_efuse_raise_security_version(&cur, 1, &next), FW_OK);
    CHECK_EQ(fw_efuse_security_version(&next), 3);
    CHECK_EQ(fw_efuse_raise_security_version(&cur, 64, &next), FW_OK);
    CHECK_EQ(fw_efuse_security_version(&next), 64);
    CHECK_EQ(fw_efuse_raise_security_version(&cur, 65, &next), FW_ERR_EFUSE_BAD_VALUE);
    fw_efuse_write(&next, raw);
    CHECK_EQ(raw[4], 0xff);
    CHECK_EQ(fw_efuse_parse(raw, 15, &cur), FW_ERR_EFUSE_BAD_VALUE);
}

FW_TEST(efuse_revoke_bits_only_set)
{
    fw_efuse_t cur, next;
    fw_efuse_init(&cur);
    CHECK_EQ(fw_efuse_revoke(&cur, 0x2, &next), FW_OK);
    CHECK_EQ(next.key_revoke, 0x2);
    cur = next;
    CHECK_EQ(fw_efuse_revoke(&cur, 0x1, &next), FW_OK);
    CHECK_EQ(next.key_revoke, 0x3);
    CHECK_EQ(fw_efuse_revoke(&cur, 0x8, &next), FW_ERR_EFUSE_BAD_VALUE);
}

FW_TEST(keyring_finds_trusted_rejects_revoked_and_empty)
{
    uint8_t block[FW_KEYBLOCK_SIZE] = {0};
    put32(block, FW_KEYBLOCK_MAGIC);
    memset(block + 8 + 32, 0xab, 32); /* slot 1 */
    fw_keyring_t k;
    CHECK_EQ(fw_keyring_parse(block, sizeof(block), &k), FW_OK);
    uint8_t d[32];
    int slot = 9;
    memset(d, 0xab, 32);
    CHECK_EQ(fw_keyring_find(&k, d, &slot), FW_OK);
    CHECK_EQ(slot, 1);
    fw_keyring_set_revoked(&k, 0x2);
    CHECK_EQ(fw_keyring_find(&k, d, &slot), FW_ERR_KEY_REVOKED);
    memset(d, 0, 32); /* an empty slot never matches */
    CHECK_EQ(fw_keyring_find(&k, d, &slot), FW_ERR_KEY_UNTRUSTED);
    CHECK_EQ(slot, -1);
    block[0] ^= 1;
    CHECK_EQ(fw_keyring_parse(block, sizeof(block), &k), FW_ERR_KEY_UNTRUSTED);
}

FW_TEST(sha256_known_answer)
{
    /* FIPS 180-2 "abc" */
    static const uint8_t expect[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                       0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                       0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    uint8_t d[32];
    CHECK_EQ(fw_sha256((const uint8_t *)"abc", 3, d), FW_OK);
    CHECK(memcmp(d, expect, 32) == 0);
    fw_sha256_ctx_t ctx;
    fw_sha256_init(&ctx);
    CHECK_EQ(fw_sha256_update(&ctx, (const uint8_t *)"a", 1), FW_OK);
    CHECK_EQ(fw_sha256_update(&ctx, (const uint8_t *)"bc", 2), FW_OK);
    CHECK_EQ(fw_sha256_finish(&ctx, d), FW_OK);
    fw_sha256_free(&ctx);
    CHECK(memcmp(d, expect, 32) == 0);
}

/* Hex digest to bytes, for the reference digests below. */
static void sha256_unhex(const char *hex, uint8_t out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
}

FW_TEST(sha256_padding_boundaries)
{
    /* Message i -> (i * 131 + 17) mod 256 of each length around the padding boundaries of
     * one and two blocks; reference digests from an independent implementation. */
    static const struct {
        size_t len;
        const char *hex;
    } cases[] = {
        {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {1, "4a64a107f0cb32536e5bce6c98c393db21cca7f4ea187ba8c4dca8b51d4ea80a"},
        {55, "59aaae80b8e7958f5757b4ac9274f1fd57ec0dc7aa8349319102316781b92006"},
        {56, "dca902d31487ffab357ce36cc5abc6947fbb69127ec04c468ba5687268c4bf7c"},
        {63, "b8e655e9e7ad413b96f0a371eb1d6db71dcca27f4eee35892517cbe4bfaa6f9a"},
        {64, "e5146be62accc56709594cb45c651b361df94f622cbb09b91ea3ca7a2060bd53"},
        {65, "4b6c6774f0cbcd776a90e187b9494e04ca880c0afe3ea1c5cad51c8bbcb41f74"},
        {119, "3244509f8746f6fb511ca8a72a292a4d7d12e456cce283c03f169dbbcb0d512e"},
        {120, "c5236e50172da3b69c903dcd3b3bb8ce855182f79364d1b59ed36367aa25e468"},
        {128, "ed045c7c319e0c9286e1dea21c80bfd4a08eca43e02e13ee8a7a2c8b4b2baec9"},
        {1000, "9b1f933854c88e4433633db24196b7ba6282b9553cdee714193554db462d3169"},
    };
    static uint8_t msg[1000 + 1];
    for (size_t i = 0; i < sizeof(msg); i++) {
        msg[i] = (uint8_t)(i * 131u + 17u);
    }
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t expect[32], d[32];
        sha256_unhex(cases[c].hex, expect);
        /* Also from an odd address: the message words are read byte by byte. */
        for (size_t off = 0; off < 2; off++) {
            static uint8_t shifted[sizeof(msg)];
            memcpy(shifted + off, msg, cases[c].len);
            CHECK_EQ(fw_sha256(shifted + off, cases[c].len, d), FW_OK);
            CHECK(memcmp(d, expect, 32) == 0);
        }
        /* Every split of the message into two updates gives the same digest. */
        for (size_t cut = 0; cut <= cases[c].len && cases[c].len <= 128; cut++) {
            fw_sha256_ctx_t ctx;
            fw_sha256_init(&ctx);
            CHECK_EQ(fw_sha256_update(&ctx, msg, cut), FW_OK);
            CHECK_EQ(fw_sha256_update(&ctx, msg + cut, cases[c].len - cut), FW_OK);
            CHECK_EQ(fw_sha256_finish(&ctx, d), FW_OK);
            fw_sha256_free(&ctx);
            CHECK(memcmp(d, expect, 32) == 0);
        }
    }
}

FW_TEST(sha256_fips_long_messages)
{
    uint8_t expect[32], d[32];
    /* FIPS 180-2 two-block message */
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_unhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", expect);
    CHECK_EQ(fw_sha256((const uint8_t *)m448, strlen(m448), d), FW_OK);
    CHECK(memcmp(d, expect, 32) == 0);
    /* FIPS 180-2 one million 'a', fed in 997-byte pieces (never block-aligned) */
    static uint8_t a[997];
    memset(a, 'a', sizeof(a));
    sha256_unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", expect);
    fw_sha256_ctx_t ctx;
    fw_sha256_init(&ctx);
    size_t left = 1000000;
    while (left > 0) {
        size_t n = left < sizeof(a) ? left : sizeof(a);
        CHECK_EQ(fw_sha256_update(&ctx, a, n), FW_OK);
        left -= n;
    }
    CHECK_EQ(fw_sha256_finish(&ctx, d), FW_OK);
    fw_sha256_free(&ctx);
    CHECK(memcmp(d, expect, 32) == 0);
    /* No data with a length is refused, not read. */
    fw_sha256_init(&ctx);
    CHECK_EQ(fw_sha256_update(&ctx, NULL, 1), FW_ERR_BAD_ARGUMENT);
    CHECK_EQ(fw_sha256_update(&ctx, NULL, 0), FW_OK);
}

FW_TEST(ct_compare_and_error_strings)
{
    uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 5};
    CHECK(fw_ct_diff(a, a, 4) == 0);
    CHECK(fw_ct_diff(a, b, 4) != 0);
    CHECK(fw_ct_is_zero((const uint8_t *)"\0\0", 2));
    for (int e = 0; e > -FW_ERR_COUNT; e--) {
        CHECK(strcmp(fw_err_str(e), "unknown error") != 0);
    }
    CHECK(strcmp(fw_err_str(-999), "unknown error") == 0);
}
