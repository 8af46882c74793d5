/*
 * EST client (RFC 7030) of the device, without the transport: what goes into a simpleenroll /
 * simplereenroll request, and what the device accepts from the answer. The answer comes from the
 * server through TLS and is still treated as hostile. The link (board/link.c) carries the bytes.
 */
#ifndef FW_EST_H
#define FW_EST_H

#include <stddef.h>
#include <stdint.h>

#include "fw/identity.h"

#define FW_EST_PATH_PREFIX "/.well-known/est/"
#define FW_EST_CONTENT_TYPE "application/pkcs10"
/* Certificates an answer may carry: the device's own and its issuers. */
#define FW_EST_MAX_CERTS 4

/* The certificate chosen from an answer: both point into the caller's der buffer. */
typedef struct {
    fw_bytes_t cert;   /* complete DER certificate */
    fw_bytes_t serial; /* content octets of its serialNumber INTEGER */
} fw_est_cert_t;

/* "/.well-known/est/<op>", NUL-terminated. */
int fw_est_path(const char *op, char *out, size_t cap);

/* "Authorization: Basic base64(<id>:<token>)\r\n", NUL-terminated (RFC 7030 3.2.3). */
int fw_est_basic_auth(const fw_bytes_t *device_id, const fw_bytes_t *token, char *out, size_t cap);

/* The request body: base64 of the DER PKCS#10 request, unwrapped, NUL-terminated. */
int fw_est_csr_body(const uint8_t *csr_der, size_t csr_len, char *out, size_t cap, size_t *out_len);

/*
 * 0 for an issued certificate (HTTP 200), FW_ERR_ENROLL_REFUSED when the server refused the
 * device (401, 403), FW_ERR_NETWORK for anything else.
 */
int fw_est_status(int http_status);

/*
 * Reads an EST answer: base64 (line breaks, spaces and tabs ignored) of a certs-only PKCS#7,
 * and picks the certificate whose SubjectPublicKeyInfo is exactly own_spki (DER), the key the
 * device generated. text (at least body_len bytes) receives the base64 without whitespace,
 * der the decoded structure; out points into der. FW_ERR_EST_NOT_BASE64, FW_ERR_PKCS7_INVALID (also
 * for more than FW_EST_MAX_CERTS certificates) or FW_ERR_EST_NO_CERT for an answer the device refuses.
 */
int fw_est_parse_answer(const uint8_t *body, size_t body_len, const uint8_t *own_spki, size_t own_spki_len,
                        uint8_t *text, size_t text_cap, uint8_t *der, size_t der_cap, fw_est_cert_t *out);

/* serialNumber and SubjectPublicKeyInfo (tag and length included) of a DER certificate. */
int fw_est_cert_fields(const uint8_t *cert, size_t len, fw_bytes_t *serial, fw_bytes_t *spki);

/*
 * Renewal window: the last third of the validity, by the device clock (Unix seconds). 1 when
 * now is inside it, 0 otherwise (and for a certificate whose dates are not in order).
 */
int fw_est_renewal_due(int64_t not_before, int64_t not_after, int64_t now);

#endif /* FW_EST_H */
