/*
 * EST answers (RFC 7030 4.2.3) carry certificates in a "certs-only" CMS SignedData
 * (RFC 5652, degenerate: no signers). Every byte comes from the network.
 */
#ifndef FW_PKCS7_H
#define FW_PKCS7_H

#include <stddef.h>
#include <stdint.h>

#include "fw/identity.h"

/*
 * Finds the certificates of a DER certs-only SignedData: certs[i] points at each complete
 * certificate (tag and length included) inside der. Fails unless the structure is exactly
 * ContentInfo(signedData) with at least one certificate and at most max of them.
 */
int fw_pkcs7_certs(const uint8_t *der, size_t len, fw_bytes_t *certs, size_t max, size_t *count);

#endif /* FW_PKCS7_H */
