/* Boot-state record (docs/formats.md 9): two copies, the newer valid one wins, a write replaces the older. */
#include "fw/otadata.h"

#include <string.h>

#include "fw/ct.h"
#include "fw/err.h"
#include "le_priv.h"

void fw_otadata_init(fw_otadata_t *r)
{
    memset(r, 0, sizeof(*r));
    r->pending_slot = FW_OTADATA_NO_SLOT;
}

void fw_otadata_free(fw_otadata_t *r)
{
    memset(r, 0, sizeof(*r));
}

/* The rules a record must keep, checked on both sides so that no code path stores what it would refuse. */
static int consistent(const fw_otadata_t *r)
{
    if (r->active > 1 || r->pending_state > FW_OTA_ABORTED || (r->flags & ~FW_OTADATA_FLAG_REPORT_OWED) != 0) {
        return 0;
    }
    if (r->pending_state == FW_OTA_NONE) {
        return r->pending_slot == FW_OTADATA_NO_SLOT && r->attempts == 0;
    }
    return r->pending_slot <= 1 && r->pending_slot != r->active;
}

int fw_otadata_encode(const fw_otadata_t *r, uint8_t out[FW_OTADATA_RECORD_SIZE])
{
    if (r == NULL || out == NULL || !consistent(r)) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(out, 0, FW_OTADATA_RECORD_SIZE);
    fw_put_le32(out + FW_OTADATA_OFF_MAGIC, FW_OTADATA_MAGIC);
    fw_put_le16(out + FW_OTADATA_OFF_FORMAT, FW_OTADATA_FORMAT);
    fw_put_le32(out + FW_OTADATA_OFF_SEQ, r->seq);
    out[FW_OTADATA_OFF_ACTIVE] = r->active;
    out[FW_OTADATA_OFF_PENDING_SLOT] = r->pending_slot;
    out[FW_OTADATA_OFF_PENDING_STATE] = r->pending_state;
    out[FW_OTADATA_OFF_ATTEMPTS] = r->attempts;
    out[FW_OTADATA_OFF_FLAGS] = r->flags;
    memcpy(out + FW_OTADATA_OFF_UPDATE_ID, r->update_id, FW_OFFER_UPDATE_ID_SIZE);
    memcpy(out + FW_OTADATA_OFF_PENDING_DIGEST, r->pending_digest, FW_SHA256_SIZE);
    return fw_sha256(out, FW_OTADATA_OFF_DIGEST, out + FW_OTADATA_OFF_DIGEST) == 0 ? 0 : FW_ERR_CRYPTO;
}

int fw_otadata_decode(const uint8_t *buf, size_t len, fw_otadata_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_otadata_init(out);
    if (len != FW_OTADATA_RECORD_SIZE || fw_le32(buf + FW_OTADATA_OFF_MAGIC) != FW_OTADATA_MAGIC) {
        return FW_ERR_OTADATA_MISSING; /* erased, never written, or not a record at all */
    }
    if (fw_le16(buf + FW_OTADATA_OFF_FORMAT) != FW_OTADATA_FORMAT) {
        return FW_ERR_OTADATA_INVALID;
    }
    uint8_t digest[FW_SHA256_SIZE];
    if (fw_sha256(buf, FW_OTADATA_OFF_DIGEST, digest) != 0) {
        return FW_ERR_CRYPTO;
    }
    if (fw_ct_diff(digest, buf + FW_OTADATA_OFF_DIGEST, FW_SHA256_SIZE) != 0) {
        return FW_ERR_OTADATA_INVALID; /* a torn or damaged copy */
    }
    if (!fw_ct_is_zero(buf + FW_OTADATA_OFF_RESERVED_HEAD, 2) ||
        !fw_ct_is_zero(buf + FW_OTADATA_OFF_RESERVED_FLAGS, FW_OTADATA_OFF_UPDATE_ID - FW_OTADATA_OFF_RESERVED_FLAGS) ||
        !fw_ct_is_zero(buf + FW_OTADATA_OFF_RESERVED_TAIL, FW_OTADATA_OFF_DIGEST - FW_OTADATA_OFF_RESERVED_TAIL)) {
        return FW_ERR_OTADATA_INVALID;
    }
    fw_otadata_t r;
    fw_otadata_init(&r);
    r.seq = fw_le32(buf + FW_OTADATA_OFF_SEQ);
    r.active = buf[FW_OTADATA_OFF_ACTIVE];
    r.pending_slot = buf[FW_OTADATA_OFF_PENDING_SLOT];
    r.pending_state = buf[FW_OTADATA_OFF_PENDING_STATE];
    r.attempts = buf[FW_OTADATA_OFF_ATTEMPTS];
    r.flags = buf[FW_OTADATA_OFF_FLAGS];
    memcpy(r.update_id, buf + FW_OTADATA_OFF_UPDATE_ID, FW_OFFER_UPDATE_ID_SIZE);
    memcpy(r.pending_digest, buf + FW_OTADATA_OFF_PENDING_DIGEST, FW_SHA256_SIZE);
    if (r.seq == 0 || !consistent(&r)) {
        return FW_ERR_OTADATA_INVALID;
    }
    *out = r;
    return 0;
}

