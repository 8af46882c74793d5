/*
 * TLS session record (identity partition, after the identity record): what the device needs to
 * resume its last mutual-TLS session after a reboot, bound to the server it was made with (the
 * pinned root CA and the server name) and to the device certificate it authenticated. A record
 * bound to anything else is never offered. Format: firmware/docs/formats.md 7; behaviour: docs/identity.md 5.
 */
#ifndef FW_SESSION_H
#define FW_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "fw/identity.h"

#define FW_SESSION_MAGIC 0x53545444u /* "DTTS" */
#define FW_SESSION_FORMAT 1u
#define FW_SESSION_RECORD_OFFSET 0x4000u /* in the identity partition: after the identity record's 16 KiB */
#define FW_SESSION_MAX_SIZE 0x1000u      /* the whole record, digest included */
#define FW_SESSION_HEADER_SIZE 144u
#define FW_SESSION_DIGEST_SIZE 32u
#define FW_SESSION_NAME_SIZE 64u
#define FW_SESSION_DATA_ALIGN 4u
#define FW_SESSION_DATA_MAX (FW_SESSION_MAX_SIZE - FW_SESSION_HEADER_SIZE - FW_SESSION_DIGEST_SIZE)
#define FW_SESSION_MAX_AGE 86400u /* seconds: the backend's TLS session lifetime (JSSE default) */

/* Header field offsets (docs/formats.md 7); mirrored in qemu/formats.py. */
#define FW_SESSION_OFF_MAGIC 0u
#define FW_SESSION_OFF_FORMAT 4u
#define FW_SESSION_OFF_DATA_LEN 6u
#define FW_SESSION_OFF_STORED_AT 8u
#define FW_SESSION_OFF_ROOT_DIGEST 16u
#define FW_SESSION_OFF_CERT_DIGEST 48u
#define FW_SESSION_OFF_SERVER_NAME 80u
#define FW_SESSION_OFF_DATA 144u

_Static_assert(FW_SESSION_OFF_DATA_LEN + 2u == FW_SESSION_OFF_STORED_AT, "session: u16 data length");
_Static_assert(FW_SESSION_OFF_STORED_AT + 8u == FW_SESSION_OFF_ROOT_DIGEST, "session: u64 stored-at");
_Static_assert(FW_SESSION_OFF_ROOT_DIGEST + 32u == FW_SESSION_OFF_CERT_DIGEST, "session: SHA-256 of the root");
_Static_assert(FW_SESSION_OFF_CERT_DIGEST + 32u == FW_SESSION_OFF_SERVER_NAME, "session: SHA-256 of the cert");
_Static_assert(FW_SESSION_OFF_SERVER_NAME + FW_SESSION_NAME_SIZE == FW_SESSION_HEADER_SIZE, "session: 144-byte header");
_Static_assert(FW_SESSION_OFF_DATA == FW_SESSION_HEADER_SIZE, "session: data follows the header");
_Static_assert(FW_SESSION_DATA_MAX <= 0xffffu, "session: data length fits its u16");
_Static_assert(FW_SESSION_RECORD_OFFSET >= FW_IDENTITY_MAX_SIZE, "session: never overlaps the identity record");

/* What a session is bound to: the server it was made with and the certificate presented. */
typedef struct {
    fw_bytes_t root_ca;     /* DER of the pinned root (identity field 3) */
    fw_bytes_t server_name; /* identity field 4 */
    fw_bytes_t device_cert; /* DER (identity field 7) */
} fw_session_binding_t;

/* Parsed view: pointers into the parsed buffer. */
typedef struct {
    uint64_t stored_at; /* Unix seconds, device clock */
    const uint8_t *root_digest;
    const uint8_t *cert_digest;
    fw_bytes_t server_name;
    fw_bytes_t data; /* mbedtls_ssl_session_save output: opaque here, parsed by mbedtls_ssl_session_load */
} fw_session_record_t;

/* Magic, format, bounds, reserved bytes (name and data padding), the name rule, digest. */
int fw_session_parse(const uint8_t *buf, size_t len, fw_session_record_t *out);

/*
 * FW_OK only when the record was made with this root, this server name and this device
 * certificate, and is at most FW_SESSION_MAX_AGE old by the device clock (never from the
 * future); FW_ERR_SESSION_FOREIGN otherwise. Digests are compared in constant time.
 */
int fw_session_check(const fw_session_record_t *r, const fw_session_binding_t *b, uint64_t now);

/* Serialises a record (length a multiple of 4, for word-wise flash programming). */
int fw_session_write(const fw_session_binding_t *b, uint64_t stored_at, const uint8_t *data, size_t data_len,
                     uint8_t *out, size_t cap, size_t *out_len);

#endif /* FW_SESSION_H */
