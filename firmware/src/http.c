#include "fw/http.h"

#include <string.h>

#include "fw/err.h"
#include "fw/text.h"

#define FW_HTTP_MAX_HEADERS 64

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Case-insensitive: does [p, p+n) start with name (lower case) followed by ':'? */
static int header_is(const uint8_t *p, size_t n, const char *name)
{
    size_t k = strlen(name);
    if (n <= k || p[k] != ':') {
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        if (lower(p[i]) != name[i]) {
            return 0;
        }
    }
    return 1;
}

/* Finds "\r\n" in [from, len); returns its offset or -1. */
static long find_crlf(const uint8_t *buf, size_t from, size_t len)
{
    for (size_t i = from; i + 1 < len; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n') {
            return (long)i;
        }
    }
    return -1;
}

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    return p;
}

/* Decimal (hex = 0) or hex number filling [p, end) up to optional whitespace / ';' for hex. */
static int parse_number(const uint8_t *p, const uint8_t *end, int hex, size_t *out)
{
    size_t v = 0;
    int digits = 0;
    for (; p < end; p++) {
        int d;
        if (*p >= '0' && *p <= '9') {
            d = *p - '0';
        } else if (hex && lower(*p) >= 'a' && lower(*p) <= 'f') {
            d = lower(*p) - 'a' + 10;
        } else {
            break;
        }
        if (++digits > 7) {
            return -1; /* more than the device ever accepts (< 16 MiB) */
        }
        v = v * (hex ? 16u : 10u) + (size_t)d;
    }
    p = skip_ws(p, end);
    if (digits == 0 || (p != end && !(hex && *p == ';'))) {
        return -1;
    }
    *out = v;
    return 0;
}

int fw_http_parse_response(uint8_t *buf, size_t len, int at_eof, fw_http_response_t *out)
{
    if (buf == NULL || out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    long eol = find_crlf(buf, 0, len);
    if (eol < 0) {
        return at_eof ? FW_ERR_HTTP_INVALID : FW_ERR_HTTP_INCOMPLETE;
    }
    /* "HTTP/1.x SSS reason" */
    if (eol < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ' ||
        buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' || buf[11] < '0' || buf[11] > '9' ||
        (eol > 12 && buf[12] != ' ')) {
        return FW_ERR_HTTP_INVALID;
    }
    int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    size_t pos = (size_t)eol + 2;
    size_t content_length = 0;
    int have_length = 0, chunked = 0, close = buf[7] == '0';
    for (int headers = 0;; headers++) {
        long e = find_crlf(buf, pos, len);
        if (e < 0) {
            return at_eof ? FW_ERR_HTTP_INVALID : FW_ERR_HTTP_INCOMPLETE;
        }
        size_t n = (size_t)e - pos;
        const uint8_t *h = buf + pos;
        pos = (size_t)e + 2;
        if (n == 0) {
            break;
        }
        if (headers >= FW_HTTP_MAX_HEADERS || h[0] == ' ' || h[0] == '\t') {
            return FW_ERR_HTTP_INVALID; /* too many, or obsolete line folding */
        }
        if (header_is(h, n, "content-length")) {
            size_t v;
            if (have_length || parse_number(skip_ws(h + 15, h + n), h + n, 0, &v) != 0) {
                return FW_ERR_HTTP_INVALID;
            }
            content_length = v;
            have_length = 1;
        } else if (header_is(h, n, "transfer-encoding")) {
            const uint8_t *v = skip_ws(h + 18, h + n);
            size_t vn = (size_t)(h + n - v);
            while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) {
                vn--;
            }
            if (vn != 7 || lower(v[0]) != 'c' || lower(v[1]) != 'h' || lower(v[2]) != 'u' || lower(v[3]) != 'n' ||
                lower(v[4]) != 'k' || lower(v[5]) != 'e' || lower(v[6]) != 'd') {
                return FW_ERR_HTTP_INVALID; /* only chunked is understood */
            }
            chunked = 1;
        } else if (header_is(h, n, "content-range")) {
            const uint8_t *v = skip_ws(h + 14, h + n);
            size_t vn = (size_t)(h + n - v);
            while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) {
                vn--;
            }
            if (out->content_range != NULL) {
                return FW_ERR_HTTP_INVALID; /* two ranges claimed for one body */
            }
            out->content_range = v;
            out->content_range_len = vn;
        } else if (header_is(h, n, "connection")) {
            const uint8_t *v = skip_ws(h + 11, h + n);
            if ((size_t)(h + n - v) >= 5 && lower(v[0]) == 'c' && lower(v[1]) == 'l' && lower(v[2]) == 'o' &&
                lower(v[3]) == 's' && lower(v[4]) == 'e') {
                close = 1;
            }
        }
    }
    if (chunked && have_length) {
        return FW_ERR_HTTP_INVALID; /* request smuggling shape: refuse */
    }
    out->status = status;
    out->close = close;
    if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
        out->body = buf + pos;
        return status >= 200 ? FW_OK : FW_ERR_HTTP_INVALID;
    }
    if (have_length) {
        if (len - pos < content_length) {
            return at_eof ? FW_ERR_HTTP_INVALID : FW_ERR_HTTP_INCOMPLETE;
        }
        out->body = buf + pos;
        out->body_len = content_length;
        return FW_OK;
    }
    if (!chunked) {
        if (!at_eof) {
            return FW_ERR_HTTP_INCOMPLETE;
        }
        out->body = buf + pos;
        out->body_len = len - pos;
        return FW_OK;
    }
    /* First pass: is the chunked body complete? Second pass: join the chunks in place. */
    for (int pass = 0; pass < 2; pass++) {
        size_t in = pos, joined = pos;
        for (;;) {
            long e = find_crlf(buf, in, len);
            if (e < 0) {
                return at_eof ? FW_ERR_HTTP_INVALID : FW_ERR_HTTP_INCOMPLETE;
            }
            size_t size;
            if (parse_number(buf + in, buf + e, 1, &size) != 0) {
                return FW_ERR_HTTP_INVALID;
            }
            in = (size_t)e + 2;
            if (size == 0) {
                /* no trailers accepted: the final CRLF must follow */
                if (len - in < 2) {
                    return at_eof ? FW_ERR_HTTP_INVALID : FW_ERR_HTTP_INCOMPLETE;
                }
                if (buf[in] != '\r' || buf[in + 1] != '\n') {
                    return FW_ERR_HTTP_INVALID;
                }
                break;
            }
            if (len - in < size || len - in - size < 2) {
                return at_eof ? FW_ERR_HTTP_INVALID : FW_ERR_HTTP_INCOMPLETE;
            }
            if (buf[in + size] != '\r' || buf[in + size + 1] != '\n') {
                return FW_ERR_HTTP_INVALID;
            }
            if (pass == 1) {
                memmove(buf + joined, buf + in, size);
            }
            joined += size;
            in += size + 2;
        }
        if (pass == 1) {
            out->body = buf + pos;
            out->body_len = joined - pos;
        }
    }
    return FW_OK;
}

