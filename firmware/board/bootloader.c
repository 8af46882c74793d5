/*
 * Second-stage bootloader (signed, admitted by the ROM): reads the partition
 * table and the boot-state record, chooses the app slot (a pending update on
 * trial, else the confirmed one), verifies the app and its manifest, enforces
 * anti-rollback against the eFuse counter and raises the counter only for a
 * confirmed slot (docs/formats.md 5 and 9.1).
 */
#include <string.h>

#include "board.h"
#include "fw/boot.h"
#include "fw/err.h"
#include "fw/otadata.h"
#include "fw/ptable.h"

/* Kept out of the 16 KiB stack: the table as read from flash, its parsed view, the verdict. */
static fw_handoff_t handoff;
static uint8_t table_raw[FW_PTABLE_MAX_SIZE];
static fw_ptable_t table;
static fw_boot_result_t result;
static fw_otadata_choice_t choice;

/* What verifying one app slot needs: the slots from the table and the policy (keys, counter). */
typedef struct {
    const fw_partition_t *slot[2];
    const fw_boot_policy_t *policy;
    uint32_t counter;
} slots_t;

__attribute__((noreturn)) static void halt(const char *what, int err)
{
    fw_log_begin();
    fw_log_str("BOOT HALTED: ");
    fw_log_str(what);
    fw_log_str(fw_err_str(err));
    fw_log_end();
    fw_board_exit(FW_EXIT_BOOTLOADER_HALT + (uint32_t)(-err));
}

/* fw_otadata_verify_fn: fw_boot_verify on one slot, leaving its payload loaded when it verified. */
static int verify_slot(void *ctx, int n)
{
    const slots_t *s = ctx;
    const fw_partition_t *app = s->slot[n];
    if (app == NULL) {
        return FW_ERR_PTABLE_NO_APP;
    }
    uint32_t t0 = fw_board_instret();
    int rc = fw_boot_verify(s->policy, (const uint8_t *)(FW_FLASH_BASE + app->offset), app->size, &result);
    uint32_t t1 = fw_board_instret();
    if (rc == FW_OK && result.verified != FW_BOOT_VERIFIED) {
        rc = FW_ERR_UNVERIFIED;
    }
    if (rc == FW_ERR_ROLLBACK) {
        fw_log_begin();
        fw_log_str("BL: ");
        fw_log_str(app->label);
        fw_log_str(" security version below eFuse counter ");
        fw_log_u32(s->counter);
        fw_log_end();
    }
    if (rc != FW_OK) {
        return rc;
    }
    fw_log_begin();
    fw_log_str("BL: app v");
    fw_log_u32(result.manifest.version);
    fw_log_str(" verified from ");
    fw_log_str(app->label);
    fw_log_str(", key slot ");
    fw_log_u32((uint32_t)result.key_slot);
    fw_log_str(", ");
    fw_log_u32(result.manifest.image_size);
    fw_log_str(" bytes, ");
    fw_log_u32(t1 - t0);
    fw_log_str(" instructions");
    fw_log_end();
    return FW_OK;
}

static const char *slot_label(const slots_t *s, int n)
{
    return n >= 0 && n <= 1 && s->slot[n] != NULL ? s->slot[n]->label : "app?";
}

