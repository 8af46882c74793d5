/*
 * DeviceTrust device app: the signed app the bootloader starts on an enrolled (or enrolling)
 * device. One boot makes at most one TCP stream (the UART), so each boot does one job:
 *   no key yet          -> generate an EC P-256 key from the seed CSR, store it;
 *   no certificate yet  -> EST simpleenroll over server-auth TLS with the one-time token,
 *                          store the certificate, exit FW_DEVICE_EXIT_REBOOT;
 *   certificate         -> mutual TLS to the device listener: session ("AUTH OK"), one
 *                          telemetry record, and simplereenroll when inside the renewal window.
 * Exit codes and log lines: firmware/docs/identity.md.
 */
#include <string.h>

#include "board.h"
#include "fw/err.h"
#include "fw/http.h"
#include "fw/identity.h"
#include "fw/pkcs7.h"
#include "mbedtls/base64.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_csr.h"

#ifndef FW_APP_NAME
#define FW_APP_NAME "DeviceTrust device app"
#endif

enum {
    FW_DEVICE_EXIT_OK = 0,
    FW_DEVICE_EXIT_REBOOT = 10,        /* enrolled or renewed: boot again on the device listener */
    FW_DEVICE_EXIT_ENROLL_REFUSED = 11,
    FW_DEVICE_EXIT_SERVER_UNTRUSTED = 12, /* handshake aborted by the device: not our server */
    FW_DEVICE_EXIT_REFUSED = 13,       /* the backend refused this device (handshake alert or HTTP 401/403) */
    FW_DEVICE_EXIT_NETWORK = 14,       /* timeout, closed link, malformed answer */
    FW_DEVICE_EXIT_IDENTITY = 15,      /* identity partition missing or damaged */
    FW_DEVICE_EXIT_STORAGE = 16,
    FW_DEVICE_EXIT_INTERNAL = 17,
};

#define READ_TIMEOUT_MS 10000u
#define HTTP_BUF_SIZE 8192u

static const fw_handoff_t *boot;
static uint8_t identity_raw[FW_IDENTITY_MAX_SIZE];
static uint8_t identity_new[FW_IDENTITY_MAX_SIZE];
static fw_identity_t identity;
static char device_id[65];
static char server_name[65];
static uint64_t clock_at_power_on;
static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static uint8_t http_buf[HTTP_BUF_SIZE];
static uint8_t scratch[4096];

/* ------------------------------------------------------------------ logging and exit */

static void log_kv(const char *a, const char *b)
{
    fw_log_begin();
    fw_log_str(a);
    fw_log_str(b);
    fw_log_end();
}

static void log_mbedtls(const char *what, int ret)
{
    fw_log_begin();
    fw_log_str("DEVICE: ");
    fw_log_str(what);
    fw_log_str(": mbedTLS error -");
    fw_log_hex32((uint32_t)(-ret));
    fw_log_end();
}

static void log_heap_and_exit(uint32_t code)
{
    fw_log_begin();
    fw_log_str("DEVICE: peak heap ");
    fw_log_u32(fw_board_heap_high_water());
    fw_log_str(" bytes, exit ");
    fw_log_u32(code);
    fw_log_end();
    fw_board_exit(code);
}

/* ------------------------------------------------------------------ platform hooks for mbedTLS */

long long fw_time(long long *t)
{
    long long now = (long long)(clock_at_power_on + fw_board_ticks() / FW_BOARD_TICKS_PER_SECOND);
    if (t != NULL) {
        *t = now;
    }
    return now;
}

