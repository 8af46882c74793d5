/* Unit tests of the device-side parsers: identity partition, EST certs-only PKCS#7, HTTP responses. */
#include <stdio.h>
#include <string.h>

#include "fw/err.h"
#include "fw/http.h"
#include "fw/identity.h"
#include "fw/pkcs7.h"
#include "test.h"

static void set(fw_identity_t *id, fw_identity_field_t t, const void *v, size_t len)
{
    id->field[t].ptr = v;
    id->field[t].len = len;
}

static size_t sample_identity(uint8_t *out, size_t cap)
{
    static uint8_t root[600];
    size_t root_len = fw_test_read_device_vector("root-cert.der", root, sizeof(root));
    static const uint8_t clock[8] = {0x00, 0x5e, 0x23, 0x6a, 0, 0, 0, 0};
    fw_identity_t id;
    fw_identity_init(&id);
    set(&id, FW_ID_DEVICE_ID, "sensor-0001", 11);
    set(&id, FW_ID_TOKEN, "Zq9-token~ok", 12);
    set(&id, FW_ID_ROOT_CA, root, root_len);
    set(&id, FW_ID_SERVER_NAME, "localhost", 9);
    set(&id, FW_ID_CLOCK, clock, 8);
    size_t n = 0;
    CHECK_EQ(fw_identity_write(&id, out, cap, &n), FW_OK);
    return n;
}

FW_TEST(identity_round_trip_keeps_every_field)
{
    uint8_t buf[2048];
    size_t n = sample_identity(buf, sizeof(buf));
    fw_identity_t id;
    CHECK_EQ(fw_identity_parse(buf, n, &id), FW_OK);
    CHECK_EQ(id.field[FW_ID_DEVICE_ID].len, 11);
    CHECK(memcmp(id.field[FW_ID_DEVICE_ID].ptr, "sensor-0001", 11) == 0);
    CHECK_EQ(id.field[FW_ID_TOKEN].len, 12);
    CHECK(id.field[FW_ID_DEVICE_KEY].ptr == NULL);
    CHECK_EQ(fw_identity_clock(&id), 0x6a235e00);
    /* Trailing flash bytes after the record are ignored (the partition is larger). */
    CHECK_EQ(fw_identity_parse(buf, sizeof(buf), &id), FW_OK);
}

FW_TEST(identity_rejects_damage)
{
    uint8_t buf[2048];
    size_t n = sample_identity(buf, sizeof(buf));
    fw_identity_t id;
    uint8_t zero[64] = {0};
    CHECK_EQ(fw_identity_parse(zero, sizeof(zero), &id), FW_ERR_IDENTITY_MISSING);
    for (size_t cut = 0; cut < n; cut += 7) {
        CHECK(fw_identity_parse(buf, cut, &id) != FW_OK);
    }
    for (size_t i = 0; i < n; i += 3) {
        buf[i] ^= 0x10;
        CHECK(fw_identity_parse(buf, n, &id) != FW_OK);
        buf[i] ^= 0x10;
    }
    CHECK_EQ(fw_identity_parse(buf, n, &id), FW_OK);
}

FW_TEST(identity_write_refuses_bad_fields)
{
    uint8_t buf[512];
    size_t n;
    fw_identity_t id;
    fw_identity_init(&id);
    set(&id, FW_ID_DEVICE_ID, "bad id", 6);
    CHECK_EQ(fw_identity_write(&id, buf, sizeof(buf), &n), FW_ERR_IDENTITY_INVALID);
    fw_identity_init(&id);
    set(&id, FW_ID_TOKEN, "tok\nen", 6);
    CHECK_EQ(fw_identity_write(&id, buf, sizeof(buf), &n), FW_ERR_IDENTITY_INVALID);
    fw_identity_init(&id);
    set(&id, FW_ID_DEVICE_ID, "dev", 3);
    CHECK_EQ(fw_identity_write(&id, buf, 20, &n), FW_ERR_BUFFER_TOO_SMALL);
}

