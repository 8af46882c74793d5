#include "fw/identity.h"

#include <string.h>

#include "fw/crypto.h"
#include "fw/ct.h"
#include "fw/err.h"
#include "le_priv.h"

void fw_identity_init(fw_identity_t *id)
{
    memset(id, 0, sizeof(*id));
}

static int name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

int fw_identity_server_name_valid(const uint8_t *name, size_t len)
{
    if (name == NULL || len == 0 || len > FW_SERVER_NAME_MAX_LEN) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (!name_char(name[i])) {
            return 0;
        }
    }
    return 1;
}

int fw_identity_device_id_valid(const uint8_t *id, size_t len)
{
    if (id == NULL || len < FW_DEVICE_ID_MIN_LEN || len > FW_DEVICE_ID_MAX_LEN) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = id[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || c != '-')) {
            return 0;
        }
    }
    return 1;
}

static int field_valid(unsigned type, const uint8_t *v, size_t len)
{
    size_t max = 0;
    switch (type) {
    case FW_ID_DEVICE_ID: return fw_identity_device_id_valid(v, len);
    case FW_ID_SERVER_NAME: return fw_identity_server_name_valid(v, len);
    case FW_ID_TOKEN: max = 128; break;
    case FW_ID_CLOCK: return len == 8;
    case FW_ID_ROOT_CA:
    case FW_ID_DEVICE_KEY:
    case FW_ID_DEVICE_CERT: return len >= 2 && v[0] == 0x30; /* a DER SEQUENCE; mbedTLS parses the rest */
    default: return 0;
    }
    if (len == 0 || len > max) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (v[i] < 0x21 || v[i] > 0x7e) {
            return 0;
        }
    }
    return 1;
}

int fw_identity_parse(const uint8_t *buf, size_t len, fw_identity_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_identity_init(out);
    if (len < FW_IDENTITY_HEADER_SIZE || fw_le32(buf + FW_IDENTITY_OFF_MAGIC) != FW_IDENTITY_MAGIC) {
        return FW_ERR_IDENTITY_MISSING;
    }
    if (len < FW_IDENTITY_HEADER_SIZE + FW_IDENTITY_DIGEST_SIZE) {
        return FW_ERR_IDENTITY_INVALID;
    }
    uint32_t body = fw_le32(buf + FW_IDENTITY_OFF_BODY_LEN);
    if (fw_le16(buf + FW_IDENTITY_OFF_FORMAT) != FW_IDENTITY_FORMAT ||
        fw_le16(buf + FW_IDENTITY_OFF_RESERVED_FORMAT) != 0 || fw_le32(buf + FW_IDENTITY_OFF_RESERVED) != 0 ||
        (body & (FW_IDENTITY_FIELD_ALIGN - 1u)) != 0 ||
        body > FW_IDENTITY_MAX_SIZE - FW_IDENTITY_HEADER_SIZE - FW_IDENTITY_DIGEST_SIZE ||
        len - FW_IDENTITY_HEADER_SIZE - FW_IDENTITY_DIGEST_SIZE < body) {
        return FW_ERR_IDENTITY_INVALID;
    }
    uint8_t digest[FW_SHA256_SIZE];
    if (fw_sha256(buf, FW_IDENTITY_HEADER_SIZE + body, digest) != 0) {
        return FW_ERR_CRYPTO;
    }
    if (fw_ct_diff(digest, buf + FW_IDENTITY_HEADER_SIZE + body, FW_SHA256_SIZE) != 0) {
        return FW_ERR_IDENTITY_DIGEST_MISMATCH;
    }
    fw_identity_t parsed;
    fw_identity_init(&parsed);
    const uint8_t *p = buf + FW_IDENTITY_HEADER_SIZE;
    size_t left = body;
    while (left > 0) {
        if (left < FW_IDENTITY_FIELD_HEADER_SIZE) {
            return FW_ERR_IDENTITY_INVALID;
        }
        unsigned type = fw_le16(p + FW_IDENTITY_FIELD_OFF_TYPE);
        size_t flen = fw_le16(p + FW_IDENTITY_FIELD_OFF_LEN);
        size_t padded = (flen + FW_IDENTITY_FIELD_ALIGN - 1u) & ~(size_t)(FW_IDENTITY_FIELD_ALIGN - 1u);
        if (type == 0 || type >= FW_ID_FIELD_MAX || parsed.field[type].ptr != NULL ||
            padded > left - FW_IDENTITY_FIELD_HEADER_SIZE || !field_valid(type, p + 4, flen)) {
            return FW_ERR_IDENTITY_INVALID;
        }
        for (size_t i = flen; i < padded; i++) {
            if (p[FW_IDENTITY_FIELD_HEADER_SIZE + i] != 0) {
                return FW_ERR_IDENTITY_INVALID;
            }
        }
        parsed.field[type].ptr = p + FW_IDENTITY_FIELD_HEADER_SIZE;
        parsed.field[type].len = flen;
        p += FW_IDENTITY_FIELD_HEADER_SIZE + padded;
        left -= FW_IDENTITY_FIELD_HEADER_SIZE + padded;
    }
    *out = parsed;
    return FW_OK;
}