/* Inverse of days_from_civil (H. Hinnant's civil_from_days), UTC only. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    long long t = *tt;
    long long days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    days += 719468;
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    long long doe = days - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp + (mp < 10 ? 3 : -9);
    memset(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_year = (int)(y + (m <= 2) - 1900);
    tm_buf->tm_mon = (int)(m - 1);
    tm_buf->tm_mday = (int)d;
    tm_buf->tm_hour = (int)(secs / 3600);
    tm_buf->tm_min = (int)(secs / 60 % 60);
    tm_buf->tm_sec = (int)(secs % 60);
    return tm_buf;
}

/* Zkr `seed` CSR (0x015): OPST in bits 31:30, ES16 (10) carries 16 bits of entropy. */
static uint32_t read_seed(void)
{
    uint32_t v;
    __asm__ volatile("csrrw %0, 0x015, x0" : "=r"(v));
    return v;
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    size_t n = 0;
    for (uint32_t spins = 0; n < len && spins < 1000000u; spins++) {
        uint32_t v = read_seed();
        uint32_t opst = v >> 30;
        if (opst == 3u) {
            return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED; /* DEAD */
        }
        if (opst != 2u) {
            continue; /* BIST or WAIT */
        }
        output[n++] = (uint8_t)v;
        if (n < len) {
            output[n++] = (uint8_t)(v >> 8);
        }
    }
    *olen = n;
    return n == len ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

/* ------------------------------------------------------------------ identity partition */

static int identity_store(const fw_identity_t *next)
{
    size_t len = 0;
    int ret = fw_identity_write(next, identity_new, sizeof(identity_new), &len);
    if (ret != 0) {
        log_kv("DEVICE: identity not written: ", fw_err_str(ret));
        return ret;
    }
    if (fw_board_flash_erase_sector(boot->identity_offset) != 0) {
        return FW_ERR_EFUSE_WRITE;
    }
    for (size_t i = 0; i < len; i += 4) {
        uint32_t w = (uint32_t)identity_new[i] | ((uint32_t)identity_new[i + 1] << 8) |
                     ((uint32_t)identity_new[i + 2] << 16) | ((uint32_t)identity_new[i + 3] << 24);
        if (fw_board_flash_program_word(boot->identity_offset + (uint32_t)i, w) != 0) {
            return FW_ERR_EFUSE_WRITE;
        }
    }
    /* Read back what the next boot will read, and work from that copy. */
    memcpy(identity_raw, (const void *)(uintptr_t)(FW_FLASH_BASE + boot->identity_offset), sizeof(identity_raw));
    return fw_identity_parse(identity_raw, sizeof(identity_raw), &identity);
}

static void copy_text(char *dst, size_t cap, const fw_bytes_t *f)
{
    size_t n = f->len < cap - 1 ? f->len : cap - 1;
    memcpy(dst, f->ptr, n);
    dst[n] = '\0';
}

/* ------------------------------------------------------------------ TLS over the UART */

static int uart_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    fw_uart_write(buf, (uint32_t)len);
    return (int)len;
}

static int uart_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    (void)ctx;
    uint32_t n = fw_uart_read(buf, (uint32_t)len, timeout_ms == 0 ? READ_TIMEOUT_MS : timeout_ms);
    return n == 0 ? MBEDTLS_ERR_SSL_TIMEOUT : (int)n;
}

typedef struct {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt root;
    mbedtls_x509_crt own;
} link_t;

static const mbedtls_ecp_group_id link_curves[] = {MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE};
static const int link_suites[] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0};

static void link_free(link_t *l)
{
    mbedtls_ssl_free(&l->ssl);
    mbedtls_ssl_config_free(&l->conf);
    mbedtls_x509_crt_free(&l->root);
    mbedtls_x509_crt_free(&l->own);
}