/* 1..9 decimal digits at *p (below 10^9: every length the device handles fits a uint32_t). */
static int range_number(const uint8_t **p, const uint8_t *end, uint32_t *out)
{
    uint32_t v = 0;
    int digits = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        if (++digits > 9) {
            return -1;
        }
        v = v * 10u + (uint32_t)(**p - '0');
        (*p)++;
    }
    *out = v;
    return digits > 0 ? 0 : -1;
}

int fw_http_content_range_parse(const uint8_t *value, size_t len, fw_http_content_range_t *out)
{
    if (out == NULL) {
        return FW_ERR_BAD_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (value == NULL || len < 9) { /* the shortest: an unsatisfied range of a one-digit length */
        return FW_ERR_HTTP_INVALID;
    }
    const uint8_t *p = value, *end = value + len;
    static const char unit[] = "bytes "; /* the range unit is case-insensitive, the one space is not */
    for (size_t i = 0; i < sizeof(unit) - 1; i++) {
        if (lower(p[i]) != unit[i]) {
            return FW_ERR_HTTP_INVALID;
        }
    }
    p += sizeof(unit) - 1;
    fw_http_content_range_t r = {0, 0, 0, 0};
    if (*p == '*') {
        r.unsatisfied = 1;
        p++;
    } else if (range_number(&p, end, &r.first) != 0 || p >= end || *p++ != '-' || range_number(&p, end, &r.last) != 0) {
        return FW_ERR_HTTP_INVALID;
    }
    if (p >= end || *p++ != '/' || range_number(&p, end, &r.complete) != 0 || p != end) {
        return FW_ERR_HTTP_INVALID;
    }
    if (!r.unsatisfied && (r.first > r.last || r.last >= r.complete)) {
        return FW_ERR_HTTP_INVALID;
    }
    *out = r;
    return FW_OK;
}

/* Appends s at *pos; on overflow marks *pos as past cap so the caller sees it once at the end. */
static void put(char *out, size_t cap, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    if (*pos < cap && n < cap - *pos) {
        memcpy(out + *pos, s, n);
    }
    *pos += n;
}

int fw_http_request_head(const fw_http_request_t *req, char *out, size_t cap, size_t *out_len)
{
    if (req == NULL || req->method == NULL || req->path == NULL || req->host == NULL || out == NULL ||
        out_len == NULL || cap == 0) {
        return FW_ERR_BAD_ARGUMENT;
    }
    size_t n = 0;
    put(out, cap, &n, req->method);
    put(out, cap, &n, " ");
    put(out, cap, &n, req->path);
    put(out, cap, &n, " HTTP/1.1\r\nHost: ");
    put(out, cap, &n, req->host);
    put(out, cap, &n, "\r\nUser-Agent: DeviceTrust-device\r\n");
    put(out, cap, &n, req->extra_headers != NULL ? req->extra_headers : "");
    if (req->content_type != NULL) {
        put(out, cap, &n, "Content-Type: ");
        put(out, cap, &n, req->content_type);
        put(out, cap, &n, "\r\n");
    }
    if (req->body != NULL) {
        char digits[FW_U32_TEXT_SIZE];
        if (req->body_len > UINT32_MAX) {
            return FW_ERR_BAD_ARGUMENT;
        }
        put(out, cap, &n, "Content-Length: ");
        put(out, cap, &n, fw_u32_text(digits, (uint32_t)req->body_len));
        put(out, cap, &n, "\r\n");
    }
    put(out, cap, &n, "\r\n");
    if (n >= cap) {
        out[0] = '\0';
        return FW_ERR_BUFFER_TOO_SMALL;
    }
    out[n] = '\0';
    *out_len = n;
    return FW_OK;
}