int fw_identity_write(const fw_identity_t *id, uint8_t *out, size_t cap, size_t *out_len)
{
    if (id == NULL || out == NULL || out_len == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    size_t body = 0;
    for (unsigned t = 1; t < FW_ID_FIELD_MAX; t++) {
        const fw_bytes_t *f = &id->field[t];
        if (f->ptr == NULL) {
            continue;
        }
        if (f->len > 0xffffu || !field_valid(t, f->ptr, f->len)) {
            return FW_ERR_IDENTITY_INVALID;
        }
        body += FW_IDENTITY_FIELD_HEADER_SIZE +
                ((f->len + FW_IDENTITY_FIELD_ALIGN - 1u) & ~(size_t)(FW_IDENTITY_FIELD_ALIGN - 1u));
    }
    size_t total = FW_IDENTITY_HEADER_SIZE + body + FW_IDENTITY_DIGEST_SIZE;
    if (total > FW_IDENTITY_MAX_SIZE || total > cap) {
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    memset(out, 0, total);
    fw_put_le32(out + FW_IDENTITY_OFF_MAGIC, FW_IDENTITY_MAGIC);
    fw_put_le16(out + FW_IDENTITY_OFF_FORMAT, FW_IDENTITY_FORMAT);
    fw_put_le32(out + FW_IDENTITY_OFF_BODY_LEN, (uint32_t)body);
    uint8_t *p = out + FW_IDENTITY_HEADER_SIZE;
    for (unsigned t = 1; t < FW_ID_FIELD_MAX; t++) {
        const fw_bytes_t *f = &id->field[t];
        if (f->ptr == NULL) {
            continue;
        }
        fw_put_le16(p + FW_IDENTITY_FIELD_OFF_TYPE, (uint16_t)t);
        fw_put_le16(p + FW_IDENTITY_FIELD_OFF_LEN, (uint16_t)f->len);
        memmove(p + FW_IDENTITY_FIELD_HEADER_SIZE, f->ptr, f->len);
        p += FW_IDENTITY_FIELD_HEADER_SIZE +
             ((f->len + FW_IDENTITY_FIELD_ALIGN - 1u) & ~(size_t)(FW_IDENTITY_FIELD_ALIGN - 1u));
    }
    if (fw_sha256(out, FW_IDENTITY_HEADER_SIZE + body, out + FW_IDENTITY_HEADER_SIZE + body) != 0) {
        return FW_ERR_CRYPTO;
    }
    *out_len = total;
    return FW_OK;
}

uint64_t fw_identity_clock(const fw_identity_t *id)
{
    const fw_bytes_t *c = &id->field[FW_ID_CLOCK];
    if (c->ptr == NULL || c->len != 8) {
        return 0;
    }
    return fw_le64(c->ptr);
}
