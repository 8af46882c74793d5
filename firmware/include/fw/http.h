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
    int close;                    /* the server announced Connection: close */
    const uint8_t *content_range; /* the Content-Range value inside buf, trimmed; NULL when absent */
    size_t content_range_len;
} fw_http_response_t;

/*
 * A Content-Range value (RFC 9110 14.4) as the device accepts it in a 206 or 416: exactly
 * "bytes first-last/complete" with first <= last < complete, or the unsatisfied form: an asterisk
 * in place of first-last (a 416's answer); the complete length must be known (an asterisk after
 * the slash is refused), numbers 1..9 digits, nothing else (no spaces, no second range).
 */
typedef struct {
    uint32_t first;
    uint32_t last;
    uint32_t complete;
    int unsatisfied;
} fw_http_content_range_t;

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

/* Parses value[0, len) (a response's content_range); FW_ERR_HTTP_INVALID for anything else. */
int fw_http_content_range_parse(const uint8_t *value, size_t len, fw_http_content_range_t *out);

#endif /* FW_HTTP_H */
