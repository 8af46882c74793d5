/* libFuzzer target: EST certs-only PKCS#7 parser (bytes from the network). */
#include <stddef.h>
#include <stdint.h>

#include "fw/pkcs7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_bytes_t certs[4];
    size_t count = 0;
    if (fw_pkcs7_certs(data, size, certs, 4, &count) == 0) {
        for (size_t i = 0; i < count; i++) {
            volatile uint8_t first = certs[i].ptr[0], last = certs[i].ptr[certs[i].len - 1];
            (void)first;
            (void)last;
        }
    }
    return 0;
}
