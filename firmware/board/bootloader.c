/*
 * Second-stage bootloader (signed, admitted by the ROM): reads the partition
 * table, verifies the app and its manifest, enforces anti-rollback against the
 * eFuse counter and raises the counter once a newer security version verified.
 */
#include <string.h>

#include "board.h"
#include "fw/boot.h"
#include "fw/err.h"
#include "fw/ptable.h"

/* Kept out of the 16 KiB stack: the table as read from flash, its parsed view, the verdict. */
static fw_handoff_t handoff;
static uint8_t table_raw[FW_PTABLE_MAX_SIZE];
static fw_ptable_t table;
static fw_boot_result_t result;

__attribute__((noreturn)) static void halt(const char *what, int err)
{
    fw_log_begin();
    fw_log_str("BOOT HALTED: ");
    fw_log_str(what);
    fw_log_str(fw_err_str(err));
    fw_log_end();
    fw_board_exit(FW_EXIT_BOOTLOADER_HALT + (uint32_t)(-err));
}

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
    const fw_partition_t *app = fw_ptable_find(&table, FW_PART_TYPE_APP, FW_PART_SUBTYPE_OTA_0);
    if (app == NULL) {
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
    uint32_t t0 = fw_board_instret();
    rc = fw_boot_verify(&policy, (const uint8_t *)(FW_FLASH_BASE + app->offset), app->size, &result);
    uint32_t t1 = fw_board_instret();
    if (rc == FW_ERR_ROLLBACK) {
        fw_log_begin();
        fw_log_str("BL: app security version below eFuse counter ");
        fw_log_u32(counter);
        fw_log_end();
    }
    if (rc != FW_OK) {
        halt("app ", rc);
    }
    if (result.verified != FW_BOOT_VERIFIED) {
        halt("app ", FW_ERR_UNVERIFIED);
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

    if (result.manifest.security_version > counter) {
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
    memcpy(handoff.build_id, result.manifest.build_id, sizeof(handoff.build_id));
    fw_board_jump(result.manifest.entry_addr, &handoff);
}
