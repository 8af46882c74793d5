/* libFuzzer target: partition table parser. */
#include <stddef.h>
#include <stdint.h>

#include "fw/ptable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fw_ptable_limits_t limits = {0x80000u, 0x1fc0000u};
    fw_ptable_t t;
    if (fw_ptable_parse(data, size, &limits, &t) == 0) {
        (void)fw_ptable_find(&t, FW_PART_TYPE_APP, FW_PART_SUBTYPE_OTA_0);
    }
    fw_ptable_free(&t);
    return 0;
}
