/* libFuzzer target: signature block parser and its location inside an image slot. */
#include <stddef.h>
#include <stdint.h>

#include "fw/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_sigblock_t s;
    if (fw_sigblock_parse(data, size, &s) == 0) {
        uint8_t digest[FW_SHA256_SIZE];
        (void)fw_sigblock_key_digest(&s, digest);
    }
    fw_sigblock_free(&s);
    if (size >= 4) {
        uint32_t image_size =
            (uint32_t)data[0] | ((uint32_t)data[1] << 8) | ((uint32_t)data[2] << 16) | ((uint32_t)data[3] << 24);
        size_t off;
        if (fw_image_sigblock_offset(image_size, size, &off) == 0) {
            (void)fw_sigblock_parse(data + off, size - off, &s);
        }
    }
    return 0;
}
