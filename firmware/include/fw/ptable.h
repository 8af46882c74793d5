/* DeviceTrust firmware: partition table (see firmware/docs/formats.md). */
#ifndef FW_PTABLE_H
#define FW_PTABLE_H

#include <stddef.h>
#include <stdint.h>

#define FW_PTABLE_MAGIC 0x54505444u /* "DTPT" */
#define FW_PTABLE_FORMAT 1
#define FW_PTABLE_HEADER_SIZE 16
#define FW_PTABLE_ENTRY_SIZE 32
#define FW_PTABLE_MAX_ENTRIES 16
#define FW_PTABLE_MAX_SIZE (FW_PTABLE_HEADER_SIZE + FW_PTABLE_MAX_ENTRIES * FW_PTABLE_ENTRY_SIZE + 32)
#define FW_PTABLE_LABEL_SIZE 16
#define FW_PTABLE_ALIGN 0x1000u

/* Header and entry field offsets (docs/formats.md 2); mirrored in qemu/formats.py. */
#define FW_PTABLE_OFF_MAGIC 0
#define FW_PTABLE_OFF_FORMAT 4
#define FW_PTABLE_OFF_COUNT 6
#define FW_PTABLE_OFF_RESERVED 8
#define FW_PTABLE_ENTRY_OFF_TYPE 0
#define FW_PTABLE_ENTRY_OFF_SUBTYPE 1
#define FW_PTABLE_ENTRY_OFF_FLAGS 2
#define FW_PTABLE_ENTRY_OFF_OFFSET 4
#define FW_PTABLE_ENTRY_OFF_SIZE 8
#define FW_PTABLE_ENTRY_OFF_LABEL 12
#define FW_PTABLE_ENTRY_OFF_RESERVED 28
#define FW_PTABLE_DIGEST_SIZE 32

_Static_assert(FW_PTABLE_OFF_RESERVED + 8 == FW_PTABLE_HEADER_SIZE, "ptable: 16-byte header");
_Static_assert(FW_PTABLE_ENTRY_OFF_LABEL + FW_PTABLE_LABEL_SIZE == FW_PTABLE_ENTRY_OFF_RESERVED, "ptable: label");
_Static_assert(FW_PTABLE_ENTRY_OFF_RESERVED + 4 == FW_PTABLE_ENTRY_SIZE, "ptable: 32-byte entries");
_Static_assert(FW_PTABLE_MAX_SIZE ==
                   FW_PTABLE_HEADER_SIZE + FW_PTABLE_MAX_ENTRIES * FW_PTABLE_ENTRY_SIZE + FW_PTABLE_DIGEST_SIZE,
               "ptable: 560 bytes at most");

#define FW_PART_TYPE_APP 0x00
#define FW_PART_TYPE_DATA 0x01
#define FW_PART_SUBTYPE_OTA_0 0x10
#define FW_PART_SUBTYPE_OTA_1 0x11
#define FW_PART_SUBTYPE_IDENTITY 0x40

typedef struct {
    uint8_t type;
    uint8_t subtype;
    uint32_t offset;
    uint32_t size;
    char label[FW_PTABLE_LABEL_SIZE + 1];
} fw_partition_t;

typedef struct {
    uint32_t count;
    fw_partition_t entries[FW_PTABLE_MAX_ENTRIES];
} fw_ptable_t;

/*
 * Bounds the partitions may occupy: [usable_start, usable_end) of a flash of
 * flash_size bytes. Everything outside (bootloader, the table itself, the
 * eFuse block) is never handed to a partition.
 */
typedef struct {
    uint32_t usable_start;
    uint32_t usable_end;
} fw_ptable_limits_t;

void fw_ptable_init(fw_ptable_t *t);
void fw_ptable_free(fw_ptable_t *t);
int fw_ptable_parse(const uint8_t *buf, size_t len, const fw_ptable_limits_t *limits, fw_ptable_t *out);
/* First partition of the given type/subtype, or NULL. */
const fw_partition_t *fw_ptable_find(const fw_ptable_t *t, uint8_t type, uint8_t subtype);

#endif /* FW_PTABLE_H */
