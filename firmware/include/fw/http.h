/*
 * HTTP/1.1 response parsing for the device's small requests: status line, Content-Length or
 * chunked body. The bytes come from the server through TLS, still treated as hostile.
 */
#ifndef FW_HTTP_H
#define FW_HTTP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int status;          /* 100..599 */
    const uint8_t *body; /* inside the parsed buffer; chunked bodies are joined in place */
    size_t body_len;
    int close;           /* the server announced Connection: close */
} fw_http_response_t;

/*
 * Parses buf[0, len). Returns 0 with a complete response, FW_ERR_HTTP_INCOMPLETE when more
 * bytes are needed (at_eof = 0), FW_ERR_HTTP_INVALID otherwise. With at_eof set, a response
 * without length ends at the last byte. May rewrite buf (chunked bodies) once complete.
 */
int fw_http_parse_response(uint8_t *buf, size_t len, int at_eof, fw_http_response_t *out);

#endif /* FW_HTTP_H */
