/* libFuzzer target: identity partition parser (flash contents an attacker may have rewritten). */
#include <stddef.h>
#include <stdint.h>

#include "fw/identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_identity_t id;
    if (fw_identity_parse(data, size, &id) == 0) {
        uint8_t out[FW_IDENTITY_MAX_SIZE];
        size_t n;
        (void)fw_identity_clock(&id);
        (void)fw_identity_write(&id, out, sizeof(out), &n);
    }
    return 0;
}