/* One line for each thing the boot-state record made the bootloader do. */
static void log_choice(const slots_t *s, const fw_otadata_choice_t *c)
{
    int pending = c->have_record && c->record.pending_slot <= 1 ? c->record.pending_slot : -1;
    if (c->write_rc != FW_OK) {
        fw_log_kv("BL: boot-state record write failed: ", fw_err_str(c->write_rc));
    }
    if (c->trial) {
        fw_log_begin();
        fw_log_str("BL: ");
        fw_log_str(slot_label(s, c->slot));
        fw_log_str(" on trial, attempt ");
        fw_log_u32(c->attempts);
        fw_log_str(" of ");
        fw_log_u32(FW_OTADATA_MAX_ATTEMPTS);
        fw_log_str(": eFuse counter stays ");
        fw_log_u32(s->counter);
        fw_log_end();
        return;
    }
    if (c->record_state == FW_OTA_INVALID || c->record_state == FW_OTA_ABORTED) {
        fw_log_begin();
        fw_log_str("BL: pending ");
        fw_log_str(slot_label(s, pending));
        fw_log_str(c->record_state == FW_OTA_INVALID ? " INVALID (" : " ABORTED (");
        fw_log_str(fw_err_str(c->pending_rc));
        fw_log_str("), booting ");
        fw_log_str(slot_label(s, c->record.active));
        fw_log_end();
    }
    if (c->fallback) {
        fw_log_begin();
        fw_log_str("BL: ");
        fw_log_str(slot_label(s, c->record.active));
        fw_log_str(" refused (");
        fw_log_str(fw_err_str(c->verify_rc));
        fw_log_str("), falling back to ");
        fw_log_str(slot_label(s, c->slot));
        fw_log_str(", confirmed before it");
        fw_log_end();
    }
}

#ifdef FW_TEST_CUT
/*
 * Test-only build: after the Nth erase or word program of the boot-state record (N from the word
 * at FW_TEST_CUT_OFFSET, 0 = never), the device stops dead, as at a power cut between operations.
 */
static uint32_t cut_ops_left;

static void cut_count(void)
{
    if (cut_ops_left != 0 && --cut_ops_left == 0) {
        fw_log_line("BL: TEST CUT: power lost after a record flash operation");
        fw_board_exit(FW_EXIT_TEST_CUT);
    }
}

static int cut_erase(void *ctx, uint32_t offset)
{
    (void)ctx;
    int rc = fw_board_flash_erase_sector(offset);
    cut_count();
    return rc;
}

static int cut_program(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    int rc = fw_board_flash_program_word(offset, value);
    cut_count();
    return rc;
}

static void cut_arm(fw_otadata_flash_t *f)
{
    cut_ops_left = *(const volatile uint32_t *)(FW_FLASH_BASE + FW_TEST_CUT_OFFSET);
    f->erase_sector = cut_erase;
    f->program_word = cut_program;
}
#endif

static int raise_security_version(const fw_efuse_t *cur, uint32_t target)
{
    fw_efuse_t next;
    uint8_t raw[FW_EFUSE_SIZE];
    int rc = fw_efuse_raise_security_version(cur, target, &next);
    if (rc != FW_OK) {
        return rc;
    }
    fw_efuse_write(&next, raw);
    /* Program only the counter words; bits only ever go 0 -> 1. */
    for (uint32_t off = 4; off < 12; off += 4) {
        uint32_t word = (uint32_t)raw[off] | ((uint32_t)raw[off + 1] << 8) | ((uint32_t)raw[off + 2] << 16) |
                        ((uint32_t)raw[off + 3] << 24);
        if (fw_board_flash_program_word(FW_EFUSE_OFFSET + off, word) != 0) {
            return FW_ERR_EFUSE_WRITE;
        }
    }
    fw_efuse_t check;
    rc = fw_efuse_parse((const uint8_t *)(FW_FLASH_BASE + FW_EFUSE_OFFSET), FW_EFUSE_SIZE, &check);
    if (rc != FW_OK || fw_efuse_security_version(&check) < target) {
        return FW_ERR_EFUSE_WRITE;
    }
    return FW_OK;
}

