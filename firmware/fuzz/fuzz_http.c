/*
 * libFuzzer target: HTTP/1.1 response parser (bytes from the network, inside TLS), and the
 * Content-Range parser on the header it finds (or on the raw bytes): an accepted range is exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw/http.h"

static void check_range(const uint8_t *v, size_t n)
{
    fw_http_content_range_t r;
    if (fw_http_content_range_parse(v, n, &r) == 0 && !r.unsatisfied && (r.first > r.last || r.last >= r.complete)) {
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_range(data, size);
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
    if (fw_http_parse_response(buf, size - 1, data[0] & 1, &r) == 0) {
        if (r.body_len > 0) {
            volatile uint8_t last = r.body[r.body_len - 1];
            (void)last;
        }
        if (r.content_range != NULL) {
            check_range(r.content_range, r.content_range_len);
        }
    }
    free(buf);
    return 0;
}
