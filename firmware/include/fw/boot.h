/*
 * DeviceTrust firmware: the boot decision. Used by the ROM stage to admit
 * the bootloader and by the bootloader to admit the app.
 */
#ifndef FW_BOOT_H
#define FW_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "fw/image.h"
#include "fw/keys.h"

typedef struct {
    const fw_keyring_t *keys;
    uint8_t expected_type;
    uint32_t min_security_version;
    /* Device addresses the payload may be loaded to: [load_lo, load_hi). */
    uint32_t load_lo;
    uint32_t load_hi;
    /*
     * Where device address load_lo is mapped for this process: (uint8_t *)load_lo
     * on the board, a buffer in host tests.
     */
    uint8_t *load_mem;
} fw_boot_policy_t;

#define FW_BOOT_VERIFIED 0x5afe600du

typedef struct {
    fw_manifest_t manifest;
    int key_slot;
    /* FW_BOOT_VERIFIED only after every check passed; anything else means do not jump. */
    uint32_t verified;
} fw_boot_result_t;

void fw_boot_result_init(fw_boot_result_t *r);
void fw_boot_result_free(fw_boot_result_t *r);

/*
 * The checks of fw_boot_verify that need only the manifest and the signature block: both parse, the
 * key matches a trusted, unrevoked slot, the signature verifies over the manifest, then image type,
 * anti-rollback and load window. The update client runs them on an offer before it fetches a payload
 * byte. policy->load_mem is not used. On success *m holds the authentic manifest.
 */
int fw_boot_check_signed(const fw_boot_policy_t *policy, const uint8_t manifest_raw[FW_MANIFEST_SIZE],
                         const uint8_t sigblock_raw[FW_SIGBLOCK_SIZE], fw_manifest_t *m, int *key_slot);

/*
 * Verifies the signed image in slot[0..slot_len) and, only on success, leaves
 * its payload at manifest.load_addr (copied first, then hashed, so what is
 * hashed is what runs). On any failure the payload window is wiped and a
 * negative fw_err_t is returned.
 */
int fw_boot_verify(const fw_boot_policy_t *policy, const uint8_t *slot, size_t slot_len, fw_boot_result_t *out);

#endif /* FW_BOOT_H */