static int read_copy(const fw_otadata_flash_t *f, int copy, fw_otadata_t *out)
{
    uint8_t raw[FW_OTADATA_RECORD_SIZE];
    if (f->read(f->ctx, f->copy_offset[copy], raw, sizeof(raw)) != 0) {
        fw_otadata_init(out);
        return FW_ERR_FLASH_WRITE;
    }
    return fw_otadata_decode(raw, sizeof(raw), out);
}

int fw_otadata_read(const fw_otadata_flash_t *f, fw_otadata_t *out, int *copy)
{
    if (f == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_otadata_t candidate[FW_OTADATA_COPIES];
    int best = -1;
    for (int i = 0; i < FW_OTADATA_COPIES; i++) {
        if (read_copy(f, i, &candidate[i]) == 0 && (best < 0 || candidate[i].seq > candidate[best].seq)) {
            best = i;
        }
    }
    fw_otadata_init(out);
    if (best < 0) {
        return FW_ERR_OTADATA_MISSING;
    }
    *out = candidate[best];
    if (copy != NULL) {
        *copy = best;
    }
    return 0;
}

int fw_otadata_write(const fw_otadata_flash_t *f, fw_otadata_t *r)
{
    if (f == NULL || r == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_otadata_t current;
    int current_copy = 1; /* none valid: write copy 0 first */
    uint32_t seq = 1;
    if (fw_otadata_read(f, &current, &current_copy) == 0) {
        if (current.seq == UINT32_MAX) {
            return FW_ERR_OTADATA_INVALID;
        }
        seq = current.seq + 1;
    }
    int target = 1 - current_copy;
    fw_otadata_t next = *r;
    next.seq = seq;
    uint8_t raw[FW_OTADATA_RECORD_SIZE];
    int rc = fw_otadata_encode(&next, raw);
    if (rc != 0) {
        return rc;
    }
    uint32_t base = f->copy_offset[target];
    if (f->erase_sector(f->ctx, base) != 0) {
        return FW_ERR_FLASH_WRITE;
    }
    for (size_t i = 0; i < FW_OTADATA_RECORD_SIZE; i += 4) {
        if (f->program_word(f->ctx, base + (uint32_t)i, fw_le32(raw + i)) != 0) {
            return FW_ERR_FLASH_WRITE;
        }
    }
    uint8_t back[FW_OTADATA_RECORD_SIZE];
    if (f->read(f->ctx, base, back, sizeof(back)) != 0 || fw_ct_diff(back, raw, sizeof(raw)) != 0) {
        return FW_ERR_FLASH_WRITE;
    }
    r->seq = seq;
    return 0;
}
