/*
 * DeviceTrust firmware: the boot-state record ("otadata", see firmware/docs/formats.md 9): which app
 * slot is confirmed, which one is on trial, and what the app still owes the backend. Two copies in two
 * flash sectors; a write replaces the older copy only, so a power cut during any flash operation
 * leaves the other copy valid.
 */
#ifndef FW_OTADATA_H
#define FW_OTADATA_H

#include <stddef.h>
#include <stdint.h>

#include "fw/crypto.h"
#include "fw/offer.h"

#define FW_OTADATA_MAGIC 0x534f5444u /* "DTOS" */
#define FW_OTADATA_FORMAT 1
#define FW_OTADATA_RECORD_SIZE 128
#define FW_OTADATA_COPIES 2
#define FW_OTADATA_OFFSET 0x900000u     /* copy 0; copy 1 one sector later, the download progress after it */
#define FW_OTADATA_COPY_STRIDE 0x40000u /* one 256 KiB sector per copy */
#define FW_OTADATA_PART_SIZE 0xc0000u   /* two copies and the progress sector */
#define FW_PART_SUBTYPE_OTADATA 0x00    /* data partition subtype, as ESP-IDF's "ota" */
#define FW_OTADATA_NO_SLOT 0xff
#define FW_OTADATA_FLAG_REPORT_OWED 0x01u
#define FW_OTADATA_MAX_ATTEMPTS 1 /* trial boots of a pending slot before it is ABORTED */

#define FW_OTADATA_OFF_MAGIC 0
#define FW_OTADATA_OFF_FORMAT 4
#define FW_OTADATA_OFF_RESERVED_HEAD 6
#define FW_OTADATA_OFF_SEQ 8
#define FW_OTADATA_OFF_ACTIVE 12
#define FW_OTADATA_OFF_PENDING_SLOT 13
#define FW_OTADATA_OFF_PENDING_STATE 14
#define FW_OTADATA_OFF_ATTEMPTS 15
#define FW_OTADATA_OFF_FLAGS 16
#define FW_OTADATA_OFF_RESERVED_FLAGS 17
#define FW_OTADATA_OFF_UPDATE_ID 20
#define FW_OTADATA_OFF_PENDING_DIGEST 36
#define FW_OTADATA_OFF_RESERVED_TAIL 68
#define FW_OTADATA_OFF_DIGEST 96

_Static_assert(FW_OTADATA_OFF_UPDATE_ID + FW_OFFER_UPDATE_ID_SIZE == FW_OTADATA_OFF_PENDING_DIGEST, "otadata: id");
_Static_assert(FW_OTADATA_OFF_PENDING_DIGEST + FW_SHA256_SIZE == FW_OTADATA_OFF_RESERVED_TAIL, "otadata: digest");
_Static_assert(FW_OTADATA_OFF_DIGEST + FW_SHA256_SIZE == FW_OTADATA_RECORD_SIZE, "otadata: 128 bytes");
_Static_assert(FW_OTADATA_RECORD_SIZE % 4 == 0, "otadata: programmed in 32-bit words");

/* What happens to the pending slot (docs/formats.md 9, the bootloader's table in 9.2). */
typedef enum {
    FW_OTA_NONE = 0,    /* nothing pending */
    FW_OTA_NEW = 1,     /* installed, never booted */
    FW_OTA_TRYING = 2,  /* booted on trial, not confirmed yet */
    FW_OTA_INVALID = 3, /* did not verify */
    FW_OTA_ABORTED = 4, /* trial boots used up without a confirmation */
} fw_ota_state_t;

typedef struct {
    uint32_t seq;
    uint8_t active;        /* confirmed slot: 0 = ota_0, 1 = ota_1 */
    uint8_t pending_slot;  /* FW_OTADATA_NO_SLOT when pending_state is FW_OTA_NONE */
    uint8_t pending_state; /* fw_ota_state_t */
    uint8_t attempts;      /* trial boots of the pending slot so far */
    uint8_t flags;         /* FW_OTADATA_FLAG_* */
    uint8_t update_id[FW_OFFER_UPDATE_ID_SIZE];
    uint8_t pending_digest[FW_SHA256_SIZE]; /* SHA-256 of the pending slot's manifest */
} fw_otadata_t;

