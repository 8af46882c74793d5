/* Unit tests of the EST client (src/est.c), the HTTP request head and the calendar helpers. */
#include <stdio.h>
#include <string.h>

#include "fw/civil.h"
#include "fw/err.h"
#include "fw/est.h"
#include "fw/http.h"
#include "mbedtls/base64.h"
#include "test.h"

/* The EST answer as a server sends it: base64 of the PKCS#7, wrapped at 64 columns with CRLF. */
static size_t wrapped_answer(const uint8_t *der, size_t len, uint8_t *out, size_t cap)
{
    uint8_t flat[4096];
    size_t flat_len = 0;
    CHECK_EQ(mbedtls_base64_encode(flat, sizeof(flat), &flat_len, der, len), 0);
    size_t n = 0;
    for (size_t i = 0; i < flat_len; i++) {
        CHECK(n + 3 < cap);
        out[n++] = flat[i];
        if (i % 64 == 63) {
            out[n++] = '\r';
            out[n++] = '\n';
        }
    }
    out[n++] = '\n';
    return n;
}

typedef struct {
    uint8_t p7[2048], leaf[600], ca[600], body[4096], text[4096], der[4096];
    size_t p7_len, leaf_len, body_len;
    fw_bytes_t leaf_spki, leaf_serial;
} est_fixture_t;

static void fixture(est_fixture_t *f)
{
    f->p7_len = fw_test_read_device_vector("certs-only-2.p7", f->p7, sizeof(f->p7));
    f->leaf_len = fw_test_read_device_vector("device-cert.der", f->leaf, sizeof(f->leaf));
    f->body_len = wrapped_answer(f->p7, f->p7_len, f->body, sizeof(f->body));
    CHECK_EQ(fw_est_cert_fields(f->leaf, f->leaf_len, &f->leaf_serial, &f->leaf_spki), FW_OK);
}

FW_TEST(est_cert_fields_finds_serial_and_p256_key)
{
    est_fixture_t f;
    fixture(&f);
    /* SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING 04 || X || Y } */
    CHECK_EQ(f.leaf_spki.len, 91);
    CHECK_EQ(f.leaf_spki.ptr[0], 0x30);
    CHECK_EQ(f.leaf_spki.ptr[f.leaf_spki.len - 65], 0x04);
    CHECK(f.leaf_serial.len >= 1 && f.leaf_serial.len <= 21);
    for (size_t cut = 0; cut < f.leaf_len; cut += 13) {
        CHECK(fw_est_cert_fields(f.leaf, cut, &f.leaf_serial, &f.leaf_spki) != FW_OK);
    }
}

FW_TEST(est_answer_yields_the_certificate_for_the_device_key)
{
    est_fixture_t f;
    fixture(&f);
    fw_est_cert_t got;
    CHECK_EQ(fw_est_parse_answer(f.body, f.body_len, f.leaf_spki.ptr, f.leaf_spki.len, f.text, sizeof(f.text), f.der,
                                 sizeof(f.der), &got),
             FW_OK);
    CHECK_EQ(got.cert.len, f.leaf_len);
    CHECK(memcmp(got.cert.ptr, f.leaf, f.leaf_len) == 0);
    CHECK(got.cert.ptr >= f.der && got.cert.ptr + got.cert.len <= f.der + sizeof(f.der));
    CHECK_EQ(got.serial.len, f.leaf_serial.len);
    CHECK(memcmp(got.serial.ptr, f.leaf_serial.ptr, got.serial.len) == 0);
}

FW_TEST(est_answer_without_the_device_key_is_refused)
{
    est_fixture_t f;
    fixture(&f);
    uint8_t other[91];
    memcpy(other, f.leaf_spki.ptr, sizeof(other));
    other[90] ^= 1; /* same shape, another point */
    fw_est_cert_t got;
    CHECK_EQ(fw_est_parse_answer(f.body, f.body_len, other, sizeof(other), f.text, sizeof(f.text), f.der, sizeof(f.der),
                                 &got),
             FW_ERR_EST_NO_CERT);
    CHECK(got.cert.ptr == NULL);
}

FW_TEST(est_answer_damage_is_refused)
{
    est_fixture_t f;
    fixture(&f);
    fw_est_cert_t got;
    const uint8_t *spki = f.leaf_spki.ptr;
    size_t spki_len = f.leaf_spki.len;
    static const uint8_t not_b64[] = "MIIB*AAA";
    CHECK_EQ(fw_est_parse_answer(not_b64, sizeof(not_b64) - 1, spki, spki_len, f.text, sizeof(f.text), f.der,
                                 sizeof(f.der), &got),
             FW_ERR_EST_NOT_BASE64);
    /* Valid base64 of something that is not a certs-only PKCS#7. */
    static const uint8_t not_p7[] = "aGVsbG8gd29ybGQ=";
    CHECK_EQ(fw_est_parse_answer(not_p7, sizeof(not_p7) - 1, spki, spki_len, f.text, sizeof(f.text), f.der,
                                 sizeof(f.der), &got),
             FW_ERR_PKCS7_INVALID);
    /* Too small a DER buffer is "not base64" to mbedTLS, as before. */
    CHECK_EQ(fw_est_parse_answer(f.body, f.body_len, spki, spki_len, f.text, sizeof(f.text), f.der, 100, &got),
             FW_ERR_EST_NOT_BASE64);
    CHECK_EQ(fw_est_parse_answer(f.body, f.body_len, spki, spki_len, f.text, 10, f.der, sizeof(f.der), &got),
             FW_ERR_BUFFER_TOO_SMALL);
    /* The SPKI pointer may point into the answer's own bytes: it is only compared. */
    for (size_t cut = 0; cut < f.body_len; cut += 17) {
        CHECK(fw_est_parse_answer(f.body, cut, spki, spki_len, f.text, sizeof(f.text), f.der, sizeof(f.der), &got) !=
              FW_OK);
    }
}

