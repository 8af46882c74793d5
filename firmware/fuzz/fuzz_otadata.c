/* libFuzzer target: boot-state record parser (bytes from flash anyone with flash access can write). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw/otadata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_otadata_t r;
    if (fw_otadata_decode(data, size, &r) == 0) {
        /* what a decoded record promises the bootloader, and that it encodes back to the same bytes */
        if (r.active > 1 || (r.pending_state != FW_OTA_NONE && (r.pending_slot > 1 || r.pending_slot == r.active))) {
            __builtin_trap();
        }
        uint8_t again[FW_OTADATA_RECORD_SIZE];
        if (fw_otadata_encode(&r, again) != 0 || memcmp(again, data, FW_OTADATA_RECORD_SIZE) != 0) {
            __builtin_trap();
        }
    }
    fw_otadata_free(&r);
    return 0;
}