/*
 * The flash the record lives in, as the board offers it: erase one sector, program one 32-bit word,
 * read bytes. Host tests plug in a simulated flash that can be cut after any operation.
 */
typedef struct {
    int (*erase_sector)(void *ctx, uint32_t offset);
    int (*program_word)(void *ctx, uint32_t offset, uint32_t value);
    int (*read)(void *ctx, uint32_t offset, uint8_t *buf, size_t len);
    void *ctx;
    uint32_t copy_offset[FW_OTADATA_COPIES];
} fw_otadata_flash_t;

void fw_otadata_init(fw_otadata_t *r);
void fw_otadata_free(fw_otadata_t *r);

/* The record as stored (digest included); refuses a record that breaks its own rules. */
int fw_otadata_encode(const fw_otadata_t *r, uint8_t out[FW_OTADATA_RECORD_SIZE]);

/*
 * Parses exactly FW_OTADATA_RECORD_SIZE untrusted bytes: magic, format, digest (constant time),
 * reserved bytes zero, slots and state in range and consistent.
 */
int fw_otadata_decode(const uint8_t *buf, size_t len, fw_otadata_t *out);

/*
 * The valid copy with the highest sequence number, and which copy it was (may be NULL).
 * FW_ERR_OTADATA_MISSING when neither copy is valid (a fresh device: boot ota_0 as confirmed).
 */
int fw_otadata_read(const fw_otadata_flash_t *f, fw_otadata_t *out, int *copy);

/*
 * Stores r as the next record: seq = the current highest + 1, written over the other copy (erase,
 * program, read back), so the current record survives a cut at any point. r->seq is set on success.
 */
int fw_otadata_write(const fw_otadata_flash_t *f, fw_otadata_t *r);

/* Verifies the image in app slot 0 or 1 (on the board: fw_boot_verify, leaving it loaded); 0 = bootable. */
typedef int (*fw_otadata_verify_fn)(void *ctx, int slot);

/* What fw_otadata_select decided, and what the bootloader logs about it. */
typedef struct {
    int slot;             /* the slot to boot (its image verified and is loaded); -1: none, halt with verify_rc */
    int trial;            /* 1: the pending slot on a trial boot (the eFuse counter must not be raised) */
    int fallback;         /* 1: the active slot failed; the slot that was confirmed before it boots */
    int verify_rc;        /* the last verification's result */
    int pending_rc;       /* why the pending slot was not booted (FW_OK when it was, or nothing was pending) */
    uint8_t record_state; /* the pending state this boot wrote (FW_OTA_TRYING, _INVALID, _ABORTED) or NONE */
    uint8_t attempts;     /* the pending slot's trial boots, this one included */
    int write_rc;         /* a failed record write (FW_OK when every write landed) */
    int have_record;      /* a valid record was found (0: a fresh device, slot 0 confirmed) */
    fw_otadata_t record;  /* the record as it stands after this boot's writes */
} fw_otadata_choice_t;

/*
 * The bootloader's decision (docs/formats.md 9.1), in order: no record -> slot 0, confirmed;
 * pending NEW -> write TRYING (attempt 1), verify, trial boot or write INVALID; pending TRYING ->
 * another attempt while FW_OTADATA_MAX_ATTEMPTS allows, else write ABORTED; then the active slot,
 * and if it fails the other slot only when that was confirmed before it (a record with nothing
 * pending: the last commit moved `active` away from it). f may be NULL (no otadata partition).
 * A record write that fails never leads to a trial boot (the next boot would find NEW again).
 */
int fw_otadata_select(const fw_otadata_flash_t *f, fw_otadata_verify_fn verify, void *ctx, fw_otadata_choice_t *out);

/*
 * Called by the app on a trial boot of `slot` once its self-test passed: the slot becomes the
 * active (confirmed) one, nothing pending, a report owed; update id and manifest digest stay for
 * that report. FW_ERR_OTADATA_INVALID unless the record says `slot` is TRYING.
 */
int fw_otadata_confirm(const fw_otadata_flash_t *f, uint8_t slot);

/* The trial slot failed its self-test: INVALID, so the next boot returns to the active slot. */
int fw_otadata_reject(const fw_otadata_flash_t *f, uint8_t slot);

#endif /* FW_OTADATA_H */
