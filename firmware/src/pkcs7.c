#include "fw/pkcs7.h"

#include <string.h>

#include "fw/err.h"
#include "mbedtls/asn1.h"

/* 1.2.840.113549.1.7.2 signedData, 1.2.840.113549.1.7.1 data */
static const uint8_t oid_signed_data[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
static const uint8_t oid_data[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};

/* Reads one tag and length; *p advances past the header, len is checked against end. */
static int take(unsigned char **p, const unsigned char *end, int tag, size_t *len)
{
    return mbedtls_asn1_get_tag(p, end, len, tag) == 0 ? 0 : FW_ERR_PKCS7_INVALID;
}

static int take_oid(unsigned char **p, const unsigned char *end, const uint8_t *oid, size_t oid_len)
{
    size_t len;
    if (take(p, end, MBEDTLS_ASN1_OID, &len) != 0 || len != oid_len || memcmp(*p, oid, oid_len) != 0) {
        return FW_ERR_PKCS7_INVALID;
    }
    *p += len;
    return 0;
}

int fw_pkcs7_certs(const uint8_t *der, size_t len, fw_bytes_t *certs, size_t max, size_t *count)
{
    if (der == NULL || certs == NULL || count == NULL || max == 0) {
        return FW_ERR_BAD_ARGUMENT;
    }
    *count = 0;
    unsigned char *p = (unsigned char *)(uintptr_t)der;
    const unsigned char *end = der + len;
    size_t n;
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    const int set = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET;
    const int ctx0 = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0;
    const int ctx1 = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 1;

    /* ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT content }, nothing after it */
    if (take(&p, end, seq, &n) != 0 || p + n != end) {
        return FW_ERR_PKCS7_INVALID;
    }
    if (take_oid(&p, end, oid_signed_data, sizeof(oid_signed_data)) != 0 || take(&p, end, ctx0, &n) != 0 ||
        p + n != end) {
        return FW_ERR_PKCS7_INVALID;
    }
    /* SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos } */
    if (take(&p, end, seq, &n) != 0 || p + n != end) {
        return FW_ERR_PKCS7_INVALID;
    }
    int version;
    if (mbedtls_asn1_get_int(&p, end, &version) != 0 || version < 1 || version > 5) {
        return FW_ERR_PKCS7_INVALID;
    }
    if (take(&p, end, set, &n) != 0) {
        return FW_ERR_PKCS7_INVALID;
    }
    p += n; /* digestAlgorithms: empty for certs-only, content irrelevant to us */
    const unsigned char *encap_end;
    if (take(&p, end, seq, &n) != 0) {
        return FW_ERR_PKCS7_INVALID;
    }
    encap_end = p + n;
    if (take_oid(&p, encap_end, oid_data, sizeof(oid_data)) != 0 || p != encap_end) {
        return FW_ERR_PKCS7_INVALID; /* certs-only: no encapsulated content */
    }
    if (take(&p, end, ctx0, &n) != 0) {
        return FW_ERR_PKCS7_INVALID;
    }
    const unsigned char *certs_end = p + n;
    size_t found = 0;
    while (p < certs_end) {
        const unsigned char *start = p;
        if (take(&p, certs_end, seq, &n) != 0) {
            return FW_ERR_PKCS7_INVALID;
        }
        p += n;
        if (found == max) {
            return FW_ERR_BUFFER_TOO_SMALL;
        }
        certs[found].ptr = start;
        certs[found].len = (size_t)(p - start);
        found++;
    }
    if (found == 0) {
        return FW_ERR_PKCS7_INVALID;
    }
    if (p < end && *p == (unsigned char)ctx1) {
        if (take(&p, end, ctx1, &n) != 0) {
            return FW_ERR_PKCS7_INVALID;
        }
        p += n;
    }
    if (take(&p, end, set, &n) != 0 || p + n != end) {
        return FW_ERR_PKCS7_INVALID; /* signerInfos, last element */
    }
    *count = found;
    return FW_OK;
}
