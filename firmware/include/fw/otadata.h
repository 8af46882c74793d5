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

#endif /* FW_OTADATA_H */