/* Opens TLS 1.2 to the pinned root and server name; with a key, presents the device certificate. */
static uint32_t link_open(link_t *l, mbedtls_pk_context *key)
{
    mbedtls_ssl_init(&l->ssl);
    mbedtls_ssl_config_init(&l->conf);
    mbedtls_x509_crt_init(&l->root);
    mbedtls_x509_crt_init(&l->own);
    const fw_bytes_t *root = &identity.field[FW_ID_ROOT_CA];
    int ret = mbedtls_x509_crt_parse_der(&l->root, root->ptr, root->len);
    if (ret != 0) {
        log_mbedtls("pinned root CA unreadable", ret);
        return FW_DEVICE_EXIT_IDENTITY;
    }
    if (key != NULL) {
        const fw_bytes_t *cert = &identity.field[FW_ID_DEVICE_CERT];
        ret = mbedtls_x509_crt_parse_der(&l->own, cert->ptr, cert->len);
        if (ret != 0) {
            log_mbedtls("device certificate unreadable", ret);
            return FW_DEVICE_EXIT_IDENTITY;
        }
    }
    ret = mbedtls_ssl_config_defaults(&l->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return FW_DEVICE_EXIT_INTERNAL;
    }
    mbedtls_ssl_conf_authmode(&l->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&l->conf, &l->root, NULL);
    mbedtls_ssl_conf_rng(&l->conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_read_timeout(&l->conf, READ_TIMEOUT_MS);
    mbedtls_ssl_conf_curves(&l->conf, link_curves);
    mbedtls_ssl_conf_ciphersuites(&l->conf, link_suites);
    mbedtls_ssl_conf_min_version(&l->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    if (key != NULL && (ret = mbedtls_ssl_conf_own_cert(&l->conf, &l->own, key)) != 0) {
        return FW_DEVICE_EXIT_INTERNAL;
    }
    if ((ret = mbedtls_ssl_setup(&l->ssl, &l->conf)) != 0 || (ret = mbedtls_ssl_set_hostname(&l->ssl, server_name)) != 0) {
        log_mbedtls("TLS setup", ret);
        return FW_DEVICE_EXIT_INTERNAL;
    }
    mbedtls_ssl_set_bio(&l->ssl, NULL, uart_send, NULL, uart_recv_timeout);

    uint32_t start = fw_board_instret();
    uint64_t start_ticks = fw_board_ticks();
    while ((ret = mbedtls_ssl_handshake(&l->ssl)) != 0) {
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        uint32_t flags = mbedtls_ssl_get_verify_result(&l->ssl);
        if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || (flags != 0 && flags != (uint32_t)-1)) {
            char why[120];
            int n = mbedtls_x509_crt_verify_info(why, sizeof(why), "", flags);
            if (n > 0 && why[n - 1] == '\n') {
                why[n - 1] = '\0';
            }
            log_kv("DEVICE: handshake aborted, server certificate rejected: ", why);
            return FW_DEVICE_EXIT_SERVER_UNTRUSTED;
        }
        if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
            fw_log_begin();
            fw_log_str("DEVICE: REFUSED: the server ended the handshake with alert ");
            fw_log_u32(l->ssl.in_msg != NULL ? l->ssl.in_msg[1] : 0u);
            fw_log_str(key != NULL ? " (device certificate not accepted)" : "");
            fw_log_end();
            return FW_DEVICE_EXIT_REFUSED;
        }
        if (ret == MBEDTLS_ERR_SSL_TIMEOUT && key != NULL && l->ssl.state >= MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC) {
            /*
             * The UART carries no TCP close: a server that drops the connection after reading the
             * device certificate (without an alert) looks like silence after our Finished.
             */
            fw_log_line("DEVICE: REFUSED: the server went silent after receiving the device certificate "
                        "(device certificate not accepted)");
            return FW_DEVICE_EXIT_REFUSED;
        }
        if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
            log_kv("DEVICE: handshake failed: ", "no answer from the server within the read timeout");
            return FW_DEVICE_EXIT_NETWORK;
        }
        log_mbedtls("handshake failed", ret);
        return FW_DEVICE_EXIT_NETWORK;
    }
    uint32_t cost = fw_board_instret() - start;
    uint64_t ticks = fw_board_ticks() - start_ticks;
    fw_log_begin();
    fw_log_str("DEVICE: TLS 1.2 handshake with ");
    fw_log_str(server_name);
    fw_log_str(key != NULL ? " (mutual, " : " (server-auth, ");
    fw_log_str(mbedtls_ssl_get_ciphersuite(&l->ssl));
    fw_log_str("): ");
    fw_log_u32(cost);
    fw_log_str(" instructions, ");
    fw_log_u32((uint32_t)(ticks / (FW_BOARD_TICKS_PER_SECOND / 1000u)));
    fw_log_str(" ms");
    fw_log_end();
    return FW_DEVICE_EXIT_OK;
}

static int link_write_all(link_t *l, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        int ret = mbedtls_ssl_write(&l->ssl, buf, len);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret <= 0) {
            return ret;
        }
        buf += ret;
        len -= (size_t)ret;
    }
    return 0;
}

static size_t append(char *dst, size_t pos, size_t cap, const char *s)
{
    while (*s != '\0' && pos + 1 < cap) {
        dst[pos++] = *s++;
    }
    dst[pos] = '\0';
    return pos;
}