FW_TEST(est_basic_auth_encodes_id_and_token)
{
    char out[128];
    fw_bytes_t id = {(const uint8_t *)"sensor-1", 8};
    fw_bytes_t token = {(const uint8_t *)"s3cret", 6};
    CHECK_EQ(fw_est_basic_auth(&id, &token, out, sizeof(out)), FW_OK);
    /* base64("sensor-1:s3cret") */
    CHECK(strcmp(out, "Authorization: Basic c2Vuc29yLTE6czNjcmV0\r\n") == 0);
    /* The secret is not left behind in the unused tail of the buffer. */
    for (size_t i = strlen(out) + 1; i < sizeof(out); i++) {
        CHECK(out[i] != 's' || memcmp(out + i, "s3cret", 6) != 0);
    }
    CHECK_EQ(fw_est_basic_auth(&id, &token, out, 40), FW_ERR_BUFFER_TOO_SMALL);
}

FW_TEST(est_path_and_status)
{
    char path[48];
    CHECK_EQ(fw_est_path("simpleenroll", path, sizeof(path)), FW_OK);
    CHECK(strcmp(path, "/.well-known/est/simpleenroll") == 0);
    CHECK_EQ(fw_est_path("simplereenroll", path, 20), FW_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(fw_est_status(200), FW_OK);
    CHECK_EQ(fw_est_status(401), FW_ERR_ENROLL_REFUSED);
    CHECK_EQ(fw_est_status(403), FW_ERR_ENROLL_REFUSED);
    CHECK_EQ(fw_est_status(500), FW_ERR_NETWORK);
    CHECK_EQ(fw_est_status(202), FW_ERR_NETWORK);
}

FW_TEST(est_csr_body_is_unwrapped_base64)
{
    static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x05};
    char out[16];
    size_t n = 0;
    CHECK_EQ(fw_est_csr_body(der, sizeof(der), out, sizeof(out), &n), FW_OK);
    CHECK_EQ(n, 8);
    CHECK(strcmp(out, "MAMCAQU=") == 0);
    CHECK_EQ(fw_est_csr_body(der, sizeof(der), out, 8, &n), FW_ERR_BUFFER_TOO_SMALL);
}

FW_TEST(est_renewal_window_is_the_last_third)
{
    /* valid for 300 s: due from 200 s on */
    CHECK_EQ(fw_est_renewal_due(1000, 1300, 1199), 0);
    CHECK_EQ(fw_est_renewal_due(1000, 1300, 1200), 1);
    CHECK_EQ(fw_est_renewal_due(1000, 1300, 5000), 1);
    CHECK_EQ(fw_est_renewal_due(1300, 1000, 5000), 0);
}

FW_TEST(civil_dates_round_trip)
{
    CHECK_EQ(fw_civil_days_from_date(1970, 1, 1), 0);
    CHECK_EQ(fw_civil_days_from_date(2000, 3, 1), 11017);
    CHECK_EQ(fw_civil_unix_seconds(2026, 12, 2, 12, 0, 0), 1796212800LL);
    CHECK_EQ(fw_civil_days_from_date(1969, 12, 31), -1);
    for (int64_t d = -800000; d < 800000; d += 997) {
        fw_civil_date_t c;
        fw_civil_date_from_days(d, &c);
        CHECK(c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31);
        CHECK_EQ(fw_civil_days_from_date(c.year, c.month, c.day), d);
    }
    fw_civil_date_t leap;
    fw_civil_date_from_days(fw_civil_days_from_date(2024, 2, 29), &leap);
    CHECK(leap.year == 2024 && leap.month == 2 && leap.day == 29);
}

FW_TEST(http_request_head_carries_length_and_type)
{
    char out[256];
    size_t n = 0;
    static const uint8_t body[] = "{}";
    fw_http_request_t req = {"POST", "/api/v1/devices/d-1/telemetry", "localhost", "", "application/json", body, 2};
    CHECK_EQ(fw_http_request_head(&req, out, sizeof(out), &n), FW_OK);
    const char *want = "POST /api/v1/devices/d-1/telemetry HTTP/1.1\r\nHost: localhost\r\n"
                       "User-Agent: DeviceTrust-device\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n";
    CHECK(strcmp(out, want) == 0);
    CHECK_EQ(n, strlen(want));
    fw_http_request_t get = {"GET", "/api/v1/device/session", "localhost", "Accept: text/plain\r\n", NULL, NULL, 0};
    CHECK_EQ(fw_http_request_head(&get, out, sizeof(out), &n), FW_OK);
    CHECK(strcmp(out, "GET /api/v1/device/session HTTP/1.1\r\nHost: localhost\r\nUser-Agent: DeviceTrust-device\r\n"
                      "Accept: text/plain\r\n\r\n") == 0);
    CHECK_EQ(fw_http_request_head(&get, out, n, &n), FW_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ(fw_http_request_head(&get, out, n + 1, &n), FW_OK);
}