FW_TEST(pkcs7_certs_only_yields_each_certificate)
{
    uint8_t p7[2048], leaf[600];
    size_t n = fw_test_read_device_vector("certs-only-2.p7", p7, sizeof(p7));
    size_t leaf_len = fw_test_read_device_vector("device-cert.der", leaf, sizeof(leaf));
    fw_bytes_t certs[4];
    size_t count = 0;
    CHECK_EQ(fw_pkcs7_certs(p7, n, certs, 4, &count), FW_OK);
    CHECK_EQ(count, 2);
    CHECK_EQ(certs[0].len, leaf_len);
    CHECK(memcmp(certs[0].ptr, leaf, leaf_len) == 0);
    CHECK_EQ(fw_pkcs7_certs(p7, n, certs, 1, &count), FW_ERR_BUFFER_TOO_SMALL);
}

FW_TEST(pkcs7_rejects_truncated_and_altered_structures)
{
    uint8_t p7[2048];
    size_t n = fw_test_read_device_vector("certs-only-2.p7", p7, sizeof(p7));
    fw_bytes_t certs[4];
    size_t count;
    for (size_t cut = 0; cut < n; cut++) {
        CHECK(fw_pkcs7_certs(p7, cut, certs, 4, &count) != FW_OK);
    }
    uint8_t longer[2049];
    memcpy(longer, p7, n);
    longer[n] = 0;
    CHECK(fw_pkcs7_certs(longer, n + 1, certs, 4, &count) != FW_OK); /* trailing byte */
    p7[14] ^= 1;                                                     /* OID signedData -> something else */
    CHECK_EQ(fw_pkcs7_certs(p7, n, certs, 4, &count), FW_ERR_PKCS7_INVALID);
    p7[14] ^= 1;
    p7[2] = 0xff; /* outer length beyond the buffer */
    CHECK_EQ(fw_pkcs7_certs(p7, n, certs, 4, &count), FW_ERR_PKCS7_INVALID);
    /* A SignedData without certificates is not an EST answer. */
    static const uint8_t empty[] = {0x30, 0x23, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
                                    0xa0, 0x16, 0x30, 0x14, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b, 0x06, 0x09,
                                    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0x31, 0x00};
    CHECK_EQ(fw_pkcs7_certs(empty, sizeof(empty), certs, 4, &count), FW_ERR_PKCS7_INVALID);
}

static int parse(const char *text, int at_eof, fw_http_response_t *r, uint8_t *buf)
{
    size_t n = strlen(text);
    memcpy(buf, text, n);
    return fw_http_parse_response(buf, n, at_eof, r);
}

FW_TEST(http_content_length_and_chunked_bodies)
{
    uint8_t buf[512];
    fw_http_response_t r;
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 5\r\n\r\nAUTH OK", 0, &r, buf),
             FW_OK);
    CHECK_EQ(r.status, 200);
    CHECK_EQ(r.body_len, 5);
    CHECK(memcmp(r.body, "AUTH ", 5) == 0);
    CHECK_EQ(parse("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nAUTH\r\n3;x=y\r\n OK\r\n0\r\n\r\n",
                   0, &r, buf),
             FW_OK);
    CHECK_EQ(r.status, 201);
    CHECK_EQ(r.body_len, 7);
    CHECK(memcmp(r.body, "AUTH OK", 7) == 0);
    CHECK_EQ(parse("HTTP/1.0 403 Forbidden\r\n\r\nno", 1, &r, buf), FW_OK);
    CHECK_EQ(r.status, 403);
    CHECK_EQ(r.close, 1);
    CHECK_EQ(r.body_len, 2);
    CHECK_EQ(parse("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", 0, &r, buf), FW_OK);
    CHECK_EQ(r.close, 1);
}

static int content_range(const char *value, fw_http_content_range_t *r)
{
    return fw_http_content_range_parse((const uint8_t *)value, strlen(value), r);
}

