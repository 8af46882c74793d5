/* Unit tests of the TLS session record (identity partition): layout, damage, binding to the server. */
#include <string.h>

#include "fw/crypto.h"
#include "fw/err.h"
#include "fw/session.h"
#include "test.h"

static const uint8_t root[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x03};
static const uint8_t other_root[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x04};
static const uint8_t cert[] = {0x30, 0x03, 0x02, 0x01, 0x07};
static const uint8_t blob[] = "mbedtls session: id, master secret, peer certificate";

#define STORED_AT 1764000000ull

static fw_session_binding_t binding(const uint8_t *r, size_t rlen, const char *name)
{
    fw_session_binding_t b = {{r, rlen}, {(const uint8_t *)name, strlen(name)}, {cert, sizeof(cert)}};
    return b;
}

static size_t sample(uint8_t *out, size_t cap)
{
    fw_session_binding_t b = binding(root, sizeof(root), "localhost");
    size_t n = 0;
    CHECK_EQ(fw_session_write(&b, STORED_AT, blob, sizeof(blob), out, cap, &n), FW_OK);
    return n;
}

FW_TEST(session_record_layout_and_round_trip)
{
    uint8_t buf[FW_SESSION_MAX_SIZE];
    size_t n = sample(buf, sizeof(buf));
    size_t padded = (sizeof(blob) + 3u) & ~(size_t)3u;
    CHECK_EQ(n, FW_SESSION_HEADER_SIZE + padded + FW_SESSION_DIGEST_SIZE);
    CHECK_EQ(n % 4, 0);
    CHECK(memcmp(buf, "DTTS", 4) == 0);
    CHECK_EQ(buf[FW_SESSION_OFF_FORMAT], FW_SESSION_FORMAT);
    CHECK_EQ(buf[FW_SESSION_OFF_DATA_LEN], sizeof(blob));
    uint8_t digest[FW_SHA256_SIZE];
    CHECK_EQ(fw_sha256(root, sizeof(root), digest), 0);
    CHECK(memcmp(buf + FW_SESSION_OFF_ROOT_DIGEST, digest, sizeof(digest)) == 0);
    CHECK_EQ(fw_sha256(cert, sizeof(cert), digest), 0);
    CHECK(memcmp(buf + FW_SESSION_OFF_CERT_DIGEST, digest, sizeof(digest)) == 0);
    CHECK(memcmp(buf + FW_SESSION_OFF_SERVER_NAME, "localhost\0", 10) == 0);
    fw_session_record_t r;
    CHECK_EQ(fw_session_parse(buf, n, &r), FW_OK);
    CHECK_EQ(r.stored_at, STORED_AT);
    CHECK_EQ(r.data.len, sizeof(blob));
    CHECK(memcmp(r.data.ptr, blob, sizeof(blob)) == 0);
    CHECK_EQ(r.server_name.len, 9);
    /* The partition after the record is whatever flash holds. */
    memset(buf + n, 0xff, sizeof(buf) - n);
    CHECK_EQ(fw_session_parse(buf, sizeof(buf), &r), FW_OK);
}

FW_TEST(session_record_rejects_damage)
{
    uint8_t buf[FW_SESSION_MAX_SIZE];
    size_t n = sample(buf, sizeof(buf));
    fw_session_record_t r;
    uint8_t erased[FW_SESSION_MAX_SIZE];
    memset(erased, 0xff, sizeof(erased));
    CHECK_EQ(fw_session_parse(erased, sizeof(erased), &r), FW_ERR_SESSION_MISSING);
    memset(erased, 0, sizeof(erased));
    CHECK_EQ(fw_session_parse(erased, sizeof(erased), &r), FW_ERR_SESSION_MISSING);
    for (size_t cut = 0; cut < n; cut += 5) {
        CHECK(fw_session_parse(buf, cut, &r) != FW_OK);
    }
    for (size_t i = 0; i < n; i += 3) {
        buf[i] ^= 0x01;
        CHECK(fw_session_parse(buf, n, &r) != FW_OK);
        buf[i] ^= 0x01;
    }
    /* A length beyond the record's bound is refused before anything is hashed. */
    buf[FW_SESSION_OFF_DATA_LEN] = 0xff;
    buf[FW_SESSION_OFF_DATA_LEN + 1] = 0xff;
    CHECK_EQ(fw_session_parse(buf, sizeof(buf), &r), FW_ERR_SESSION_INVALID);
    buf[FW_SESSION_OFF_DATA_LEN] = 0;
    buf[FW_SESSION_OFF_DATA_LEN + 1] = 0;
    CHECK_EQ(fw_session_parse(buf, sizeof(buf), &r), FW_ERR_SESSION_INVALID);
}

