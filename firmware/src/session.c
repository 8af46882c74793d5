#include "fw/session.h"

#include <string.h>

#include "fw/crypto.h"
#include "fw/ct.h"
#include "fw/err.h"
#include "le_priv.h"

static size_t padded(size_t len)
{
    return (len + FW_SESSION_DATA_ALIGN - 1u) & ~(size_t)(FW_SESSION_DATA_ALIGN - 1u);
}

int fw_session_parse(const uint8_t *buf, size_t len, fw_session_record_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (len < FW_SESSION_HEADER_SIZE || fw_le32(buf + FW_SESSION_OFF_MAGIC) != FW_SESSION_MAGIC) {
        return FW_ERR_SESSION_MISSING;
    }
    size_t data_len = fw_le16(buf + FW_SESSION_OFF_DATA_LEN);
    if (fw_le16(buf + FW_SESSION_OFF_FORMAT) != FW_SESSION_FORMAT || data_len == 0 || data_len > FW_SESSION_DATA_MAX ||
        len < FW_SESSION_HEADER_SIZE + padded(data_len) + FW_SESSION_DIGEST_SIZE) {
        return FW_ERR_SESSION_INVALID;
    }
    size_t body = FW_SESSION_HEADER_SIZE + padded(data_len);
    uint8_t digest[FW_SHA256_SIZE];
    if (fw_sha256(buf, body, digest) != 0) {
        return FW_ERR_CRYPTO;
    }
    if (fw_ct_diff(digest, buf + body, FW_SHA256_SIZE) != 0) {
        return FW_ERR_SESSION_INVALID;
    }
    const uint8_t *name = buf + FW_SESSION_OFF_SERVER_NAME;
    size_t name_len = 0;
    while (name_len < FW_SESSION_NAME_SIZE && name[name_len] != 0) {
        name_len++;
    }
    if (!fw_identity_server_name_valid(name, name_len) ||
        !fw_ct_is_zero(name + name_len, FW_SESSION_NAME_SIZE - name_len) ||
        !fw_ct_is_zero(buf + FW_SESSION_OFF_DATA + data_len, padded(data_len) - data_len)) {
        return FW_ERR_SESSION_INVALID;
    }
    out->stored_at = fw_le64(buf + FW_SESSION_OFF_STORED_AT);
    out->root_digest = buf + FW_SESSION_OFF_ROOT_DIGEST;
    out->cert_digest = buf + FW_SESSION_OFF_CERT_DIGEST;
    out->server_name.ptr = name;
    out->server_name.len = name_len;
    out->data.ptr = buf + FW_SESSION_OFF_DATA;
    out->data.len = data_len;
    return FW_OK;
}

static int binding_valid(const fw_session_binding_t *b)
{
    return b != NULL && b->root_ca.ptr != NULL && b->root_ca.len > 0 && b->device_cert.ptr != NULL &&
           b->device_cert.len > 0 && fw_identity_server_name_valid(b->server_name.ptr, b->server_name.len);
}

int fw_session_check(const fw_session_record_t *r, const fw_session_binding_t *b, uint64_t now)
{
    if (r == NULL || r->root_digest == NULL || r->cert_digest == NULL || !binding_valid(b)) {
        return FW_ERR_BAD_ARGUMENT;
    }
    uint8_t root[FW_SHA256_SIZE], cert[FW_SHA256_SIZE];
    if (fw_sha256(b->root_ca.ptr, b->root_ca.len, root) != 0 ||
        fw_sha256(b->device_cert.ptr, b->device_cert.len, cert) != 0) {
        return FW_ERR_CRYPTO;
    }
    /* Default to fail: every comparison is made, the record counts only if none differs. */
    uint32_t differ = fw_ct_diff(root, r->root_digest, FW_SHA256_SIZE);
    differ |= fw_ct_diff(cert, r->cert_digest, FW_SHA256_SIZE);
    differ |= r->server_name.len != b->server_name.len ? 1u : 0u;
    if (differ == 0) {
        differ |= fw_ct_diff(r->server_name.ptr, b->server_name.ptr, b->server_name.len);
    }
    differ |= r->stored_at > now || now - r->stored_at > FW_SESSION_MAX_AGE ? 1u : 0u;
    return differ == 0 ? FW_OK : FW_ERR_SESSION_FOREIGN;
}

int fw_session_write(const fw_session_binding_t *b, uint64_t stored_at, const uint8_t *data, size_t data_len,
                     uint8_t *out, size_t cap, size_t *out_len)
{
    if (!binding_valid(b) || b->server_name.len > FW_SESSION_NAME_SIZE || data == NULL || out == NULL ||
        out_len == NULL || data_len == 0 || data_len > FW_SESSION_DATA_MAX) {
        return FW_ERR_BAD_ARGUMENT;
    }
    size_t body = FW_SESSION_HEADER_SIZE + padded(data_len);
    if (body + FW_SESSION_DIGEST_SIZE > cap) {
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    memset(out, 0, body + FW_SESSION_DIGEST_SIZE);
    fw_put_le32(out + FW_SESSION_OFF_MAGIC, FW_SESSION_MAGIC);
    fw_put_le16(out + FW_SESSION_OFF_FORMAT, FW_SESSION_FORMAT);
    fw_put_le16(out + FW_SESSION_OFF_DATA_LEN, (uint16_t)data_len);
    fw_put_le64(out + FW_SESSION_OFF_STORED_AT, stored_at);
    if (fw_sha256(b->root_ca.ptr, b->root_ca.len, out + FW_SESSION_OFF_ROOT_DIGEST) != 0 ||
        fw_sha256(b->device_cert.ptr, b->device_cert.len, out + FW_SESSION_OFF_CERT_DIGEST) != 0) {
        return FW_ERR_CRYPTO;
    }
    memcpy(out + FW_SESSION_OFF_SERVER_NAME, b->server_name.ptr, b->server_name.len);
    memcpy(out + FW_SESSION_OFF_DATA, data, data_len);
    if (fw_sha256(out, body, out + body) != 0) {
        return FW_ERR_CRYPTO;
    }
    *out_len = body + FW_SESSION_DIGEST_SIZE;
    return FW_OK;
}