static size_t append_u32(char *dst, size_t pos, size_t cap, uint32_t v)
{
    char buf[FW_U32_TEXT_SIZE];
    return append(dst, pos, cap, fw_u32_text(buf, v));
}

/* One request and its complete response (read timeouts apply to every read). */
static uint32_t http_exchange(link_t *l, const char *method, const char *path, const char *extra_headers,
                              const char *content_type, const uint8_t *body, size_t body_len, fw_http_response_t *resp)
{
    static char head[512];
    size_t n = 0;
    n = append(head, n, sizeof(head), method);
    n = append(head, n, sizeof(head), " ");
    n = append(head, n, sizeof(head), path);
    n = append(head, n, sizeof(head), " HTTP/1.1\r\nHost: ");
    n = append(head, n, sizeof(head), server_name);
    n = append(head, n, sizeof(head), "\r\nUser-Agent: DeviceTrust-device\r\n");
    n = append(head, n, sizeof(head), extra_headers);
    if (content_type != NULL) {
        n = append(head, n, sizeof(head), "Content-Type: ");
        n = append(head, n, sizeof(head), content_type);
        n = append(head, n, sizeof(head), "\r\n");
    }
    if (body != NULL) {
        n = append(head, n, sizeof(head), "Content-Length: ");
        n = append_u32(head, n, sizeof(head), (uint32_t)body_len);
        n = append(head, n, sizeof(head), "\r\n");
    }
    n = append(head, n, sizeof(head), "\r\n");
    if (n + 1 >= sizeof(head)) {
        return FW_DEVICE_EXIT_INTERNAL;
    }
    int ret = link_write_all(l, (const uint8_t *)head, n);
    if (ret == 0 && body != NULL) {
        ret = link_write_all(l, body, body_len);
    }
    if (ret != 0) {
        log_mbedtls("sending the request", ret);
        return FW_DEVICE_EXIT_NETWORK;
    }
    size_t got = 0;
    for (;;) {
        int at_eof = 0;
        ret = mbedtls_ssl_read(&l->ssl, http_buf + got, sizeof(http_buf) - got);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) {
            at_eof = 1;
        } else if (ret < 0) {
            if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
                fw_log_begin();
                fw_log_str("DEVICE: REFUSED: the server sent alert ");
                fw_log_u32(l->ssl.in_msg != NULL ? l->ssl.in_msg[1] : 0u);
                fw_log_str(" instead of an answer");
                fw_log_end();
                return FW_DEVICE_EXIT_REFUSED;
            }
            log_mbedtls(ret == MBEDTLS_ERR_SSL_TIMEOUT ? "no HTTP answer within the read timeout" : "reading the answer",
                        ret);
            return FW_DEVICE_EXIT_NETWORK;
        } else {
            got += (size_t)ret;
        }
        int pr = fw_http_parse_response(http_buf, got, at_eof, resp);
        if (pr == FW_OK) {
            return FW_DEVICE_EXIT_OK;
        }
        if (pr != FW_ERR_HTTP_INCOMPLETE || got == sizeof(http_buf) || at_eof) {
            log_kv("DEVICE: answer unusable: ", fw_err_str(pr == FW_ERR_HTTP_INCOMPLETE ? FW_ERR_BUFFER_TOO_SMALL : pr));
            return FW_DEVICE_EXIT_NETWORK;
        }
    }
}

/* Prints "DEVICE: HTTP <status> <first line of body>". */
static void log_answer(const char *what, const fw_http_response_t *r)
{
    char line[100];
    size_t n = 0;
    while (n < r->body_len && n < sizeof(line) - 1 && r->body[n] != '\n' && r->body[n] != '\r') {
        line[n] = (r->body[n] >= 0x20 && r->body[n] < 0x7f) ? (char)r->body[n] : '?';
        n++;
    }
    line[n] = '\0';
    fw_log_begin();
    fw_log_str("DEVICE: ");
    fw_log_str(what);
    fw_log_str(": HTTP ");
    fw_log_u32((uint32_t)r->status);
    fw_log_str(" ");
    fw_log_str(line);
    fw_log_end();
}

/* ------------------------------------------------------------------ keys, CSR, EST */

