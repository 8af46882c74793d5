/*
 * Minimal DeviceTrust app: proves it was reached by printing its identity and
 * the version the bootloader verified. The TLS client comes with enrollment.
 */
#include "board.h"

#ifndef FW_APP_NAME
#define FW_APP_NAME "DeviceTrust app"
#endif

int fw_main(const fw_handoff_t *handoff)
{
    uint32_t at_entry = fw_board_instret();
    if (handoff == 0 || handoff->magic != FW_HANDOFF_MAGIC) {
        fw_log_line("APP: started without a verified hand-off");
        fw_board_exit(FW_EXIT_TRAP);
    }
    char build[33];
    for (int i = 0; i < 32; i++) {
        build[i] = (char)handoff->build_id[i];
    }
    build[32] = '\0';
    fw_log_begin();
    fw_log_str("APP: " FW_APP_NAME " v");
    fw_log_u32(handoff->version);
    fw_log_str(" build ");
    fw_log_str(build);
    fw_log_str(", security version ");
    fw_log_u32(handoff->security_version);
    fw_log_str(", key slot ");
    fw_log_u32((uint32_t)handoff->key_slot);
    fw_log_str(", slot ");
    fw_log_u32(handoff->slot);
    fw_log_str(handoff->trial ? ", trial boot (no self-test here: never confirmed)" : ", confirmed");
    fw_log_end();
    fw_log_begin();
    fw_log_str("APP: identity partition at ");
    fw_log_hex32(handoff->identity_offset);
    fw_log_str(" (");
    fw_log_u32(handoff->identity_size);
    fw_log_str(" bytes): device key not provisioned yet");
    fw_log_end();
    fw_log_begin();
    fw_log_str("APP: reached after ");
    fw_log_u32(at_entry);
    fw_log_str(" instructions");
    fw_log_end();
    fw_log_begin();
    fw_log_str("BOOT OK app v");
    fw_log_u32(handoff->version);
    fw_log_str(handoff->trial ? " on trial" : "");
    fw_log_end();
    fw_board_exit(0);
}
