#include "fw/est.h"

#include <string.h>

#include "fw/err.h"
#include "fw/pkcs7.h"
#include "mbedtls/asn1.h"
#include "mbedtls/base64.h"
#include "mbedtls/platform_util.h"

#define SEQUENCE (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
#define EXPLICIT_0 (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0)
#define BASIC_PREFIX "Authorization: Basic "

/* Appends s at *pos, NUL-terminated; FW_ERR_BUFFER_TOO_SMALL if it does not fit. */
static int append(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
    if (*pos >= cap || n >= cap - *pos) {
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(out + *pos, s, n);
    *pos += n;
    out[*pos] = '\0';
    return FW_OK;
}

int fw_est_path(const char *op, char *out, size_t cap)
{
    if (op == NULL || out == NULL || cap == 0) {
        return FW_ERR_BAD_ARGUMENT;
    }
    size_t n = 0;
    int rc = append(out, cap, &n, FW_EST_PATH_PREFIX, strlen(FW_EST_PATH_PREFIX));
    return rc != FW_OK ? rc : append(out, cap, &n, op, strlen(op));
}

int fw_est_basic_auth(const fw_bytes_t *device_id, const fw_bytes_t *token, char *out, size_t cap)
{
    if (device_id == NULL || token == NULL || device_id->ptr == NULL || token->ptr == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    /* RFC 7617: the user id may not contain ':'; the device id never does (fw_identity_device_id_valid). */
    size_t raw_len = device_id->len + 1 + token->len;
    size_t b64_len = (raw_len + 2) / 3 * 4;
    size_t head = sizeof(BASIC_PREFIX) - 1;
    /*
     * "<id>:<token>" is assembled at the end of out, past where the header ends, and wiped after
     * encoding: the secret is never copied outside the caller's buffer.
     */
    if (raw_len > cap || cap - raw_len < head + b64_len + 3) {
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    uint8_t *raw = (uint8_t *)out + cap - raw_len;
    memcpy(raw, device_id->ptr, device_id->len);
    raw[device_id->len] = ':';
    memcpy(raw + device_id->len + 1, token->ptr, token->len);
    memcpy(out, BASIC_PREFIX, head);
    size_t written = 0;
    int ret = mbedtls_base64_encode((unsigned char *)out + head, b64_len + 1, &written, raw, raw_len);
    mbedtls_platform_zeroize(raw, raw_len);
    if (ret != 0 || written != b64_len) {
        mbedtls_platform_zeroize(out, cap);
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(out + head + b64_len, "\r\n", 3);
    return FW_OK;
}

int fw_est_csr_body(const uint8_t *csr_der, size_t csr_len, char *out, size_t cap, size_t *out_len)
{
    if (csr_der == NULL || out == NULL || out_len == NULL || csr_len == 0) {
        return FW_ERR_BAD_ARGUMENT;
    }
    if (mbedtls_base64_encode((unsigned char *)out, cap, out_len, csr_der, csr_len) != 0) {
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    return FW_OK;
}

int fw_est_status(int http_status)
{
    if (http_status == 200) {
        return FW_OK;
    }
    return http_status == 401 || http_status == 403 ? FW_ERR_ENROLL_REFUSED : FW_ERR_NETWORK;
}

static int take(unsigned char **p, const unsigned char *end, int tag, size_t *len)
{
    return mbedtls_asn1_get_tag(p, end, len, tag) == 0 ? FW_OK : FW_ERR_CERT_INVALID;
}

/* Skips one element of the given tag. */
static int skip(unsigned char **p, const unsigned char *end, int tag)
{
    size_t n;
    if (take(p, end, tag, &n) != FW_OK) {
        return FW_ERR_CERT_INVALID;
    }
    *p += n;
    return FW_OK;
}

int fw_est_cert_fields(const uint8_t *cert, size_t len, fw_bytes_t *serial, fw_bytes_t *spki)
{
    if (cert == NULL || serial == NULL || spki == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    /* mbedtls_asn1_get_tag only reads; the cast is its API's, not a write. */
    unsigned char *p = (unsigned char *)(uintptr_t)cert;
    const unsigned char *end = cert + len;
    size_t n;
    /* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } */
    if (take(&p, end, SEQUENCE, &n) != FW_OK || p + n != end || take(&p, end, SEQUENCE, &n) != FW_OK) {
        return FW_ERR_CERT_INVALID;
    }
    const unsigned char *tbs_end = p + n;
    /* TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, spki, ... } */
    if (p < tbs_end && *p == EXPLICIT_0 && skip(&p, tbs_end, EXPLICIT_0) != FW_OK) {
        return FW_ERR_CERT_INVALID;
    }
    if (take(&p, tbs_end, MBEDTLS_ASN1_INTEGER, &n) != FW_OK || n == 0) {
        return FW_ERR_CERT_INVALID;
    }
    const uint8_t *serial_ptr = p;
    size_t serial_len = n;
    p += n;
    for (int i = 0; i < 4; i++) { /* signature, issuer, validity, subject */
        if (skip(&p, tbs_end, SEQUENCE) != FW_OK) {
            return FW_ERR_CERT_INVALID;
        }
    }
    const uint8_t *spki_ptr = p;
    if (skip(&p, tbs_end, SEQUENCE) != FW_OK) {
        return FW_ERR_CERT_INVALID;
    }
    serial->ptr = serial_ptr;
    serial->len = serial_len;
    spki->ptr = spki_ptr;
    spki->len = (size_t)(p - spki_ptr);
    return FW_OK;
}

int fw_est_parse_answer(const uint8_t *body, size_t body_len, const uint8_t *own_spki, size_t own_spki_len,
                        uint8_t *text, size_t text_cap, uint8_t *der, size_t der_cap, fw_est_cert_t *out)
{
    if ((body == NULL && body_len > 0) || own_spki == NULL || text == NULL || der == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (text_cap < body_len) {
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    size_t k = 0;
    for (size_t i = 0; i < body_len; i++) {
        uint8_t c = body[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
            continue; /* RFC 7030 answers may be wrapped */
        }
        text[k++] = c;
    }
    size_t der_len = 0;
    if (mbedtls_base64_decode(der, der_cap, &der_len, text, k) != 0) {
        return FW_ERR_EST_NOT_BASE64;
    }
    fw_bytes_t certs[FW_EST_MAX_CERTS];
    size_t count = 0;
    int rc = fw_pkcs7_certs(der, der_len, certs, FW_EST_MAX_CERTS, &count);
    if (rc != FW_OK) {
        /* More certificates than a device and its issuers need is an answer not meant for us. */
        return rc == FW_ERR_BUFFER_TOO_SMALL ? FW_ERR_PKCS7_INVALID : rc;
    }
    for (size_t i = 0; i < count; i++) {
        fw_bytes_t serial, spki;
        if (fw_est_cert_fields(certs[i].ptr, certs[i].len, &serial, &spki) == FW_OK && spki.len == own_spki_len &&
            memcmp(spki.ptr, own_spki, own_spki_len) == 0) {
            out->cert = certs[i];
            out->serial = serial;
            return FW_OK;
        }
    }
    return FW_ERR_EST_NO_CERT;
}

int fw_est_renewal_due(int64_t not_before, int64_t not_after, int64_t now)
{
    return not_after > not_before && now >= not_after - (not_after - not_before) / 3;
}
