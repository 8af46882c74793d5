/*
 * HTTP/1.1 for the device's small requests: the request head it sends, and response parsing
 * (status line, Content-Length or chunked body). The response bytes come from the server
 * through TLS, still treated as hostile.
 */
#ifndef FW_HTTP_H
#define FW_HTTP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int status;          /* 100..599 */
    const uint8_t *body; /* inside the parsed buffer; chunked bodies are joined in place */
    size_t body_len;
    int close; /* the server announced Connection: close */
} fw_http_response_t;

typedef struct {
    const char *method;
    const char *path;
    const char *host;
    const char *extra_headers; /* complete "Name: value\r\n" lines, or "" */
    const char *content_type;  /* NULL: no Content-Type header */
    const uint8_t *body;       /* NULL: no body and no Content-Length header */
    size_t body_len;
} fw_http_request_t;

/*
 * Writes the request line and headers, ending with the empty line, NUL-terminated; the body
 * is sent after it as it is. FW_ERR_BUFFER_TOO_SMALL when they do not fit in cap.
 */
int fw_http_request_head(const fw_http_request_t *req, char *out, size_t cap, size_t *out_len);

/*
 * Parses buf[0, len). Returns 0 with a complete response, FW_ERR_HTTP_INCOMPLETE when more
 * bytes are needed (at_eof = 0), FW_ERR_HTTP_INVALID otherwise. With at_eof set, a response
 * without length ends at the last byte. May rewrite buf (chunked bodies) once complete.
 */
int fw_http_parse_response(uint8_t *buf, size_t len, int at_eof, fw_http_response_t *out);

#endif /* FW_HTTP_H */
