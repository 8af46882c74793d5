/* libFuzzer target: TLS session record parser (flash contents an attacker may have rewritten). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_session_record_t r;
    if (fw_session_parse(data, size, &r) == 0) {
        static const uint8_t root[] = {0x30, 0x03, 0x02, 0x01, 0x01};
        static const uint8_t cert[] = {0x30, 0x03, 0x02, 0x01, 0x02};
        fw_session_binding_t b = {{root, sizeof(root)}, r.server_name, {cert, sizeof(cert)}};
        (void)fw_session_check(&r, &b, r.stored_at);
        uint8_t out[FW_SESSION_MAX_SIZE];
        size_t n = 0;
        if (fw_session_write(&b, r.stored_at, r.data.ptr, r.data.len, out, sizeof(out), &n) == 0 &&
            memcmp(out + FW_SESSION_OFF_DATA, r.data.ptr, r.data.len) != 0) {
            __builtin_trap();
        }
    }
    return 0;
}
