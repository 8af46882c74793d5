/*
 * DeviceTrust firmware: the download progress record (firmware/docs/formats.md 10), the checkpoints
 * that let a download interrupted by a power cut resume where it stopped. It lives in the sector after
 * the two boot-state record copies: a header that ties it to one update and one manifest, then
 * append-only checkpoints, each a word programmed once after erase, so no write ever rewrites data.
 */
#ifndef FW_PROGRESS_H
#define FW_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "fw/crypto.h"
#include "fw/otadata.h"

#define FW_PROGRESS_MAGIC 0x47505444u /* "DTPG" */
#define FW_PROGRESS_FORMAT 1
#define FW_PROGRESS_IN_OTADATA (FW_OTADATA_COPIES * FW_OTADATA_COPY_STRIDE) /* offset inside the otadata partition */
#define FW_PROGRESS_SECTOR_SIZE FW_OTADATA_COPY_STRIDE
#define FW_PROGRESS_HEADER_SIZE 96
#define FW_PROGRESS_CHECKPOINT_SIZE 8
#define FW_PROGRESS_CHECK_XOR 0x5a5a5a5au /* second word = first ^ this: never erased-looking, even for 0 */
#define FW_PROGRESS_MAX_CHECKPOINTS ((FW_PROGRESS_SECTOR_SIZE - FW_PROGRESS_HEADER_SIZE) / FW_PROGRESS_CHECKPOINT_SIZE)

#define FW_PROGRESS_OFF_MAGIC 0
#define FW_PROGRESS_OFF_FORMAT 4
#define FW_PROGRESS_OFF_SLOT 6
#define FW_PROGRESS_OFF_RESERVED 7
#define FW_PROGRESS_OFF_UPDATE_ID 8
#define FW_PROGRESS_OFF_MANIFEST_DIGEST 24
#define FW_PROGRESS_OFF_IMAGE_LENGTH 56
#define FW_PROGRESS_OFF_CHUNK_SIZE 60
#define FW_PROGRESS_OFF_DIGEST 64

_Static_assert(FW_PROGRESS_OFF_UPDATE_ID + FW_OFFER_UPDATE_ID_SIZE == FW_PROGRESS_OFF_MANIFEST_DIGEST, "progress: id");
_Static_assert(FW_PROGRESS_OFF_MANIFEST_DIGEST + FW_SHA256_SIZE == FW_PROGRESS_OFF_IMAGE_LENGTH, "progress: digest");
_Static_assert(FW_PROGRESS_OFF_DIGEST + FW_SHA256_SIZE == FW_PROGRESS_HEADER_SIZE, "progress: 96-byte header");

/* What one download is: the checkpoints count only for exactly this update, manifest and slot. */
typedef struct {
    uint8_t slot; /* the slot being written: 0 or 1 */
    uint8_t update_id[FW_OFFER_UPDATE_ID_SIZE];
    uint8_t manifest_digest[FW_SHA256_SIZE];
    uint32_t image_length; /* bytes the slot receives, the offer's image length */
    uint32_t chunk_size;   /* the offer's chunk size: every checkpoint but the last is a multiple of it */
} fw_progress_header_t;

/* An open record: where it is and where its next checkpoint goes. */
typedef struct {
    const fw_otadata_flash_t *flash; /* erase_sector, program_word and read are used; copy_offset is not */
    uint32_t offset;                 /* the record's sector */
    uint32_t next;                   /* index of the next free checkpoint */
    uint32_t done;                   /* the last checkpoint: bytes [0, done) are written and read back */
    int torn;                        /* the record ends in a torn pair: the next mark rewrites the record */
    fw_progress_header_t header;
} fw_progress_t;

/* The header as stored (digest included); refuses a slot above 1, a zero length or chunk size. */
int fw_progress_header_encode(const fw_progress_header_t *h, uint8_t out[FW_PROGRESS_HEADER_SIZE]);

/*
 * Reads the record in the sector at `offset` (untrusted flash bytes). FW_OK with p->done when the header
 * is intact and equals `want` and at least one checkpoint is there; FW_ERR_PROGRESS_MISSING when the
 * sector holds no header for this download (erased, torn, another update or manifest: start from 0);
 * FW_ERR_PROGRESS_INVALID when checkpoints break the rules (not increasing, beyond the image, off the
 * chunk grid, a damaged pair that is not the torn last one).
 */
int fw_progress_open(fw_progress_t *p, const fw_otadata_flash_t *f, uint32_t offset, const fw_progress_header_t *want);

/* Erases the sector and writes h's header: a new download with no checkpoint yet (p->done = 0). */
int fw_progress_begin(fw_progress_t *p, const fw_otadata_flash_t *f, uint32_t offset, const fw_progress_header_t *h);

/*
 * Appends the checkpoint `done` (greater than the last; on the chunk grid or the image's end). After
 * a record that ended in a torn pair it first rewrites the record (erase, header, the last checkpoint).
 */
int fw_progress_mark(fw_progress_t *p, uint32_t done);

/* Erases the record: the download finished or was abandoned. */
int fw_progress_clear(const fw_otadata_flash_t *f, uint32_t offset);

#endif /* FW_PROGRESS_H */