static int generate_key(mbedtls_pk_context *key)
{
    uint32_t start = fw_board_instret();
    int ret = mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0) {
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), mbedtls_ctr_drbg_random, &drbg);
    }
    if (ret != 0) {
        log_mbedtls("key generation", ret);
        return ret;
    }
    fw_log_begin();
    fw_log_str("DEVICE: generated an EC P-256 key from the seed CSR in ");
    fw_log_u32(fw_board_instret() - start);
    fw_log_str(" instructions");
    fw_log_end();
    return 0;
}

/* DER private key in scratch_out (at its end), returns its bytes. */
static int key_der(mbedtls_pk_context *key, uint8_t *buf, size_t cap, fw_bytes_t *out)
{
    int len = mbedtls_pk_write_key_der(key, buf, cap);
    if (len <= 0) {
        return len < 0 ? len : -1;
    }
    out->ptr = buf + cap - (size_t)len;
    out->len = (size_t)len;
    return 0;
}

/* Base64 PKCS#10 request (CN = device id) for EST, into out (NUL-terminated). */
static int make_csr(mbedtls_pk_context *key, char *out, size_t cap, size_t *out_len)
{
    mbedtls_x509write_csr req;
    mbedtls_x509write_csr_init(&req);
    char subject[80];
    size_t n = append(subject, 0, sizeof(subject), "CN=");
    append(subject, n, sizeof(subject), device_id);
    mbedtls_x509write_csr_set_md_alg(&req, MBEDTLS_MD_SHA256);
    mbedtls_x509write_csr_set_key(&req, key);
    int ret = mbedtls_x509write_csr_set_subject_name(&req, subject);
    int len = ret == 0 ? mbedtls_x509write_csr_der(&req, scratch, sizeof(scratch), mbedtls_ctr_drbg_random, &drbg) : ret;
    mbedtls_x509write_csr_free(&req);
    if (len <= 0) {
        log_mbedtls("certificate request", len);
        return -1;
    }
    ret = mbedtls_base64_encode((unsigned char *)out, cap, out_len, scratch + sizeof(scratch) - len, (size_t)len);
    return ret;
}

/* EST answer: base64 of a certs-only PKCS#7; picks the certificate that carries our public key. */
static int est_certificate(const fw_http_response_t *r, mbedtls_pk_context *key, uint8_t *der, size_t cap,
                           fw_bytes_t *cert, char *serial, size_t serial_cap)
{
    static uint8_t b64[HTTP_BUF_SIZE];
    size_t k = 0;
    for (size_t i = 0; i < r->body_len; i++) {
        uint8_t c = r->body[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
            continue; /* RFC 7030 answers may be wrapped */
        }
        b64[k++] = c;
    }
    size_t der_len = 0;
    if (mbedtls_base64_decode(der, cap, &der_len, b64, k) != 0) {
        log_kv("DEVICE: EST answer is not ", "base64");
        return -1;
    }
    fw_bytes_t certs[4];
    size_t count = 0;
    int ret = fw_pkcs7_certs(der, der_len, certs, 4, &count);
    if (ret != 0) {
        log_kv("DEVICE: EST answer refused: ", fw_err_str(ret));
        return -1;
    }
    unsigned char own_pub[100], their_pub[100];
    int own_len = mbedtls_pk_write_pubkey_der(key, own_pub, sizeof(own_pub));
    for (size_t i = 0; i < count; i++) {
        mbedtls_x509_crt crt;
        mbedtls_x509_crt_init(&crt);
        if (mbedtls_x509_crt_parse_der(&crt, certs[i].ptr, certs[i].len) == 0) {
            int their_len = mbedtls_pk_write_pubkey_der(&crt.pk, their_pub, sizeof(their_pub));
            if (own_len > 0 && their_len == own_len &&
                memcmp(own_pub + sizeof(own_pub) - own_len, their_pub + sizeof(their_pub) - their_len, (size_t)own_len) ==
                    0) {
                mbedtls_x509_serial_gets(serial, serial_cap, &crt.serial);
                *cert = certs[i];
                mbedtls_x509_crt_free(&crt);
                return 0;
            }
        }
        mbedtls_x509_crt_free(&crt);
    }
    log_kv("DEVICE: EST answer refused: ", "no certificate for this device's key");
    return -1;
}

