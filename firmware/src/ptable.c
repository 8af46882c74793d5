#include <string.h>

#include "fw/ct.h"
#include "fw/crypto.h"
#include "fw/err.h"
#include "fw/ptable.h"
#include "le_priv.h"

void fw_ptable_init(fw_ptable_t *t)
{
    memset(t, 0, sizeof(*t));
}

void fw_ptable_free(fw_ptable_t *t)
{
    memset(t, 0, sizeof(*t));
}

static int parse_entry(const uint8_t *e, const fw_ptable_limits_t *limits, fw_partition_t *out)
{
    uint8_t type = e[FW_PTABLE_ENTRY_OFF_TYPE];
    if (type != FW_PART_TYPE_APP && type != FW_PART_TYPE_DATA) {
        return FW_ERR_PTABLE_BAD_FIELD;
    }
    if (fw_le16(e + FW_PTABLE_ENTRY_OFF_FLAGS) != 0 || fw_le32(e + FW_PTABLE_ENTRY_OFF_RESERVED) != 0) {
        return FW_ERR_PTABLE_BAD_FIELD;
    }
    uint32_t offset = fw_le32(e + FW_PTABLE_ENTRY_OFF_OFFSET);
    uint32_t size = fw_le32(e + FW_PTABLE_ENTRY_OFF_SIZE);
    if (size == 0 || (offset % FW_PTABLE_ALIGN) != 0 || (size % FW_PTABLE_ALIGN) != 0) {
        return FW_ERR_PTABLE_BAD_FIELD;
    }
    if (offset < limits->usable_start || offset > limits->usable_end || size > limits->usable_end - offset) {
        return FW_ERR_PTABLE_BAD_FIELD;
    }
    /* Labels are printable ASCII, NUL-padded: they end up in log lines. */
    int ended = 0;
    for (size_t i = 0; i < FW_PTABLE_LABEL_SIZE; i++) {
        uint8_t c = e[FW_PTABLE_ENTRY_OFF_LABEL + i];
        if (c == 0) {
            ended = 1;
        } else if (ended || c < 0x20 || c > 0x7e) {
            return FW_ERR_PTABLE_BAD_FIELD;
        }
        out->label[i] = ended ? '\0' : (char)c;
    }
    out->label[FW_PTABLE_LABEL_SIZE] = '\0';
    out->type = type;
    out->subtype = e[FW_PTABLE_ENTRY_OFF_SUBTYPE];
    out->offset = offset;
    out->size = size;
    return FW_OK;
}

int fw_ptable_parse(const uint8_t *buf, size_t len, const fw_ptable_limits_t *limits, fw_ptable_t *out)
{
    if (buf == NULL || limits == NULL || out == NULL || limits->usable_start > limits->usable_end) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_ptable_init(out);
    if (len < FW_PTABLE_HEADER_SIZE) {
        return FW_ERR_PTABLE_BAD_MAGIC;
    }
    if (fw_le32(buf + FW_PTABLE_OFF_MAGIC) != FW_PTABLE_MAGIC) {
        return FW_ERR_PTABLE_BAD_MAGIC;
    }
    uint16_t format = fw_le16(buf + FW_PTABLE_OFF_FORMAT);
    uint16_t count = fw_le16(buf + FW_PTABLE_OFF_COUNT);
    if (format != FW_PTABLE_FORMAT || count == 0 || count > FW_PTABLE_MAX_ENTRIES ||
        fw_le32(buf + FW_PTABLE_OFF_RESERVED) != 0 || fw_le32(buf + FW_PTABLE_OFF_RESERVED + 4) != 0) {
        return FW_ERR_PTABLE_BAD_FIELD;
    }
    size_t body = FW_PTABLE_HEADER_SIZE + (size_t)count * FW_PTABLE_ENTRY_SIZE;
    if (len < body + FW_PTABLE_DIGEST_SIZE) {
        return FW_ERR_PTABLE_BAD_FIELD;
    }
    uint8_t digest[FW_SHA256_SIZE];
    if (fw_sha256(buf, body, digest) != FW_OK) {
        return FW_ERR_CRYPTO;
    }
    if (fw_ct_diff(digest, buf + body, FW_SHA256_SIZE) != 0) {
        return FW_ERR_PTABLE_DIGEST_MISMATCH;
    }
    for (uint16_t i = 0; i < count; i++) {
        int rc = parse_entry(buf + FW_PTABLE_HEADER_SIZE + (size_t)i * FW_PTABLE_ENTRY_SIZE, limits, &out->entries[i]);
        if (rc != FW_OK) {
            fw_ptable_init(out);
            return rc;
        }
        /* Overlapping partitions would let one image be read as another. */
        for (uint16_t j = 0; j < i; j++) {
            const fw_partition_t *a = &out->entries[i];
            const fw_partition_t *b = &out->entries[j];
            if (a->offset < b->offset + b->size && b->offset < a->offset + a->size) {
                fw_ptable_init(out);
                return FW_ERR_PTABLE_BAD_FIELD;
            }
        }
    }
    out->count = count;
    return FW_OK;
}

const fw_partition_t *fw_ptable_find(const fw_ptable_t *t, uint8_t type, uint8_t subtype)
{
    if (t == NULL) {
        return NULL;
    }
    for (uint32_t i = 0; i < t->count && i < FW_PTABLE_MAX_ENTRIES; i++) {
        if (t->entries[i].type == type && t->entries[i].subtype == subtype) {
            return &t->entries[i];
        }
    }
    return NULL;
}
