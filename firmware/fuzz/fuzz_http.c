/* libFuzzer target: HTTP/1.1 response parser (bytes from the network, inside TLS). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    /* First byte picks at_eof; a private copy because chunked bodies are joined in place. */
    uint8_t *buf = malloc(size - 1 + 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data + 1, size - 1);
    fw_http_response_t r;
    if (fw_http_parse_response(buf, size - 1, data[0] & 1, &r) == 0 && r.body_len > 0) {
        volatile uint8_t last = r.body[r.body_len - 1];
        (void)last;
    }
    free(buf);
    return 0;
}