static uint32_t est_request(link_t *l, const char *op, mbedtls_pk_context *key, const char *auth_header,
                            fw_bytes_t *cert_out, uint8_t *der, size_t der_cap, char *serial, size_t serial_cap)
{
    static char csr[2048];
    size_t csr_len = 0;
    if (make_csr(key, csr, sizeof(csr), &csr_len) != 0) {
        return FW_DEVICE_EXIT_INTERNAL;
    }
    char path[48];
    size_t n = append(path, 0, sizeof(path), "/.well-known/est/");
    append(path, n, sizeof(path), op);
    fw_http_response_t resp;
    uint32_t rc = http_exchange(l, "POST", path, auth_header, "application/pkcs10", (const uint8_t *)csr, csr_len, &resp);
    if (rc != 0) {
        return rc;
    }
    if (resp.status != 200) {
        log_answer(op, &resp);
        return resp.status == 401 || resp.status == 403 ? FW_DEVICE_EXIT_ENROLL_REFUSED : FW_DEVICE_EXIT_NETWORK;
    }
    return est_certificate(&resp, key, der, der_cap, cert_out, serial, serial_cap) == 0 ? FW_DEVICE_EXIT_OK
                                                                                        : FW_DEVICE_EXIT_NETWORK;
}

/* ------------------------------------------------------------------ the three jobs */