FW_TEST(session_record_refuses_non_zero_padding_and_bad_names)
{
    uint8_t buf[FW_SESSION_MAX_SIZE];
    fw_session_binding_t b = binding(root, sizeof(root), "localhost");
    size_t n = 0;
    /* 5 data bytes, 3 of padding: a non-zero padding byte with a matching digest is still refused. */
    CHECK_EQ(fw_session_write(&b, STORED_AT, blob, 5, buf, sizeof(buf), &n), FW_OK);
    buf[FW_SESSION_OFF_DATA + 6] = 1;
    CHECK_EQ(fw_sha256(buf, n - FW_SESSION_DIGEST_SIZE, buf + n - FW_SESSION_DIGEST_SIZE), 0);
    fw_session_record_t r;
    CHECK_EQ(fw_session_parse(buf, n, &r), FW_ERR_SESSION_INVALID);
    /* A byte after the name's NUL, digest recomputed. */
    CHECK_EQ(fw_session_write(&b, STORED_AT, blob, 5, buf, sizeof(buf), &n), FW_OK);
    buf[FW_SESSION_OFF_SERVER_NAME + 20] = 'x';
    CHECK_EQ(fw_sha256(buf, n - FW_SESSION_DIGEST_SIZE, buf + n - FW_SESSION_DIGEST_SIZE), 0);
    CHECK_EQ(fw_session_parse(buf, n, &r), FW_ERR_SESSION_INVALID);
    fw_session_binding_t bad = binding(root, sizeof(root), "local host");
    CHECK_EQ(fw_session_write(&bad, STORED_AT, blob, 5, buf, sizeof(buf), &n), FW_ERR_BAD_ARGUMENT);
    CHECK_EQ(fw_session_write(&b, STORED_AT, blob, FW_SESSION_DATA_MAX + 1, buf, sizeof(buf), &n), FW_ERR_BAD_ARGUMENT);
    CHECK_EQ(fw_session_write(&b, STORED_AT, blob, sizeof(blob), buf, 100, &n), FW_ERR_BUFFER_TOO_SMALL);
}

FW_TEST(session_is_offered_only_to_the_server_and_certificate_it_was_made_with)
{
    uint8_t buf[FW_SESSION_MAX_SIZE];
    size_t n = sample(buf, sizeof(buf));
    fw_session_record_t r;
    CHECK_EQ(fw_session_parse(buf, n, &r), FW_OK);
    fw_session_binding_t same = binding(root, sizeof(root), "localhost");
    CHECK_EQ(fw_session_check(&r, &same, STORED_AT), FW_OK);
    CHECK_EQ(fw_session_check(&r, &same, STORED_AT + FW_SESSION_MAX_AGE), FW_OK);
    fw_session_binding_t other_anchor = binding(other_root, sizeof(other_root), "localhost");
    CHECK_EQ(fw_session_check(&r, &other_anchor, STORED_AT), FW_ERR_SESSION_FOREIGN);
    fw_session_binding_t other_name = binding(root, sizeof(root), "localhost.example");
    CHECK_EQ(fw_session_check(&r, &other_name, STORED_AT), FW_ERR_SESSION_FOREIGN);
    fw_session_binding_t other_case = binding(root, sizeof(root), "LOCALHOST");
    CHECK_EQ(fw_session_check(&r, &other_case, STORED_AT), FW_ERR_SESSION_FOREIGN);
    static const uint8_t renewed[] = {0x30, 0x03, 0x02, 0x01, 0x08};
    fw_session_binding_t other_cert = same;
    other_cert.device_cert.ptr = renewed;
    other_cert.device_cert.len = sizeof(renewed);
    CHECK_EQ(fw_session_check(&r, &other_cert, STORED_AT), FW_ERR_SESSION_FOREIGN);
    /* Too old for the server to still hold it, or from a clock that has since gone back. */
    CHECK_EQ(fw_session_check(&r, &same, STORED_AT + FW_SESSION_MAX_AGE + 1), FW_ERR_SESSION_FOREIGN);
    CHECK_EQ(fw_session_check(&r, &same, STORED_AT - 1), FW_ERR_SESSION_FOREIGN);
}
