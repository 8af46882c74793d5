/* Download progress record (docs/formats.md 10): untrusted flash bytes, checked before use. */
#include "fw/progress.h"

#include <string.h>

#include "fw/ct.h"
#include "fw/err.h"
#include "le_priv.h"

#define ERASED 0xffffffffu

int fw_progress_header_encode(const fw_progress_header_t *h, uint8_t out[FW_PROGRESS_HEADER_SIZE])
{
    if (h == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    if (h->slot > 1 || h->image_length == 0 || h->chunk_size == 0) {
        return FW_ERR_PROGRESS_INVALID;
    }
    memset(out, 0, FW_PROGRESS_HEADER_SIZE);
    fw_put_le32(out + FW_PROGRESS_OFF_MAGIC, FW_PROGRESS_MAGIC);
    fw_put_le16(out + FW_PROGRESS_OFF_FORMAT, FW_PROGRESS_FORMAT);
    out[FW_PROGRESS_OFF_SLOT] = h->slot;
    memcpy(out + FW_PROGRESS_OFF_UPDATE_ID, h->update_id, FW_OFFER_UPDATE_ID_SIZE);
    memcpy(out + FW_PROGRESS_OFF_MANIFEST_DIGEST, h->manifest_digest, FW_SHA256_SIZE);
    fw_put_le32(out + FW_PROGRESS_OFF_IMAGE_LENGTH, h->image_length);
    fw_put_le32(out + FW_PROGRESS_OFF_CHUNK_SIZE, h->chunk_size);
    return fw_sha256(out, FW_PROGRESS_OFF_DIGEST, out + FW_PROGRESS_OFF_DIGEST) == 0 ? FW_OK : FW_ERR_CRYPTO;
}

/* A checkpoint the record may hold after `last` (UINT32_MAX before the first). */
static int checkpoint_fits(const fw_progress_header_t *h, uint32_t last, uint32_t done)
{
    /* the first is 0 on a new download (the slot is erased), or where a rewritten record resumes */
    return (last == UINT32_MAX || done > last) && done <= h->image_length &&
           (done % h->chunk_size == 0 || done == h->image_length);
}

static int read_word(const fw_otadata_flash_t *f, uint32_t at, uint32_t *out)
{
    uint8_t b[4];
    if (f->read(f->ctx, at, b, sizeof(b)) != 0) {
        return FW_ERR_FLASH_WRITE;
    }
    *out = fw_le32(b);
    return FW_OK;
}

int fw_progress_open(fw_progress_t *p, const fw_otadata_flash_t *f, uint32_t offset, const fw_progress_header_t *want)
{
    if (p == NULL || f == NULL || want == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(p, 0, sizeof(*p));
    p->flash = f;
    p->offset = offset;
    p->header = *want;
    uint8_t expected[FW_PROGRESS_HEADER_SIZE], stored[FW_PROGRESS_HEADER_SIZE];
    int rc = fw_progress_header_encode(want, expected);
    if (rc != FW_OK) {
        return rc;
    }
    if (f->read(f->ctx, offset, stored, sizeof(stored)) != 0) {
        return FW_ERR_FLASH_WRITE;
    }
    /* Byte-equal to what this download would write: magic, fields and digest in one comparison. */
    if (fw_ct_diff(expected, stored, sizeof(stored)) != 0) {
        return FW_ERR_PROGRESS_MISSING;
    }
    uint32_t last = UINT32_MAX;
    uint32_t n = 0;
    while (n < FW_PROGRESS_MAX_CHECKPOINTS) {
        uint32_t at = offset + FW_PROGRESS_HEADER_SIZE + n * FW_PROGRESS_CHECKPOINT_SIZE;
        uint32_t value, check;
        if (read_word(f, at, &value) != FW_OK || read_word(f, at + 4, &check) != FW_OK) {
            return FW_ERR_FLASH_WRITE;
        }
        if (value == ERASED && check == ERASED) {
            break;
        }
        if (check != (value ^ FW_PROGRESS_CHECK_XOR) || !checkpoint_fits(want, last, value)) {
            /*
             * Torn only if it is the last write (a cut while programming either word): the rest is
             * erased (checked below). It claims nothing; the whole slot is verified at the end anyway.
             */
            p->torn = 1; /* its words cannot be programmed again: the next mark rewrites the record */
            n++;
            break;
        }
        last = value;
        n++;
    }
    /* Nothing is ever programmed after the end: anything there is damage, not a cut. */
    uint32_t from = offset + FW_PROGRESS_HEADER_SIZE + n * FW_PROGRESS_CHECKPOINT_SIZE;
    uint32_t end = offset + FW_PROGRESS_HEADER_SIZE + FW_PROGRESS_MAX_CHECKPOINTS * FW_PROGRESS_CHECKPOINT_SIZE;
    uint8_t block[256];
    while (from < end) {
        uint32_t len = end - from < sizeof(block) ? end - from : (uint32_t)sizeof(block);
        if (f->read(f->ctx, from, block, len) != 0) {
            return FW_ERR_FLASH_WRITE;
        }
        for (uint32_t i = 0; i < len; i++) {
            if (block[i] != 0xff) {
                return FW_ERR_PROGRESS_INVALID;
            }
        }
        from += len;
    }
    if (p->torn) {
        n--; /* p->next is not used once torn: the record is rewritten */
    }
    p->next = n;
    if (last == UINT32_MAX) {
        return FW_ERR_PROGRESS_MISSING; /* a header without a checkpoint: the slot erase may not have finished */
    }
    p->done = last;
    return FW_OK;
}

int fw_progress_begin(fw_progress_t *p, const fw_otadata_flash_t *f, uint32_t offset, const fw_progress_header_t *h)
{
    if (p == NULL || f == NULL || h == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(p, 0, sizeof(*p));
    uint8_t raw[FW_PROGRESS_HEADER_SIZE];
    int rc = fw_progress_header_encode(h, raw);
    if (rc != FW_OK) {
        return rc;
    }
    if (f->erase_sector(f->ctx, offset) != 0) {
        return FW_ERR_FLASH_WRITE;
    }
    for (size_t i = 0; i < sizeof(raw); i += 4) {
        if (f->program_word(f->ctx, offset + (uint32_t)i, fw_le32(raw + i)) != 0) {
            return FW_ERR_FLASH_WRITE;
        }
    }
    p->flash = f;
    p->offset = offset;
    p->header = *h;
    p->next = 0;
    p->done = 0;
    return FW_OK;
}

int fw_progress_mark(fw_progress_t *p, uint32_t done)
{
    if (p == NULL || p->flash == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    if (p->torn) {
        /* A torn pair ends the record: start a fresh one that begins where the old one ended. */
        uint32_t resumed = p->done;
        fw_progress_header_t h = p->header;
        int rc = fw_progress_begin(p, p->flash, p->offset, &h);
        if (rc == FW_OK) {
            rc = fw_progress_mark(p, resumed);
        }
        if (rc != FW_OK) {
            return rc;
        }
    }
    uint32_t last = p->next == 0 ? UINT32_MAX : p->done;
    if (!checkpoint_fits(&p->header, last, done) || p->next >= FW_PROGRESS_MAX_CHECKPOINTS) {
        return FW_ERR_PROGRESS_INVALID;
    }
    uint32_t at = p->offset + FW_PROGRESS_HEADER_SIZE + p->next * FW_PROGRESS_CHECKPOINT_SIZE;
    p->next++; /* used even if the write fails: never programmed twice */
    if (p->flash->program_word(p->flash->ctx, at, done) != 0 ||
        p->flash->program_word(p->flash->ctx, at + 4, done ^ FW_PROGRESS_CHECK_XOR) != 0) {
        return FW_ERR_FLASH_WRITE;
    }
    p->done = done;
    return FW_OK;
}

int fw_progress_clear(const fw_otadata_flash_t *f, uint32_t offset)
{
    if (f == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    return f->erase_sector(f->ctx, offset) == 0 ? FW_OK : FW_ERR_FLASH_WRITE;
}