static uint32_t enroll(mbedtls_pk_context *key)
{
    static char auth[300];
    static char userpass[200];
    static uint8_t der[HTTP_BUF_SIZE];
    size_t n = append(userpass, 0, sizeof(userpass), device_id);
    n = append(userpass, n, sizeof(userpass), ":");
    size_t tlen = identity.field[FW_ID_TOKEN].len;
    if (n + tlen >= sizeof(userpass)) {
        return FW_DEVICE_EXIT_IDENTITY;
    }
    memcpy(userpass + n, identity.field[FW_ID_TOKEN].ptr, tlen);
    n += tlen;
    size_t a = append(auth, 0, sizeof(auth), "Authorization: Basic ");
    size_t b64_len = 0;
    if (mbedtls_base64_encode((unsigned char *)auth + a, sizeof(auth) - a - 3, &b64_len, (const unsigned char *)userpass,
                              n) != 0) {
        return FW_DEVICE_EXIT_INTERNAL;
    }
    append(auth, a + b64_len, sizeof(auth), "\r\n");
    mbedtls_platform_zeroize(userpass, sizeof(userpass));

    link_t l;
    uint32_t rc = link_open(&l, NULL);
    fw_bytes_t cert = {0};
    char serial[80] = "";
    if (rc == 0) {
        log_kv("DEVICE: enrolling over EST simpleenroll as ", device_id);
        rc = est_request(&l, "simpleenroll", key, auth, &cert, der, sizeof(der), serial, sizeof(serial));
        mbedtls_ssl_close_notify(&l.ssl);
    }
    mbedtls_platform_zeroize(auth, sizeof(auth));
    link_free(&l);
    if (rc != 0) {
        if (rc == FW_DEVICE_EXIT_ENROLL_REFUSED) {
            log_kv("DEVICE: ENROLLMENT REFUSED for ", device_id);
        }
        return rc;
    }
    /* The token is spent: the stored identity no longer carries it. */
    fw_identity_t next = identity;
    next.field[FW_ID_TOKEN].ptr = NULL;
    next.field[FW_ID_TOKEN].len = 0;
    next.field[FW_ID_DEVICE_CERT] = cert;
    if (identity_store(&next) != 0) {
        log_kv("DEVICE: ", "identity partition write failed");
        return FW_DEVICE_EXIT_STORAGE;
    }
    log_kv("DEVICE: ENROLLED, certificate serial ", serial);
    return FW_DEVICE_EXIT_REBOOT;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static long long x509_seconds(const mbedtls_x509_time *t)
{
    return days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

/* Renewal window: the last third of the certificate's validity (by the device clock). */
static int in_renewal_window(const mbedtls_x509_crt *crt, long long now)
{
    long long from = x509_seconds(&crt->valid_from), to = x509_seconds(&crt->valid_to);
    return to > from && now >= to - (to - from) / 3;
}

static uint32_t run_session(mbedtls_pk_context *key)
{
    link_t l;
    uint32_t rc = link_open(&l, key);
    if (rc != 0) {
        link_free(&l);
        return rc;
    }
    char serial[80] = "";
    mbedtls_x509_serial_gets(serial, sizeof(serial), &l.own.serial);
    log_kv("DEVICE: presenting certificate serial ", serial);

    fw_http_response_t resp;
    rc = http_exchange(&l, "GET", "/api/v1/device/session", "Accept: text/plain\r\n", NULL, NULL, 0, &resp);
    if (rc == 0) {
        if (resp.status == 200 && resp.body_len >= 7 && memcmp(resp.body, "AUTH OK", 7) == 0) {
            char line[100];
            size_t n = 0;
            while (n < resp.body_len && n < sizeof(line) - 1 && resp.body[n] >= 0x20 && resp.body[n] < 0x7f) {
                line[n] = (char)resp.body[n];
                n++;
            }
            line[n] = '\0';
            log_kv("", line);
        } else {
            log_answer("REFUSED: session", &resp);
            rc = resp.status == 401 || resp.status == 403 ? FW_DEVICE_EXIT_REFUSED : FW_DEVICE_EXIT_NETWORK;
        }
    }
    if (rc == 0) {
        static char body[160];
        size_t n = append(body, 0, sizeof(body), "{\"uptimeMs\":");
        n = append_u32(body, n, sizeof(body), (uint32_t)(fw_board_ticks() / (FW_BOARD_TICKS_PER_SECOND / 1000u)));
        n = append(body, n, sizeof(body), ",\"firmwareVersion\":");
        n = append_u32(body, n, sizeof(body), boot->version);
        n = append(body, n, sizeof(body), ",\"temperatureC\":21.5}");
        char path[120];
        size_t p = append(path, 0, sizeof(path), "/api/v1/devices/");
        p = append(path, p, sizeof(path), device_id);
        append(path, p, sizeof(path), "/telemetry");
        rc = http_exchange(&l, "POST", path, "", "application/json", (const uint8_t *)body, n, &resp);
        if (rc == 0) {
            log_answer("telemetry", &resp);
            if (resp.status != 201 && resp.status != 200 && resp.status != 202) {
                rc = resp.status == 401 || resp.status == 403 ? FW_DEVICE_EXIT_REFUSED : FW_DEVICE_EXIT_NETWORK;
            }
        }
    }
    if (rc == 0 && in_renewal_window(&l.own, fw_time(NULL))) {
        log_kv("DEVICE: certificate inside its renewal window, renewing with simplereenroll, old serial ", serial);
        static uint8_t der[HTTP_BUF_SIZE];
        static uint8_t key_buf[256];
        mbedtls_pk_context next_key;
        mbedtls_pk_init(&next_key);
        fw_bytes_t cert = {0}, key_bytes = {0};
        char new_serial[80] = "";
        rc = generate_key(&next_key) == 0 ? FW_DEVICE_EXIT_OK : FW_DEVICE_EXIT_INTERNAL;
        if (rc == 0) {
            rc = est_request(&l, "simplereenroll", &next_key, "", &cert, der, sizeof(der), new_serial, sizeof(new_serial));
        }
        if (rc == 0 && key_der(&next_key, key_buf, sizeof(key_buf), &key_bytes) != 0) {
            rc = FW_DEVICE_EXIT_INTERNAL;
        }
        if (rc == 0) {
            fw_identity_t next = identity;
            next.field[FW_ID_DEVICE_KEY] = key_bytes;
            next.field[FW_ID_DEVICE_CERT] = cert;
            rc = identity_store(&next) == 0 ? FW_DEVICE_EXIT_REBOOT : FW_DEVICE_EXIT_STORAGE;
            if (rc == FW_DEVICE_EXIT_REBOOT) {
                log_kv("DEVICE: RENEWED, new certificate serial ", new_serial);
            }
        }
        mbedtls_platform_zeroize(key_buf, sizeof(key_buf));
        mbedtls_pk_free(&next_key);
    }
    mbedtls_ssl_close_notify(&l.ssl);
    link_free(&l);
    return rc;
}

int fw_main(const fw_handoff_t *handoff)
{
    if (handoff == 0 || handoff->magic != FW_HANDOFF_MAGIC) {
        fw_log_line("APP: started without a verified hand-off");
        fw_board_exit(FW_EXIT_TRAP);
    }
    boot = handoff;
    fw_board_heap_init();
    fw_log_begin();
    fw_log_str("APP: " FW_APP_NAME " v");
    fw_log_u32(handoff->version);
    fw_log_str(", security version ");
    fw_log_u32(handoff->security_version);
    fw_log_end();

    if (handoff->identity_size < FW_IDENTITY_MAX_SIZE) {
        fw_log_line("DEVICE: no identity partition");
        log_heap_and_exit(FW_DEVICE_EXIT_IDENTITY);
    }
    memcpy(identity_raw, (const void *)(uintptr_t)(FW_FLASH_BASE + handoff->identity_offset), sizeof(identity_raw));
    int ret = fw_identity_parse(identity_raw, sizeof(identity_raw), &identity);
    if (ret != 0 || identity.field[FW_ID_DEVICE_ID].ptr == NULL || identity.field[FW_ID_ROOT_CA].ptr == NULL ||
        identity.field[FW_ID_SERVER_NAME].ptr == NULL) {
        log_kv("DEVICE: identity partition unusable: ", ret != 0 ? fw_err_str(ret) : "factory fields missing");
        log_heap_and_exit(FW_DEVICE_EXIT_IDENTITY);
    }
    copy_text(device_id, sizeof(device_id), &identity.field[FW_ID_DEVICE_ID]);
    copy_text(server_name, sizeof(server_name), &identity.field[FW_ID_SERVER_NAME]);
    clock_at_power_on = fw_identity_clock(&identity);
    log_kv("DEVICE: id ", device_id);
    if (clock_at_power_on == 0) {
        /* Without a clock every certificate date check would be skipped or fail: refuse to run. */
        fw_log_line("DEVICE: no clock provisioned: certificate dates cannot be checked");
        log_heap_and_exit(FW_DEVICE_EXIT_IDENTITY);
    }

    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)device_id,
                                strlen(device_id));
    if (ret != 0) {
        log_mbedtls("seeding the DRBG from the seed CSR", ret);
        log_heap_and_exit(FW_DEVICE_EXIT_INTERNAL);
    }

    mbedtls_pk_context key;
    mbedtls_pk_init(&key);
    uint32_t rc;
    if (identity.field[FW_ID_DEVICE_KEY].ptr == NULL) {
        static uint8_t key_buf[256];
        fw_bytes_t der = {0};
        if (generate_key(&key) != 0 || key_der(&key, key_buf, sizeof(key_buf), &der) != 0) {
            log_heap_and_exit(FW_DEVICE_EXIT_INTERNAL);
        }
        fw_identity_t next = identity;
        next.field[FW_ID_DEVICE_KEY] = der;
        next.field[FW_ID_DEVICE_CERT].ptr = NULL; /* a certificate for an older key is worthless */
        next.field[FW_ID_DEVICE_CERT].len = 0;
        ret = identity_store(&next);
        mbedtls_platform_zeroize(key_buf, sizeof(key_buf));
        if (ret != 0) {
            log_kv("DEVICE: storing the key failed: ", fw_err_str(ret));
            log_heap_and_exit(FW_DEVICE_EXIT_STORAGE);
        }
        fw_log_line("DEVICE: key stored in the identity partition");
    } else {
        const fw_bytes_t *k = &identity.field[FW_ID_DEVICE_KEY];
        ret = mbedtls_pk_parse_key(&key, k->ptr, k->len, NULL, 0);
        if (ret != 0) {
            log_mbedtls("stored key unreadable", ret);
            log_heap_and_exit(FW_DEVICE_EXIT_IDENTITY);
        }
    }

    if (identity.field[FW_ID_DEVICE_CERT].ptr == NULL) {
        if (identity.field[FW_ID_TOKEN].ptr == NULL) {
            fw_log_line("DEVICE: no certificate and no enrollment token: cannot enroll");
            rc = FW_DEVICE_EXIT_IDENTITY;
        } else {
            rc = enroll(&key);
        }
    } else {
        rc = run_session(&key);
    }
    mbedtls_pk_free(&key);
    log_heap_and_exit(rc);
    return 0;
}