int fw_main(const void *unused)
{
    (void)unused;
    fw_board_heap_init();
    fw_log_line("BL: DeviceTrust bootloader");

    memcpy(table_raw, (const uint8_t *)(FW_FLASH_BASE + FW_PTABLE_OFFSET), sizeof(table_raw));
    const fw_ptable_limits_t limits = {FW_PARTITIONS_START, FW_EFUSE_OFFSET};
    int rc = fw_ptable_parse(table_raw, sizeof(table_raw), &limits, &table);
    if (rc != FW_OK) {
        halt("", rc);
    }
    slots_t slots = {{fw_ptable_find(&table, FW_PART_TYPE_APP, FW_PART_SUBTYPE_OTA_0),
                      fw_ptable_find(&table, FW_PART_TYPE_APP, FW_PART_SUBTYPE_OTA_1)},
                     NULL,
                     0};
    if (slots.slot[0] == NULL) {
        halt("", FW_ERR_PTABLE_NO_APP);
    }

    fw_keyring_t keys;
    fw_efuse_t efuse;
    rc = fw_keyring_parse((const uint8_t *)FW_ROM_KEYBLOCK, FW_KEYBLOCK_SIZE, &keys);
    if (rc != FW_OK) {
        halt("app ", rc);
    }
    rc = fw_efuse_parse((const uint8_t *)(FW_FLASH_BASE + FW_EFUSE_OFFSET), FW_EFUSE_SIZE, &efuse);
    if (rc != FW_OK) {
        halt("app ", rc);
    }
    fw_keyring_set_revoked(&keys, efuse.key_revoke);
    uint32_t counter = fw_efuse_security_version(&efuse);

    fw_boot_policy_t policy = {
        .keys = &keys,
        .expected_type = FW_IMAGE_TYPE_APP,
        .min_security_version = counter,
        .load_lo = FW_APP_RAM_LO,
        .load_hi = FW_APP_RAM_HI,
        .load_mem = (uint8_t *)FW_APP_RAM_LO,
    };
    slots.policy = &policy;
    slots.counter = counter;

    /* A table without an otadata partition (or one too small for it) means no record: ota_0, confirmed. */
    const fw_partition_t *otadata = fw_ptable_find(&table, FW_PART_TYPE_DATA, FW_PART_SUBTYPE_OTADATA);
    if (otadata != NULL && otadata->size < FW_OTADATA_PART_SIZE) {
        otadata = NULL;
    }
    fw_otadata_flash_t record_flash;
    if (otadata != NULL) {
        fw_board_otadata_flash(otadata->offset, &record_flash);
#ifdef FW_TEST_CUT
        cut_arm(&record_flash);
#endif
    }
    rc = fw_otadata_select(otadata != NULL ? &record_flash : NULL, verify_slot, &slots, &choice);
    log_choice(&slots, &choice);
    if (rc != FW_OK || choice.slot < 0 || choice.slot > 1) {
        halt("app ", choice.verify_rc != FW_OK ? choice.verify_rc : FW_ERR_UNVERIFIED);
    }
    if (result.verified != FW_BOOT_VERIFIED) {
        halt("app ", FW_ERR_UNVERIFIED);
    }
    const fw_partition_t *app = slots.slot[choice.slot];

    /* A trial image has not proved itself yet: only a confirmed slot may raise the counter for good. */
    if (!choice.trial && result.manifest.security_version > counter) {
        rc = raise_security_version(&efuse, result.manifest.security_version);
        if (rc != FW_OK) {
            halt("app ", rc);
        }
        fw_log_begin();
        fw_log_str("BL: eFuse security version raised ");
        fw_log_u32(counter);
        fw_log_str(" -> ");
        fw_log_u32(result.manifest.security_version);
        fw_log_end();
        counter = result.manifest.security_version;
    }

    handoff.magic = FW_HANDOFF_MAGIC;
    handoff.version = result.manifest.version;
    handoff.security_version = result.manifest.security_version;
    handoff.efuse_security_version = counter;
    handoff.key_slot = result.key_slot;
    handoff.image_size = result.manifest.image_size;
    handoff.app_offset = app->offset;
    const fw_partition_t *identity = fw_ptable_find(&table, FW_PART_TYPE_DATA, FW_PART_SUBTYPE_IDENTITY);
    handoff.identity_offset = identity != NULL ? identity->offset : 0;
    handoff.identity_size = identity != NULL ? identity->size : 0;
    handoff.otadata_offset = otadata != NULL ? otadata->offset : 0;
    handoff.slot = (uint32_t)choice.slot;
    handoff.trial = (uint32_t)choice.trial;
    const fw_partition_t *other = slots.slot[1 - choice.slot];
    handoff.other_offset = other != NULL ? other->offset : 0;
    handoff.other_size = other != NULL ? other->size : 0;
    memcpy(handoff.build_id, result.manifest.build_id, sizeof(handoff.build_id));
    fw_board_jump(result.manifest.entry_addr, &handoff);
}