FW_TEST(http_content_range_of_a_partial_answer_is_exact)
{
    uint8_t buf[512];
    fw_http_response_t resp;
    CHECK_EQ(parse("HTTP/1.1 206 Partial Content\r\nContent-Range:  bytes 4096-8191/1304000 \r\n"
                   "Content-Length: 2\r\n\r\nab",
                   0, &resp, buf),
             FW_OK);
    CHECK(resp.content_range != NULL);
    fw_http_content_range_t r;
    CHECK_EQ(fw_http_content_range_parse(resp.content_range, resp.content_range_len, &r), FW_OK);
    CHECK_EQ(r.first, 4096);
    CHECK_EQ(r.last, 8191);
    CHECK_EQ(r.complete, 1304000);
    CHECK_EQ(r.unsatisfied, 0);
    CHECK_EQ(parse("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-0/2\r\nContent-Range: bytes 1-1/2\r\n"
                   "Content-Length: 1\r\n\r\na",
                   0, &resp, buf),
             FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, &resp, buf), FW_OK);
    CHECK(resp.content_range == NULL);

    CHECK_EQ(content_range("BYTES 0-0/1", &r), FW_OK);
    CHECK_EQ(r.last, 0);
    CHECK_EQ(content_range("bytes */4194304", &r), FW_OK);
    CHECK_EQ(r.unsatisfied, 1);
    CHECK_EQ(r.complete, 4194304);
    CHECK_EQ(content_range("bytes 999999998-999999998/999999999", &r), FW_OK);
    const char *bad[] = {
        "",
        "bytes",
        "bytes 0-1",
        "bytes 0-1/",
        "bytes 0-1/*",  /* unknown length: the device cannot check it against the offer */
        "bytes 2-1/5",  /* backwards */
        "bytes 0-5/5",  /* past the end */
        "bytes=0-1/5",  /* the request's syntax */
        "bytes  0-1/5", /* two spaces */
        "bytes 0-1/5 ", /* trailing space inside the value */
        "bytes -1/5",
        "bytes 0-/5",
        "bytes 0-1,2-3/5", /* a second range */
        "bytes +0-1/5",
        "bytes 0x0-1/5",
        "items 0-1/5",
        "bytes 0-1/1234567890", /* ten digits */
        "bytes */0x10",
        "bytes */",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r.complete = 77;
        if (content_range(bad[i], &r) != FW_ERR_HTTP_INVALID) {
            fprintf(stderr, "accepted Content-Range \"%s\"\n", bad[i]);
        }
        CHECK_EQ(content_range(bad[i], &r), FW_ERR_HTTP_INVALID);
        CHECK_EQ(r.complete, 0); /* nothing half-filled */
    }
    CHECK_EQ(fw_http_content_range_parse(NULL, 5, &r), FW_ERR_HTTP_INVALID);
    CHECK_EQ(fw_http_content_range_parse((const uint8_t *)"bytes 0-0/1", 11, NULL), FW_ERR_BAD_ARGUMENT);
}

FW_TEST(http_incomplete_until_every_byte_arrived)
{
    const char *full = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
    uint8_t buf[256];
    fw_http_response_t r;
    for (size_t cut = 0; cut < strlen(full); cut++) {
        memcpy(buf, full, cut);
        CHECK_EQ(fw_http_parse_response(buf, cut, 0, &r), FW_ERR_HTTP_INCOMPLETE);
    }
}

FW_TEST(http_rejects_malformed_responses)
{
    uint8_t buf[512];
    fw_http_response_t r;
    CHECK_EQ(parse("HTTP/2 200 OK\r\n\r\n", 0, &r, buf), FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 2x0 OK\r\n\r\n", 0, &r, buf), FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 0, &r, buf),
             FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", 0, &r, buf), FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 0, &r, buf),
             FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, &r, buf), FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, &r, buf), FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n", 0, &r, buf),
             FW_ERR_HTTP_INVALID);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", 1, &r, buf), FW_ERR_HTTP_INVALID);
}
