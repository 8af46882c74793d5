/*
 * ROM stage (mask ROM in pflash0): trusts only the key digests burned next to
 * it and the eFuse revocation bits; admits the bootloader in pflash1 or halts.
 */
#include "board.h"
#include "fw/boot.h"
#include "fw/err.h"

__attribute__((noreturn)) static void halt(int err)
{
    fw_log_begin();
    fw_log_str("BOOT HALTED: bootloader ");
    fw_log_str(fw_err_str(err));
    fw_log_end();
    fw_board_exit(FW_EXIT_ROM_HALT + (uint32_t)(-err));
}

int fw_main(const void *unused)
{
    (void)unused;
    fw_board_heap_init();
    fw_log_line("ROM: DeviceTrust ROM stage");

    fw_keyring_t keys;
    fw_efuse_t efuse;
    int rc = fw_keyring_parse((const uint8_t *)FW_ROM_KEYBLOCK, FW_KEYBLOCK_SIZE, &keys);
    if (rc != FW_OK) {
        halt(rc);
    }
    rc = fw_efuse_parse((const uint8_t *)(FW_FLASH_BASE + FW_EFUSE_OFFSET), FW_EFUSE_SIZE, &efuse);
    if (rc != FW_OK) {
        halt(rc);
    }
    fw_keyring_set_revoked(&keys, efuse.key_revoke);

    fw_boot_policy_t policy = {
        .keys = &keys,
        .expected_type = FW_IMAGE_TYPE_BOOTLOADER,
        .min_security_version = 0,
        .load_lo = FW_BOOTLOADER_RAM_LO,
        .load_hi = FW_BOOTLOADER_RAM_HI,
        .load_mem = (uint8_t *)FW_BOOTLOADER_RAM_LO,
    };
    fw_boot_result_t result;
    uint32_t t0 = fw_board_instret();
    rc = fw_boot_verify(&policy, (const uint8_t *)(FW_FLASH_BASE + FW_BOOTLOADER_OFFSET), FW_BOOTLOADER_SLOT_SIZE,
                        &result);
    uint32_t t1 = fw_board_instret();
    if (rc != FW_OK) {
        halt(rc);
    }
    if (result.verified != FW_BOOT_VERIFIED) {
        halt(FW_ERR_UNVERIFIED);
    }
    fw_log_begin();
    fw_log_str("ROM: bootloader v");
    fw_log_u32(result.manifest.version);
    fw_log_str(" verified, key slot ");
    fw_log_u32((uint32_t)result.key_slot);
    fw_log_str(", ");
    fw_log_u32(result.manifest.image_size);
    fw_log_str(" bytes, ");
    fw_log_u32(t1 - t0);
    fw_log_str(" instructions");
    fw_log_end();
    fw_board_jump(result.manifest.entry_addr, NULL);
}
