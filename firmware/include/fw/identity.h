/*
 * Identity partition (data/0x40): what makes this device itself. The factory writes the
 * device id, the one-time enrollment token, the pinned root CA and the server name; the
 * launcher refreshes the clock before each boot; the device adds its key and certificate.
 * Format: firmware/docs/identity.md.
 */
#ifndef FW_IDENTITY_H
#define FW_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define FW_IDENTITY_MAGIC 0x44495444u /* "DTID" */
#define FW_IDENTITY_FORMAT 1u
#define FW_IDENTITY_HEADER_SIZE 16u
#define FW_IDENTITY_DIGEST_SIZE 32u
#define FW_IDENTITY_MAX_SIZE 0x4000u /* 16 KiB: parsed and written in one RAM buffer */

/* Header field offsets (docs/identity.md 1); mirrored in qemu/formats.py. */
#define FW_IDENTITY_OFF_MAGIC 0u
#define FW_IDENTITY_OFF_FORMAT 4u
#define FW_IDENTITY_OFF_RESERVED_FORMAT 6u
#define FW_IDENTITY_OFF_BODY_LEN 8u
#define FW_IDENTITY_OFF_RESERVED 12u
/* A field: type u16, length u16, value, zero padding to FW_IDENTITY_FIELD_ALIGN. */
#define FW_IDENTITY_FIELD_OFF_TYPE 0u
#define FW_IDENTITY_FIELD_OFF_LEN 2u
#define FW_IDENTITY_FIELD_HEADER_SIZE 4u
#define FW_IDENTITY_FIELD_ALIGN 4u

_Static_assert(FW_IDENTITY_OFF_RESERVED + 4u == FW_IDENTITY_HEADER_SIZE, "identity: 16-byte header");
_Static_assert(FW_IDENTITY_OFF_BODY_LEN + 4u == FW_IDENTITY_OFF_RESERVED, "identity: u32 body length");
_Static_assert(FW_IDENTITY_FIELD_OFF_LEN + 2u == FW_IDENTITY_FIELD_HEADER_SIZE, "identity: u16 type, u16 length");

typedef enum {
    FW_ID_DEVICE_ID = 1,   /* the server's rule: [a-z0-9][a-z0-9-]{2,63} (fw_identity_device_id_valid) */
    FW_ID_TOKEN = 2,       /* one-time enrollment secret, printable ASCII, 1..128 */
    FW_ID_ROOT_CA = 3,     /* DER certificate: the only trust anchor for servers */
    FW_ID_SERVER_NAME = 4, /* DNS name the server certificate must carry: [A-Za-z0-9._-], 1..64 */
    FW_ID_CLOCK = 5,       /* u64 LE: Unix seconds when the device was powered on */
    FW_ID_DEVICE_KEY = 6,  /* DER SEC1 EC private key (P-256), generated on the device */
    FW_ID_DEVICE_CERT = 7, /* DER certificate issued by the backend over EST */
} fw_identity_field_t;

#define FW_ID_FIELD_MAX 8

typedef struct {
    const uint8_t *ptr;
    size_t len;
} fw_bytes_t;

/* Parsed view: field[t] points into the parsed buffer (len 0 = absent). */
typedef struct {
    fw_bytes_t field[FW_ID_FIELD_MAX];
} fw_identity_t;

void fw_identity_init(fw_identity_t *id);

/* Checks magic, format, reserved bytes, every record's type and bounds, field rules, digest. */
int fw_identity_parse(const uint8_t *buf, size_t len, fw_identity_t *out);

/* Serialises the present fields (ascending type) with the digest; out may not alias fields. */
int fw_identity_write(const fw_identity_t *id, uint8_t *out, size_t cap, size_t *out_len);

uint64_t fw_identity_clock(const fw_identity_t *id);

/*
 * The device-id rule the server applies (DeviceId, Java regex [a-z0-9][a-z0-9-]{2,63}): 3 to 64
 * characters of a-z, 0-9 and '-', the first a letter or digit. Shared vectors:
 * firmware/test/vectors/device-ids.txt.
 */
/* The server name rule (field 4): 1..64 characters of A-Z, a-z, 0-9, '.', '_', '-'. */
#define FW_SERVER_NAME_MAX_LEN 64u
int fw_identity_server_name_valid(const uint8_t *name, size_t len);

#define FW_DEVICE_ID_MIN_LEN 3u
#define FW_DEVICE_ID_MAX_LEN 64u
int fw_identity_device_id_valid(const uint8_t *id, size_t len);

#endif /* FW_IDENTITY_H */
