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

/* Writes `next` and reports whether it landed; a failed write is remembered in the choice. */
static int record_write(const fw_otadata_flash_t *f, fw_otadata_t *next, fw_otadata_choice_t *out)
{
    int rc = f != NULL ? fw_otadata_write(f, next) : FW_ERR_BAD_ARGUMENT;
    if (rc != FW_OK && out->write_rc == FW_OK) {
        out->write_rc = rc;
    }
    return rc;
}

/* The pending slot gave up: INVALID (did not verify) or ABORTED (trial boots used up). */
static void record_end_of_trial(const fw_otadata_flash_t *f, uint8_t state, fw_otadata_choice_t *out)
{
    fw_otadata_t next = out->record;
    next.pending_state = state;
    if (record_write(f, &next, out) == FW_OK) {
        out->record = next;
        out->record_state = state;
    }
}

int fw_otadata_select(const fw_otadata_flash_t *f, fw_otadata_verify_fn verify, void *ctx, fw_otadata_choice_t *out)
{
    if (verify == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    out->slot = -1;
    out->verify_rc = FW_ERR_UNVERIFIED;
    out->record_state = FW_OTA_NONE;
    fw_otadata_init(&out->record);
    out->have_record = f != NULL && fw_otadata_read(f, &out->record, NULL) == FW_OK;
    if (!out->have_record) {
        fw_otadata_init(&out->record); /* a fresh device: slot 0 is the confirmed one */
    }
    fw_otadata_t *r = &out->record;
    uint8_t state = out->have_record ? r->pending_state : FW_OTA_NONE;
    if (state == FW_OTA_NEW || state == FW_OTA_TRYING) {
        if (state == FW_OTA_TRYING && r->attempts >= FW_OTADATA_MAX_ATTEMPTS) {
            out->attempts = r->attempts;
            out->pending_rc = FW_ERR_OTADATA_ABORTED;
            record_end_of_trial(f, FW_OTA_ABORTED, out);
        } else {
            /* The attempt is counted before the image runs, so a crash or hang of it is counted too. */
            fw_otadata_t next = *r;
            next.pending_state = FW_OTA_TRYING;
            next.attempts = (uint8_t)(state == FW_OTA_NEW ? 1 : r->attempts + 1);
            out->attempts = next.attempts;
            int rc = record_write(f, &next, out);
            if (rc != FW_OK) {
                out->pending_rc = rc; /* not recorded: a trial now could repeat forever */
            } else {
                *r = next;
                out->record_state = FW_OTA_TRYING;
                rc = verify(ctx, r->pending_slot);
                out->verify_rc = rc;
                if (rc == FW_OK) {
                    out->slot = r->pending_slot;
                    out->trial = 1;
                    return FW_OK;
                }
                out->pending_rc = rc;
                record_end_of_trial(f, FW_OTA_INVALID, out);
            }
        }
    }
    int active = r->active;
    int rc = verify(ctx, active);
    out->verify_rc = rc;
    if (rc == FW_OK) {
        out->slot = active;
        return FW_OK;
    }
    /* Nothing pending in a valid record: the other slot was the active one before the last commit. */
    if (out->have_record && r->pending_state == FW_OTA_NONE) {
        int other = 1 - active;
        if (verify(ctx, other) == FW_OK) {
            out->slot = other;
            out->fallback = 1;
            return FW_OK;
        }
    }
    return rc; /* out->verify_rc: the active slot's reason */
}

static int end_trial(const fw_otadata_flash_t *f, uint8_t slot, int confirm)
{
    if (f == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    fw_otadata_t r;
    int rc = fw_otadata_read(f, &r, NULL);
    if (rc != FW_OK) {
        return rc;
    }
    if (r.pending_state != FW_OTA_TRYING || r.pending_slot != slot) {
        return FW_ERR_OTADATA_INVALID; /* not this slot's trial boot: nothing to confirm or reject */
    }
    if (confirm) {
        r.active = slot;
        r.pending_slot = FW_OTADATA_NO_SLOT;
        r.pending_state = FW_OTA_NONE;
        r.attempts = 0;
        r.flags |= FW_OTADATA_FLAG_REPORT_OWED;
    } else {
        r.pending_state = FW_OTA_INVALID;
    }
    return fw_otadata_write(f, &r);
}

int fw_otadata_confirm(const fw_otadata_flash_t *f, uint8_t slot)
{
    return end_trial(f, slot, 1);
}

int fw_otadata_reject(const fw_otadata_flash_t *f, uint8_t slot)
{
    return end_trial(f, slot, 0);
}
