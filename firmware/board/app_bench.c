/*
 * Benchmark app: booted through the normal chain with a 1 MiB payload, it
 * measures in retired instructions what the bootloader just did: SHA-256 over
 * its own loaded image and one ECDSA P-256 verification of its own manifest.
 */
#include "board.h"
#include "fw/crypto.h"
#include "fw/image.h"

int fw_main(const fw_handoff_t *handoff)
{
    uint32_t at_entry = fw_board_instret();
    if (handoff == 0 || handoff->magic != FW_HANDOFF_MAGIC) {
        fw_board_exit(FW_EXIT_TRAP);
    }
    fw_board_heap_init();
    uint8_t digest[FW_SHA256_SIZE];
    uint32_t t0 = fw_board_instret();
    fw_sha256((const uint8_t *)FW_APP_RAM_LO, handoff->image_size, digest);
    uint32_t t1 = fw_board_instret();

    const uint8_t *slot = (const uint8_t *)(FW_FLASH_BASE + handoff->app_offset);
    size_t sig_offset = 0;
    fw_sigblock_t s;
    if (fw_image_sigblock_offset(handoff->image_size, 0x400000u, &sig_offset) != 0 ||
        fw_sigblock_parse(slot + sig_offset, FW_SIGBLOCK_SIZE, &s) != 0) {
        fw_log_line("BENCH: own signature block unreadable");
        fw_board_exit(FW_EXIT_TRAP);
    }
    uint32_t t2 = fw_board_instret();
    fw_sha256(slot, FW_MANIFEST_SIZE, digest);
    int rc = fw_ecdsa_p256_verify(s.pubkey, digest, s.signature);
    uint32_t t3 = fw_board_instret();

    fw_log_begin();
    fw_log_str("BENCH boot_to_app_instructions=");
    fw_log_u32(at_entry);
    fw_log_end();
    fw_log_begin();
    fw_log_str("BENCH sha256_bytes=");
    fw_log_u32(handoff->image_size);
    fw_log_str(" sha256_instructions=");
    fw_log_u32(t1 - t0);
    fw_log_end();
    fw_log_begin();
    fw_log_str("BENCH ecdsa_p256_verify_instructions=");
    fw_log_u32(t3 - t2);
    fw_log_str(rc == 0 ? " valid" : " INVALID");
    fw_log_end();
    fw_log_begin();
    fw_log_str("BOOT OK app v");
    fw_log_u32(handoff->version);
    fw_log_end();
    fw_board_exit(0);
}
