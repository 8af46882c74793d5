/*
 * DeviceTrust device app: the signed app the bootloader starts on an enrolled (or enrolling)
 * device. One boot makes at most one TCP stream (the UART), so each boot does one job:
 *   no key yet          -> generate an EC P-256 key from the seed CSR, store it;
 *   no certificate yet  -> EST simpleenroll over server-auth TLS with the one-time token,
 *                          store the certificate, exit EXIT_REBOOT;
 *   certificate         -> mutual TLS to the device listener: session ("AUTH OK"), one
 *                          telemetry record, and simplereenroll when inside the renewal window;
 *                          the TLS session is kept for the next boot (resumed when the server
 *                          agrees: no certificates, no ECDHE, no signature).
 * Every step returns 0 or a negative fw_err_t; fw_main turns the outcome into the exit code, once.
 * Exit codes and log lines: firmware/docs/identity.md. The link: link.c; mbedTLS hooks: platform.c;
 * EST requests and answers: src/est.c.
 */
#include <string.h>

#include "board.h"
#include "fw/est.h"
#include "fw/civil.h"
#include "fw/crypto.h"
#include "fw/ct.h"
#include "fw/err.h"
#include "fw/http.h"
#include "fw/identity.h"
#include "fw/keys.h"
#include "fw/offer.h"
#include "fw/otadata.h"
#include "fw/progress.h"
#include "fw/session.h"
#include "fw/text.h"
#include "link.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/x509_csr.h"
#include "platform.h"

#ifndef FW_APP_NAME
#define FW_APP_NAME "DeviceTrust device app"
#endif

enum {
    EXIT_OK = 0,
    EXIT_REBOOT = 10, /* enrolled or renewed: boot again on the device listener */
    EXIT_ENROLL_REFUSED = 11,
    EXIT_SERVER_UNTRUSTED = 12, /* handshake aborted by the device: not our server */
    EXIT_REFUSED = 13,          /* the backend refused this device (handshake alert or HTTP 401/403) */
    EXIT_NETWORK = 14,          /* timeout, closed link, malformed answer */
    EXIT_IDENTITY = 15,         /* identity partition missing, damaged or incomplete */
    EXIT_STORAGE = 16,          /* identity partition write failed */
    EXIT_INTERNAL = 17,
};

#define HTTP_BUF_SIZE 8192u
#define KEY_DER_SIZE 256u
#define SPKI_DER_SIZE 100u
#define SERIAL_TEXT_SIZE 80u

/* Everything one boot works with; one instance, named, not spread over helpers. */
typedef struct {
    const fw_handoff_t *boot;
    uint8_t identity_raw[FW_IDENTITY_MAX_SIZE]; /* the record as read from flash; identity points in */
    uint8_t identity_new[FW_IDENTITY_MAX_SIZE]; /* the record being written */
    uint8_t session_raw[FW_SESSION_MAX_SIZE];   /* TLS session record as read from flash, then as written */
    uint8_t session_data[FW_SESSION_DATA_MAX];  /* mbedtls_ssl_session_save output until stored, wiped after */
    fw_identity_t identity;
    char device_id[FW_DEVICE_ID_MAX_LEN + 1];
    char server_name[65];
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    uint8_t http[HTTP_BUF_SIZE];     /* request head, then the response */
    uint8_t est_text[HTTP_BUF_SIZE]; /* EST answer without whitespace */
    uint8_t est_der[HTTP_BUF_SIZE];  /* decoded EST answer: the new certificate until it is stored */
    uint8_t csr_der[1024];           /* PKCS#10, written at the end */
    char csr_b64[2048];
    char auth[512];                /* Authorization header: carries the token, wiped after use */
    uint8_t key_der[KEY_DER_SIZE]; /* a new private key until it is stored, wiped after */
    char telemetry[160];
    char path[120];
    char headers[160];    /* Range and If-Match of a chunk request */
    char report[256];     /* an update status report (JSON) */
    fw_offer_t offer;     /* the update offered on this boot */
    uint32_t poll_at;     /* instructions since reset as the update poll began (the OTA benchmark's start) */
    uint32_t poll_waited; /* of them polling the UART for the server */
    fw_otadata_flash_t record_flash;
} device_t;

static device_t dev;

/* ------------------------------------------------------------------ exit codes, once */

static uint32_t exit_code(int err)
{
    switch (err) {
    case FW_OK: return EXIT_OK;
    case FW_ERR_ENROLL_REFUSED: return EXIT_ENROLL_REFUSED;
    case FW_ERR_SERVER_UNTRUSTED: return EXIT_SERVER_UNTRUSTED;
    case FW_ERR_DEVICE_REFUSED: return EXIT_REFUSED;
    case FW_ERR_NETWORK:
    case FW_ERR_HTTP_INVALID:
    case FW_ERR_HTTP_INCOMPLETE:
    case FW_ERR_PKCS7_INVALID:
    case FW_ERR_EST_NOT_BASE64:
    case FW_ERR_EST_NO_CERT:
    case FW_ERR_CERT_INVALID:
    case FW_ERR_UPDATE_ANSWER: return EXIT_NETWORK;
    case FW_ERR_IDENTITY_MISSING:
    case FW_ERR_IDENTITY_INVALID:
    case FW_ERR_IDENTITY_DIGEST_MISMATCH:
    case FW_ERR_IDENTITY_INCOMPLETE: return EXIT_IDENTITY;
    case FW_ERR_FLASH_WRITE: return EXIT_STORAGE;
    default: return EXIT_INTERNAL;
    }
}

static __attribute__((noreturn)) void log_heap_and_exit(uint32_t code)
{
    fw_log_begin();
    fw_log_str("DEVICE: peak heap ");
    fw_log_u32(fw_board_heap_high_water());
    fw_log_str(" bytes, exit ");
    fw_log_u32(code);
    fw_log_str(", ");
    fw_log_u32(fw_board_instret());
    fw_log_str(" instructions since reset (");
    fw_log_u32(fw_uart_wait_instructions());
    fw_log_str(" polling the UART for the server)");
    fw_log_end();
    fw_board_exit(code);
}

/* Prints "DEVICE: <what>: HTTP <status> <first line of body>". */
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

/* mbedtls_x509_serial_gets formats the serial as the backend's logs and the e2e test read it. */
static void serial_text(const fw_bytes_t *serial, char *out, size_t cap)
{
    mbedtls_x509_buf buf = {MBEDTLS_ASN1_INTEGER, serial->len, (unsigned char *)(uintptr_t)serial->ptr};
    if (mbedtls_x509_serial_gets(out, cap, &buf) < 0) {
        out[0] = '\0';
    }
}

/* ------------------------------------------------------------------ identity partition */

static void copy_text(char *dst, size_t cap, const fw_bytes_t *f)
{
    size_t n = f->len < cap - 1 ? f->len : cap - 1;
    memcpy(dst, f->ptr, n);
    dst[n] = '\0';
}

static int identity_load(device_t *d)
{
    memcpy(d->identity_raw, (const void *)(uintptr_t)(FW_FLASH_BASE + d->boot->identity_offset),
           sizeof(d->identity_raw));
    return fw_identity_parse(d->identity_raw, sizeof(d->identity_raw), &d->identity);
}

static int program(uint32_t base, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i += 4) {
        const uint8_t *b = bytes + i;
        uint32_t w = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
        if (fw_board_flash_program_word(base + (uint32_t)i, w) != 0) {
            return FW_ERR_FLASH_WRITE;
        }
    }
    return FW_OK;
}

/*
 * Writes the partition's one sector (erase, program, read back): the identity record next and,
 * when session is not NULL, the TLS session record after it. Rewriting the identity without a
 * session drops the stored session, which is what a new key or certificate needs.
 */
static int partition_store(device_t *d, const fw_identity_t *next, const uint8_t *session, size_t session_len)
{
    size_t len = 0;
    int ret = fw_identity_write(next, d->identity_new, sizeof(d->identity_new), &len);
    if (ret != FW_OK) {
        fw_log_kv("DEVICE: identity not written: ", fw_err_str(ret));
        return ret;
    }
    uint32_t base = d->boot->identity_offset;
    if (fw_board_flash_erase_sector(base) != 0 || program(base, d->identity_new, len) != FW_OK ||
        (session != NULL && program(base + FW_SESSION_RECORD_OFFSET, session, session_len) != FW_OK)) {
        return FW_ERR_FLASH_WRITE;
    }
    return identity_load(d) == FW_OK ? FW_OK : FW_ERR_FLASH_WRITE;
}

/* Writes next (erase, program, read back) and continues from what the next boot will read. */
static int identity_store(device_t *d, const fw_identity_t *next)
{
    return partition_store(d, next, NULL, 0);
}

/* ------------------------------------------------------------------ TLS session across reboots */

static fw_session_binding_t session_binding(const device_t *d)
{
    fw_session_binding_t b = {d->identity.field[FW_ID_ROOT_CA], d->identity.field[FW_ID_SERVER_NAME],
                              d->identity.field[FW_ID_DEVICE_CERT]};
    return b;
}

/* The stored session, when one was made with this server and this certificate; *out untouched otherwise. */
static void session_load(device_t *d, fw_bytes_t *out)
{
    memcpy(d->session_raw,
           (const void *)(uintptr_t)(FW_FLASH_BASE + d->boot->identity_offset + FW_SESSION_RECORD_OFFSET),
           sizeof(d->session_raw));
    fw_session_record_t r;
    int rc = fw_session_parse(d->session_raw, sizeof(d->session_raw), &r);
    if (rc == FW_OK) {
        fw_session_binding_t b = session_binding(d);
        rc = fw_session_check(&r, &b, (uint64_t)fw_time(NULL));
    }
    if (rc == FW_OK) {
        *out = r.data;
    } else if (rc != FW_ERR_SESSION_MISSING) {
        fw_log_kv("DEVICE: stored TLS session not offered: ", fw_err_str(rc));
    }
}

/* After a full handshake the backend accepted the device on (AUTH OK): keep its session for the next boot. */
static int session_store(device_t *d, fw_link_t *l)
{
    size_t data_len = 0, len = 0;
    fw_session_binding_t b = session_binding(d);
    int rc = fw_link_session_save(l, d->session_data, sizeof(d->session_data), &data_len);
    if (rc == FW_OK) {
        rc = fw_session_write(&b, (uint64_t)fw_time(NULL), d->session_data, data_len, d->session_raw,
                              sizeof(d->session_raw), &len);
    }
    mbedtls_platform_zeroize(d->session_data, sizeof(d->session_data));
    if (rc == FW_OK) {
        fw_identity_t same = d->identity;
        rc = partition_store(d, &same, d->session_raw, len);
    }
    mbedtls_platform_zeroize(d->session_raw, sizeof(d->session_raw));
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: storing the TLS session failed: ", fw_err_str(rc));
        return rc;
    }
    fw_log_line("DEVICE: TLS session stored in the identity partition");
    return FW_OK;
}

/* ------------------------------------------------------------------ keys and requests */

static int generate_key(device_t *d, mbedtls_pk_context *key)
{
    uint32_t start = fw_board_instret();
    int ret = mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0) {
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), mbedtls_ctr_drbg_random, &d->drbg);
    }
    if (ret != 0) {
        fw_link_log_mbedtls("key generation", ret);
        return FW_ERR_CRYPTO;
    }
    fw_log_begin();
    fw_log_str("DEVICE: generated an EC P-256 key from the seed CSR in ");
    fw_log_u32(fw_board_instret() - start);
    fw_log_str(" instructions");
    fw_log_end();
    return FW_OK;
}

/* DER private key, written at the end of d->key_der. */
static int key_der(device_t *d, mbedtls_pk_context *key, fw_bytes_t *out)
{
    int len = mbedtls_pk_write_key_der(key, d->key_der, sizeof(d->key_der));
    if (len <= 0) {
        return FW_ERR_CRYPTO;
    }
    out->ptr = d->key_der + sizeof(d->key_der) - (size_t)len;
    out->len = (size_t)len;
    return FW_OK;
}

/* Base64 PKCS#10 request (CN = device id) into d->csr_b64. */
static int make_csr(device_t *d, mbedtls_pk_context *key, size_t *out_len)
{
    char subject[8 + FW_DEVICE_ID_MAX_LEN];
    memcpy(subject, "CN=", 4);
    memcpy(subject + 3, d->device_id, strlen(d->device_id) + 1);
    mbedtls_x509write_csr req;
    mbedtls_x509write_csr_init(&req);
    mbedtls_x509write_csr_set_md_alg(&req, MBEDTLS_MD_SHA256);
    mbedtls_x509write_csr_set_key(&req, key);
    int ret = mbedtls_x509write_csr_set_subject_name(&req, subject);
    int len = ret == 0
                  ? mbedtls_x509write_csr_der(&req, d->csr_der, sizeof(d->csr_der), mbedtls_ctr_drbg_random, &d->drbg)
                  : ret;
    mbedtls_x509write_csr_free(&req);
    if (len <= 0) {
        fw_link_log_mbedtls("certificate request", len);
        return FW_ERR_CRYPTO;
    }
    return fw_est_csr_body(d->csr_der + sizeof(d->csr_der) - (size_t)len, (size_t)len, d->csr_b64, sizeof(d->csr_b64),
                           out_len);
}

/* One EST request for key; the certificate it returns (into d->est_der) and its serial text. */
static int est_request(device_t *d, fw_link_t *l, const char *op, mbedtls_pk_context *key, const char *auth,
                       fw_est_cert_t *issued, char *serial, size_t serial_cap)
{
    size_t csr_len = 0;
    int rc = make_csr(d, key, &csr_len);
    if (rc != FW_OK) {
        return rc;
    }
    rc = fw_est_path(op, d->path, sizeof(d->path));
    if (rc != FW_OK) {
        return rc;
    }
    fw_http_request_t req = {
        .method = "POST",
        .path = d->path,
        .host = d->server_name,
        .extra_headers = auth,
        .content_type = FW_EST_CONTENT_TYPE,
        .body = (const uint8_t *)d->csr_b64,
        .body_len = csr_len,
    };
    fw_http_response_t resp;
    rc = fw_link_exchange(l, &req, d->http, sizeof(d->http), &resp);
    if (rc != FW_OK) {
        return rc;
    }
    rc = fw_est_status(resp.status);
    if (rc != FW_OK) {
        log_answer(op, &resp);
        return rc;
    }
    unsigned char spki[SPKI_DER_SIZE];
    int spki_len = mbedtls_pk_write_pubkey_der(key, spki, sizeof(spki));
    if (spki_len <= 0) {
        return FW_ERR_CRYPTO;
    }
    rc = fw_est_parse_answer(resp.body, resp.body_len, spki + sizeof(spki) - (size_t)spki_len, (size_t)spki_len,
                             d->est_text, sizeof(d->est_text), d->est_der, sizeof(d->est_der), issued);
    if (rc == FW_ERR_EST_NOT_BASE64) {
        fw_log_kv("DEVICE: EST answer is not ", "base64");
        return rc;
    }
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: EST answer refused: ", fw_err_str(rc));
        return rc;
    }
    serial_text(&issued->serial, serial, serial_cap);
    return FW_OK;
}

/* ------------------------------------------------------------------ the jobs */

static fw_link_config_t link_config(device_t *d, mbedtls_pk_context *key)
{
    fw_link_config_t cfg = {&d->identity.field[FW_ID_ROOT_CA], d->server_name, NULL, NULL,
                            mbedtls_ctr_drbg_random,           &d->drbg,       NULL};
    if (key != NULL) {
        cfg.device_cert = &d->identity.field[FW_ID_DEVICE_CERT];
        cfg.key = key;
    }
    return cfg;
}

/* No key yet: generate one and store it (a certificate for an older key is worthless). */
static int provision_key(device_t *d, mbedtls_pk_context *key)
{
    fw_bytes_t der = {0};
    int rc = generate_key(d, key);
    if (rc == FW_OK) {
        rc = key_der(d, key, &der);
    }
    if (rc != FW_OK) {
        return rc;
    }
    fw_identity_t next = d->identity;
    next.field[FW_ID_DEVICE_KEY] = der;
    next.field[FW_ID_DEVICE_CERT].ptr = NULL;
    next.field[FW_ID_DEVICE_CERT].len = 0;
    rc = identity_store(d, &next);
    mbedtls_platform_zeroize(d->key_der, sizeof(d->key_der));
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: storing the key failed: ", fw_err_str(rc));
        return rc;
    }
    fw_log_line("DEVICE: key stored in the identity partition");
    return FW_OK;
}

static int load_key(device_t *d, mbedtls_pk_context *key)
{
    const fw_bytes_t *k = &d->identity.field[FW_ID_DEVICE_KEY];
    int ret = mbedtls_pk_parse_key(key, k->ptr, k->len, NULL, 0);
    if (ret != 0) {
        fw_link_log_mbedtls("stored key unreadable", ret);
        return FW_ERR_IDENTITY_INVALID;
    }
    return FW_OK;
}

/* Key, no certificate, token: EST simpleenroll, store the certificate, drop the spent token. */
static int enroll(device_t *d, mbedtls_pk_context *key)
{
    int rc = fw_est_basic_auth(&d->identity.field[FW_ID_DEVICE_ID], &d->identity.field[FW_ID_TOKEN], d->auth,
                               sizeof(d->auth));
    if (rc != FW_OK) {
        return rc == FW_ERR_BUFFER_TOO_SMALL ? FW_ERR_IDENTITY_INVALID : rc;
    }
    fw_link_t l;
    fw_link_init(&l);
    fw_link_config_t cfg = link_config(d, NULL);
    fw_est_cert_t issued = {0};
    char serial[SERIAL_TEXT_SIZE] = "";
    rc = fw_link_open(&l, &cfg);
    if (rc == FW_OK) {
        fw_log_kv("DEVICE: enrolling over EST simpleenroll as ", d->device_id);
        rc = est_request(d, &l, "simpleenroll", key, d->auth, &issued, serial, sizeof(serial));
        fw_link_close(&l);
    }
    mbedtls_platform_zeroize(d->auth, sizeof(d->auth));
    fw_link_free(&l);
    if (rc != FW_OK) {
        if (rc == FW_ERR_ENROLL_REFUSED) {
            fw_log_kv("DEVICE: ENROLLMENT REFUSED for ", d->device_id);
        }
        return rc;
    }
    fw_identity_t next = d->identity;
    next.field[FW_ID_TOKEN].ptr = NULL;
    next.field[FW_ID_TOKEN].len = 0;
    next.field[FW_ID_DEVICE_CERT] = issued.cert;
    rc = identity_store(d, &next);
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: ", "identity partition write failed");
        return rc;
    }
    fw_log_kv("DEVICE: ENROLLED, certificate serial ", serial);
    return FW_OK;
}

static int session_status(int http_status)
{
    return http_status == 401 || http_status == 403 ? FW_ERR_DEVICE_REFUSED : FW_ERR_NETWORK;
}

static int check_session(device_t *d, fw_link_t *l)
{
    fw_http_request_t req = {
        .method = "GET",
        .path = "/api/v1/device/session",
        .host = d->server_name,
        .extra_headers = "Accept: text/plain\r\n",
    };
    fw_http_response_t resp;
    int rc = fw_link_exchange(l, &req, d->http, sizeof(d->http), &resp);
    if (rc != FW_OK) {
        return rc;
    }
    if (resp.status != 200 || resp.body_len < 7 || memcmp(resp.body, "AUTH OK", 7) != 0) {
        log_answer("REFUSED: session", &resp);
        return session_status(resp.status);
    }
    char line[100];
    size_t n = 0;
    while (n < resp.body_len && n < sizeof(line) - 1 && resp.body[n] >= 0x20 && resp.body[n] < 0x7f) {
        line[n] = (char)resp.body[n];
        n++;
    }
    line[n] = '\0';
    fw_log_line(line);
    return FW_OK;
}

static void append(char *dst, size_t cap, size_t *pos, const char *s)
{
    while (*s != '\0' && *pos + 1 < cap) {
        dst[(*pos)++] = *s++;
    }
    dst[*pos] = '\0';
}

static int send_telemetry(device_t *d, fw_link_t *l)
{
    char digits[FW_U32_TEXT_SIZE];
    size_t n = 0;
    uint32_t uptime_ms = (uint32_t)(fw_board_ticks() / (FW_BOARD_TICKS_PER_SECOND / 1000u));
    append(d->telemetry, sizeof(d->telemetry), &n, "{\"uptimeMs\":");
    append(d->telemetry, sizeof(d->telemetry), &n, fw_u32_text(digits, uptime_ms));
    append(d->telemetry, sizeof(d->telemetry), &n, ",\"firmwareVersion\":");
    append(d->telemetry, sizeof(d->telemetry), &n, fw_u32_text(digits, d->boot->version));
    append(d->telemetry, sizeof(d->telemetry), &n, ",\"temperatureC\":21.5}");
    size_t p = 0;
    append(d->path, sizeof(d->path), &p, "/api/v1/devices/");
    append(d->path, sizeof(d->path), &p, d->device_id);
    append(d->path, sizeof(d->path), &p, "/telemetry");
    fw_http_request_t req = {
        .method = "POST",
        .path = d->path,
        .host = d->server_name,
        .extra_headers = "",
        .content_type = "application/json",
        .body = (const uint8_t *)d->telemetry,
        .body_len = n,
    };
    fw_http_response_t resp;
    int rc = fw_link_exchange(l, &req, d->http, sizeof(d->http), &resp);
    if (rc != FW_OK) {
        return rc;
    }
    log_answer("telemetry", &resp);
    if (resp.status != 201 && resp.status != 200 && resp.status != 202) {
        return session_status(resp.status);
    }
    return FW_OK;
}

/*
 * mbedTLS 2.28 has no accessor for a certificate's validity: valid_from / valid_to are
 * documented public members of mbedtls_x509_crt (as in 3.x).
 */
static int64_t x509_seconds(const mbedtls_x509_time *t)
{
    return fw_civil_unix_seconds(t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

/* Inside the renewal window: a new key, simplereenroll on the same link, store key and certificate. */
static int renew(device_t *d, fw_link_t *l)
{
    mbedtls_pk_context next_key;
    mbedtls_pk_init(&next_key);
    fw_est_cert_t issued = {0};
    fw_bytes_t key_bytes = {0};
    char new_serial[SERIAL_TEXT_SIZE] = "";
    int rc = generate_key(d, &next_key);
    if (rc == FW_OK) {
        rc = est_request(d, l, "simplereenroll", &next_key, "", &issued, new_serial, sizeof(new_serial));
    }
    if (rc == FW_OK) {
        rc = key_der(d, &next_key, &key_bytes);
    }
    if (rc == FW_OK) {
        fw_identity_t next = d->identity;
        next.field[FW_ID_DEVICE_KEY] = key_bytes;
        next.field[FW_ID_DEVICE_CERT] = issued.cert;
        rc = identity_store(d, &next);
        if (rc == FW_OK) {
            fw_log_kv("DEVICE: RENEWED, new certificate serial ", new_serial);
        }
    }
    mbedtls_platform_zeroize(d->key_der, sizeof(d->key_der));
    mbedtls_pk_free(&next_key);
    return rc;
}

/*
 * A trial boot of a pending update ends here: the self-test is the mutual-TLS session the backend
 * answered with AUTH OK (this image can still reach and convince the backend). Passed: the slot
 * becomes the confirmed one (docs/formats.md 9.2) and the device boots again so the bootloader may
 * raise the eFuse counter for it; failed: INVALID, so the next boot returns to the confirmed slot.
 */
static int trial_end(device_t *d, int passed)
{
    fw_otadata_flash_t f;
    fw_board_otadata_flash(d->boot->otadata_offset, &f);
    uint8_t slot = (uint8_t)d->boot->slot;
    int rc = d->boot->otadata_offset == 0 ? FW_ERR_OTADATA_MISSING
             : passed                     ? fw_otadata_confirm(&f, slot)
                                          : fw_otadata_reject(&f, slot);
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: ending the trial boot failed: ", fw_err_str(rc));
        return rc;
    }
    fw_log_line(passed ? "DEVICE: trial boot passed its self-test (session AUTH OK): slot confirmed"
                       : "DEVICE: trial boot failed its self-test: slot rejected, the next boot returns");
    return FW_OK;
}

/* ------------------------------------------------------------------ updates over the air (docs/ota.md) */

/* Update status report seq numbers: one per state, so a report repeated on a later boot counts once. */
enum { SEQ_DOWNLOADING = 1, SEQ_DOWNLOADED = 2, SEQ_INSTALLING = 3, SEQ_FINAL = 4 };

static void hex_text(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static void update_path(device_t *d, const uint8_t id[FW_OFFER_UPDATE_ID_SIZE], const char *tail)
{
    char hex[2 * FW_OFFER_UPDATE_ID_SIZE + 1];
    hex_text(id, FW_OFFER_UPDATE_ID_SIZE, hex);
    size_t p = 0;
    append(d->path, sizeof(d->path), &p, "/api/v1/device/update/");
    append(d->path, sizeof(d->path), &p, hex);
    append(d->path, sizeof(d->path), &p, tail);
}

/* POST .../status; FW_OK on 204, and on 404/410 (the backend no longer knows or wants the update). */
static int update_report(device_t *d, fw_link_t *l, const uint8_t id[FW_OFFER_UPDATE_ID_SIZE], uint32_t seq,
                         const char *state, uint32_t offset, int code)
{
    char digits[FW_U32_TEXT_SIZE];
    size_t n = 0;
    char *r = d->report;
    size_t cap = sizeof(d->report);
    append(r, cap, &n, "{\"seq\":");
    append(r, cap, &n, fw_u32_text(digits, seq));
    append(r, cap, &n, ",\"state\":\"");
    append(r, cap, &n, state);
    append(r, cap, &n, "\",\"offset\":");
    append(r, cap, &n, fw_u32_text(digits, offset));
    append(r, cap, &n, ",\"code\":");
    append(r, cap, &n, fw_u32_text(digits, (uint32_t)(code < 0 ? -code : code)));
    append(r, cap, &n, ",\"runningVersion\":");
    append(r, cap, &n, fw_u32_text(digits, d->boot->version));
    append(r, cap, &n, ",\"buildId\":\"");
    /* the build id as the manifest holds it: printable ASCII up to the first NUL, JSON-escaped */
    for (size_t i = 0; i < sizeof(d->boot->build_id) && d->boot->build_id[i] != 0 && n + 3 < cap; i++) {
        char c = (char)d->boot->build_id[i];
        if (c == '"' || c == '\\') {
            r[n++] = '\\';
        }
        r[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    r[n] = '\0';
    append(r, cap, &n, "\",\"efuseSv\":");
    append(r, cap, &n, fw_u32_text(digits, d->boot->efuse_security_version));
    append(r, cap, &n, "}");
    update_path(d, id, "/status");
    fw_http_request_t req = {
        .method = "POST",
        .path = d->path,
        .host = d->server_name,
        .extra_headers = "",
        .content_type = "application/json",
        .body = (const uint8_t *)r,
        .body_len = n,
    };
    fw_http_response_t resp;
    int rc = fw_link_exchange(l, &req, d->http, sizeof(d->http), &resp);
    if (rc != FW_OK) {
        return rc;
    }
    fw_log_begin();
    fw_log_str("DEVICE: update report ");
    fw_log_str(state);
    fw_log_str(": HTTP ");
    fw_log_u32((uint32_t)resp.status);
    fw_log_end();
    return resp.status == 204 || resp.status == 404 || resp.status == 410 ? FW_OK : session_status(resp.status);
}

/* The record as it stands, or a fresh device's: slot 0 (the booted slot) confirmed, nothing pending. */
static int record_now(device_t *d, fw_otadata_t *r)
{
    int rc = fw_otadata_read(&d->record_flash, r, NULL);
    if (rc == FW_ERR_OTADATA_MISSING) {
        fw_otadata_init(r);
        r->active = (uint8_t)d->boot->slot;
        return FW_OK;
    }
    return rc;
}

/*
 * A report owed by an earlier boot (docs/formats.md 9.2): the confirmed update (SUCCEEDED, sent by
 * the new image itself) or a trial that the bootloader or the self-test ended (REVERTED). Reports
 * never decide a rollback; one that fails stays owed for a later boot.
 */
static int report_owed(device_t *d, fw_link_t *l)
{
    fw_otadata_t r;
    if (record_now(d, &r) != FW_OK || (r.flags & FW_OTADATA_FLAG_REPORT_OWED) == 0) {
        return FW_OK;
    }
    const char *state = r.pending_state == FW_OTA_NONE && r.active == d->boot->slot              ? "SUCCEEDED"
                        : r.pending_state == FW_OTA_INVALID || r.pending_state == FW_OTA_ABORTED ? "REVERTED"
                                                                                                 : NULL;
    if (state == NULL) {
        return FW_OK; /* a trial still running: its own boot ends it */
    }
    int code = r.pending_state == FW_OTA_ABORTED ? FW_ERR_OTADATA_ABORTED : 0;
    int rc = update_report(d, l, r.update_id, SEQ_FINAL, state, 0, code);
    if (rc != FW_OK) {
        return rc;
    }
    r.flags &= (uint8_t)~FW_OTADATA_FLAG_REPORT_OWED;
    return fw_otadata_write(&d->record_flash, &r);
}

/* The policy the bootloader will apply to the new slot: ROM key digests, eFuse revocations and counter. */
static int update_policy(fw_keyring_t *keys, fw_boot_policy_t *policy)
{
    fw_efuse_t efuse;
    int rc = fw_keyring_parse((const uint8_t *)FW_ROM_KEYBLOCK, FW_KEYBLOCK_SIZE, keys);
    if (rc == FW_OK) {
        rc = fw_efuse_parse((const uint8_t *)(FW_FLASH_BASE + FW_EFUSE_OFFSET), FW_EFUSE_SIZE, &efuse);
    }
    if (rc != FW_OK) {
        return rc;
    }
    fw_keyring_set_revoked(keys, efuse.key_revoke);
    fw_boot_policy_t p = {keys,          FW_IMAGE_TYPE_APP, fw_efuse_security_version(&efuse),
                          FW_APP_RAM_LO, FW_APP_RAM_HI,     NULL};
    *policy = p;
    return FW_OK;
}

/* GET /api/v1/device/update: FW_OK with *offered = 1 and d->offer parsed, or *offered = 0 (204). */
static int update_poll(device_t *d, fw_link_t *l, int *offered)
{
    *offered = 0;
    d->poll_at = fw_board_instret();
    d->poll_waited = fw_uart_wait_instructions();
    fw_http_request_t req = {
        .method = "GET",
        .path = "/api/v1/device/update",
        .host = d->server_name,
        .extra_headers = "Accept: application/vnd.devicetrust.offer\r\n",
    };
    fw_http_response_t resp;
    int rc = fw_link_exchange(l, &req, d->http, sizeof(d->http), &resp);
    if (rc != FW_OK) {
        return rc;
    }
    if (resp.status == 204) {
        fw_log_line("DEVICE: no update offered");
        return FW_OK;
    }
    if (resp.status != 200) {
        log_answer("update poll", &resp);
        return session_status(resp.status);
    }
    rc = fw_offer_parse(resp.body, resp.body_len, d->boot->other_size, &d->offer);
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: update offer refused: ", fw_err_str(rc));
        return FW_OK; /* nothing to report to: the offer's update id is not trusted */
    }
    *offered = 1;
    return FW_OK;
}

/* Programs body[0, n) at the other slot's byte `at` (n a multiple of 4) and reads it back. */
static int slot_program(device_t *d, uint32_t at, const uint8_t *body, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t w =
            (uint32_t)body[i] | (uint32_t)body[i + 1] << 8 | (uint32_t)body[i + 2] << 16 | (uint32_t)body[i + 3] << 24;
        if (fw_board_flash_program_word(d->boot->other_offset + at + (uint32_t)i, w) != 0) {
            return FW_ERR_FLASH_WRITE;
        }
    }
    return FW_OK;
}

/* One Range request; the answer must be exactly the bytes asked for. */
static int fetch_chunk(device_t *d, fw_link_t *l, const char *etag, uint32_t first, uint32_t last)
{
    char digits[FW_U32_TEXT_SIZE];
    size_t n = 0;
    append(d->headers, sizeof(d->headers), &n, "Range: bytes=");
    append(d->headers, sizeof(d->headers), &n, fw_u32_text(digits, first));
    append(d->headers, sizeof(d->headers), &n, "-");
    append(d->headers, sizeof(d->headers), &n, fw_u32_text(digits, last));
    append(d->headers, sizeof(d->headers), &n, "\r\nIf-Match: \"");
    append(d->headers, sizeof(d->headers), &n, etag);
    append(d->headers, sizeof(d->headers), &n, "\"\r\n");
    update_path(d, d->offer.update_id, "/image");
    fw_http_request_t req = {.method = "GET", .path = d->path, .host = d->server_name, .extra_headers = d->headers};
    fw_http_response_t resp;
    int rc = fw_link_exchange(l, &req, d->http, sizeof(d->http), &resp);
    if (rc != FW_OK) {
        return rc;
    }
    if (resp.status == 410 || resp.status == 404 || resp.status == 412) {
        log_answer("update chunk", &resp);
        return FW_ERR_UPDATE_WITHDRAWN; /* revoked, stopped, or the release changed: start again from an offer */
    }
    fw_http_content_range_t cr;
    if (resp.status != 206 || resp.content_range == NULL ||
        fw_http_content_range_parse(resp.content_range, resp.content_range_len, &cr) != FW_OK || cr.unsatisfied ||
        cr.first != first || cr.last != last || cr.complete != d->offer.image_length ||
        resp.body_len != (size_t)(last - first + 1)) {
        /* the body is image bytes: the log names the answer's shape, never prints it */
        fw_log_begin();
        fw_log_str("DEVICE: REFUSED: update chunk for bytes ");
        fw_log_u32(first);
        fw_log_str("-");
        fw_log_u32(last);
        fw_log_str(": HTTP ");
        fw_log_u32((uint32_t)resp.status);
        fw_log_str(", ");
        fw_log_u32((uint32_t)resp.body_len);
        fw_log_str(" body bytes, Content-Range ");
        fw_log_str(resp.content_range != NULL ? "present" : "missing");
        if (resp.content_range != NULL && resp.content_range_len < 64) {
            char range_text[64];
            memcpy(range_text, resp.content_range, resp.content_range_len);
            range_text[resp.content_range_len] = '\0';
            for (size_t i = 0; i < resp.content_range_len; i++) {
                range_text[i] = range_text[i] >= 0x20 && range_text[i] < 0x7f ? range_text[i] : '?';
            }
            fw_log_str(": ");
            fw_log_str(range_text);
        }
        fw_log_end();
        return FW_ERR_UPDATE_ANSWER;
    }
    /* Programmed and then checkpointed by the caller; a server that closes after this answer fails the next
     * request, and the next boot resumes after this chunk. */
    return slot_program(d, first, resp.body, resp.body_len);
}

/* The whole slot against the verified offer: manifest and signature block bytes, payload digest. */
static int slot_matches_offer(device_t *d)
{
    const uint8_t *slot = (const uint8_t *)(uintptr_t)(FW_FLASH_BASE + d->boot->other_offset);
    uint32_t len = d->offer.image_length;
    uint8_t digest[FW_SHA256_SIZE];
    if (fw_ct_diff(slot, d->offer.manifest_bytes, FW_MANIFEST_SIZE) != 0 ||
        fw_ct_diff(slot + len - FW_SIGBLOCK_SIZE, d->offer.sigblock_bytes, FW_SIGBLOCK_SIZE) != 0 ||
        fw_sha256(slot + FW_MANIFEST_SIZE, d->offer.manifest.image_size, digest) != FW_OK ||
        fw_ct_diff(digest, d->offer.manifest.image_digest, FW_SHA256_SIZE) != 0) {
        return FW_ERR_UPDATE_IMAGE;
    }
    return FW_OK;
}

/* Erases the other slot's sectors the image needs; the record already says the slot is not confirmed. */
static int slot_erase(device_t *d)
{
    for (uint32_t at = 0; at < d->offer.image_length; at += FW_FLASH_SECTOR) {
        if (fw_board_flash_erase_sector(d->boot->other_offset + at) != 0) {
            return FW_ERR_FLASH_WRITE;
        }
    }
    return FW_OK;
}

/*
 * The offered update, from the checks before the first chunk to the install (docs/ota.md, "The
 * device"): *reboot = 1 once the new slot is recorded as NEW, so the bootloader boots it on trial.
 */
static int update_apply(device_t *d, fw_link_t *l, int *reboot)
{
    fw_offer_t *o = &d->offer;
    char id[2 * FW_OFFER_UPDATE_ID_SIZE + 1];
    fw_offer_update_id_hex(o, id);
    fw_log_begin();
    fw_log_str("DEVICE: update ");
    fw_log_str(id);
    fw_log_str(" offered: app v");
    fw_log_u32(o->manifest.version);
    fw_log_str(", security version ");
    fw_log_u32(o->manifest.security_version);
    fw_log_str(", ");
    fw_log_u32(o->image_length);
    fw_log_str(" bytes in chunks of ");
    fw_log_u32(o->chunk_size);
    fw_log_str(" (polled at instruction ");
    fw_log_u32(d->poll_at);
    fw_log_str(", ");
    fw_log_u32(d->poll_waited);
    fw_log_str(" of them polling the UART)");
    fw_log_end();

    fw_keyring_t keys;
    fw_boot_policy_t policy;
    int key_slot = -1;
    int rc = update_policy(&keys, &policy);
    if (rc == FW_OK) {
        rc = fw_offer_verify(o, &policy, &key_slot);
    }
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: update REJECTED before download: ", fw_err_str(rc));
        return update_report(d, l, o->update_id, SEQ_FINAL, "REJECTED", 0, rc);
    }

    fw_progress_header_t h;
    memset(&h, 0, sizeof(h));
    h.slot = (uint8_t)(1 - d->boot->slot);
    memcpy(h.update_id, o->update_id, sizeof(h.update_id));
    if (fw_sha256(o->manifest_bytes, FW_MANIFEST_SIZE, h.manifest_digest) != FW_OK) {
        return FW_ERR_CRYPTO;
    }
    h.image_length = o->image_length;
    h.chunk_size = o->chunk_size;
    char etag[2 * FW_SHA256_SIZE + 1];
    hex_text(h.manifest_digest, FW_SHA256_SIZE, etag);

    fw_progress_t progress;
    uint32_t progress_at = d->boot->otadata_offset + FW_PROGRESS_IN_OTADATA;
    rc = fw_progress_open(&progress, &d->record_flash, progress_at, &h);
    if (rc == FW_OK) {
        fw_log_begin();
        fw_log_str("DEVICE: update download resumes at byte ");
        fw_log_u32(progress.done);
        fw_log_end();
    } else {
        /* A new download: first the record says the other slot is not confirmed, then it is erased. */
        fw_otadata_t r;
        rc = record_now(d, &r);
        if (rc == FW_OK) {
            r.active = (uint8_t)d->boot->slot;
            r.pending_slot = h.slot;
            r.pending_state = FW_OTA_INVALID;
            r.attempts = 0;
            memcpy(r.update_id, o->update_id, sizeof(r.update_id));
            memcpy(r.pending_digest, h.manifest_digest, sizeof(r.pending_digest));
            rc = fw_otadata_write(&d->record_flash, &r);
        }
        if (rc == FW_OK) {
            rc = fw_progress_begin(&progress, &d->record_flash, progress_at, &h);
        }
        if (rc == FW_OK) {
            rc = slot_erase(d);
        }
        if (rc == FW_OK) {
            rc = fw_progress_mark(&progress, 0);
        }
        if (rc != FW_OK) {
            fw_log_kv("DEVICE: update slot preparation failed: ", fw_err_str(rc));
            return rc;
        }
    }
    rc = update_report(d, l, o->update_id, SEQ_DOWNLOADING, "DOWNLOADING", progress.done, 0);
    uint32_t t0 = fw_board_instret(), w0 = fw_uart_wait_instructions(), chunks = 0, resumed_at = progress.done;
    while (rc == FW_OK && progress.done < o->image_length) {
        uint32_t first = progress.done;
        uint32_t last = o->image_length - first > o->chunk_size ? first + o->chunk_size - 1 : o->image_length - 1;
        rc = fetch_chunk(d, l, etag, first, last);
        if (rc == FW_OK) { /* only a chunk wholly programmed is checkpointed */
            rc = fw_progress_mark(&progress, last + 1);
            chunks++;
        }
    }
    fw_log_begin();
    fw_log_str("DEVICE: update download: ");
    fw_log_u32(progress.done - resumed_at);
    fw_log_str(" bytes in ");
    fw_log_u32(chunks);
    fw_log_str(" chunks, ");
    fw_log_u32(fw_board_instret() - t0);
    fw_log_str(" instructions (");
    fw_log_u32(fw_uart_wait_instructions() - w0);
    fw_log_str(" polling the UART for the server), now at byte ");
    fw_log_u32(progress.done);
    fw_log_str(" of ");
    fw_log_u32(o->image_length);
    fw_log_end();
    if (rc == FW_ERR_UPDATE_WITHDRAWN) {
        fw_log_line("DEVICE: update withdrawn or changed by the backend: download abandoned");
        return fw_progress_clear(&d->record_flash, progress_at);
    }
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: update download stopped: ", fw_err_str(rc));
        return rc; /* the checkpoints stay: the next boot resumes */
    }
    rc = slot_matches_offer(d);
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: update FAILED, never activated: ", fw_err_str(rc));
        int cleared = fw_progress_clear(&d->record_flash, progress_at);
        int reported = update_report(d, l, o->update_id, SEQ_FINAL, "FAILED", progress.done, rc);
        return cleared != FW_OK ? cleared : reported;
    }
    rc = update_report(d, l, o->update_id, SEQ_DOWNLOADED, "DOWNLOADED", progress.done, 0);
    if (rc != FW_OK) {
        return rc;
    }
    /* Install: the record flips to NEW (a report owed), and the next boot tries the slot once. */
    fw_otadata_t r;
    rc = record_now(d, &r);
    if (rc == FW_OK) {
        r.pending_slot = h.slot;
        r.pending_state = FW_OTA_NEW;
        r.attempts = 0;
        r.flags |= FW_OTADATA_FLAG_REPORT_OWED;
        memcpy(r.update_id, o->update_id, sizeof(r.update_id));
        memcpy(r.pending_digest, h.manifest_digest, sizeof(r.pending_digest));
        rc = fw_otadata_write(&d->record_flash, &r);
    }
    if (rc != FW_OK) {
        fw_log_kv("DEVICE: update install failed: ", fw_err_str(rc));
        return rc;
    }
    fw_progress_clear(&d->record_flash, progress_at); /* best effort: its header no longer matches anything */
    fw_log_line("DEVICE: update verified and installed: rebooting into it on trial");
    *reboot = 1;
    return update_report(d, l, o->update_id, SEQ_INSTALLING, "INSTALLING", progress.done, 0);
}

/* The update part of a session: owed reports first, then at most one offer. */
static int update_job(device_t *d, fw_link_t *l, int *reboot)
{
    if (d->boot->otadata_offset == 0 || d->boot->other_offset == 0) {
        return FW_OK; /* a flash without A/B slots takes no updates */
    }
    fw_board_otadata_flash(d->boot->otadata_offset, &d->record_flash);
    int rc = report_owed(d, l);
    int offered = 0;
    if (rc == FW_OK) {
        rc = update_poll(d, l, &offered);
    }
    if (rc == FW_OK && offered) {
        rc = update_apply(d, l, reboot);
    }
    fw_offer_free(&d->offer);
    return rc;
}

/* Certificate present: mutual TLS, session, telemetry, renewal when due (*renewed = 1). */
static int run_session(device_t *d, mbedtls_pk_context *key, int *renewed)
{
    fw_link_t l;
    fw_link_init(&l);
    fw_link_config_t cfg = link_config(d, key);
    fw_bytes_t stored = {0};
    session_load(d, &stored);
    cfg.session = stored.ptr != NULL ? &stored : NULL;
    int rc = fw_link_open(&l, &cfg);
    mbedtls_platform_zeroize(d->session_raw, sizeof(d->session_raw));
    if (rc != FW_OK) {
        fw_link_free(&l);
        return rc;
    }
    /* serial: a documented public member of mbedtls_x509_crt, no accessor in mbedTLS 2.28. */
    char serial[SERIAL_TEXT_SIZE] = "";
    fw_bytes_t own_serial = {l.own.serial.p, l.own.serial.len};
    serial_text(&own_serial, serial, sizeof(serial));
    fw_log_kv("DEVICE: presenting certificate serial ", serial);

    rc = check_session(d, &l);
    if (d->boot->trial) {
        int ended = trial_end(d, rc == FW_OK);
        *renewed = ended == FW_OK; /* boot again: confirmed (the counter may rise) or back to the old slot */
        if (rc == FW_OK) {
            rc = ended;
        }
    }
    if (rc == FW_OK && !l.resumed) {
        rc = session_store(d, &l); /* accepted on a full handshake: the next boot resumes this session */
    }
    if (rc == FW_OK) {
        rc = send_telemetry(d, &l);
    }
    if (rc == FW_OK && !d->boot->trial && !*renewed) {
        rc = update_job(d, &l, renewed);
    }
    if (rc == FW_OK && !*renewed &&
        fw_est_renewal_due(x509_seconds(&l.own.valid_from), x509_seconds(&l.own.valid_to), fw_time(NULL))) {
        fw_log_kv("DEVICE: certificate inside its renewal window, renewing with simplereenroll, old serial ", serial);
        rc = renew(d, &l); /* a new key and certificate: the stored session goes with the old ones */
        *renewed = rc == FW_OK;
    }
    fw_link_close(&l);
    fw_link_free(&l);
    return rc;
}

/* ------------------------------------------------------------------ the job sequence */

static int start(device_t *d)
{
    if (d->boot->identity_size < FW_SESSION_RECORD_OFFSET + FW_SESSION_MAX_SIZE) {
        fw_log_line("DEVICE: no identity partition");
        return FW_ERR_IDENTITY_MISSING;
    }
    int ret = identity_load(d);
    const fw_identity_t *id = &d->identity;
    if (ret != FW_OK || id->field[FW_ID_DEVICE_ID].ptr == NULL || id->field[FW_ID_ROOT_CA].ptr == NULL ||
        id->field[FW_ID_SERVER_NAME].ptr == NULL) {
        fw_log_kv("DEVICE: identity partition unusable: ", ret != FW_OK ? fw_err_str(ret) : "factory fields missing");
        return ret != FW_OK ? ret : FW_ERR_IDENTITY_INCOMPLETE;
    }
    copy_text(d->device_id, sizeof(d->device_id), &id->field[FW_ID_DEVICE_ID]);
    copy_text(d->server_name, sizeof(d->server_name), &id->field[FW_ID_SERVER_NAME]);
    uint64_t clock = fw_identity_clock(id);
    fw_platform_set_clock(clock);
    fw_log_kv("DEVICE: id ", d->device_id);
    if (clock == 0) {
        /* Without a clock every certificate date check would be skipped or fail: refuse to run. */
        fw_log_line("DEVICE: no clock provisioned: certificate dates cannot be checked");
        return FW_ERR_IDENTITY_INCOMPLETE;
    }
    mbedtls_entropy_init(&d->entropy);
    mbedtls_ctr_drbg_init(&d->drbg);
    ret = mbedtls_ctr_drbg_seed(&d->drbg, mbedtls_entropy_func, &d->entropy, (const unsigned char *)d->device_id,
                                strlen(d->device_id));
    if (ret != 0) {
        fw_link_log_mbedtls("seeding the DRBG from the seed CSR", ret);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

/* The boot's job; *reboot = 1 when the device must boot again (enrolled or renewed). */
static int run(device_t *d, int *reboot)
{
    int rc = start(d);
    if (rc != FW_OK) {
        return rc;
    }
    mbedtls_pk_context key;
    mbedtls_pk_init(&key);
    rc = d->identity.field[FW_ID_DEVICE_KEY].ptr == NULL ? provision_key(d, &key) : load_key(d, &key);
    if (rc == FW_OK) {
        if (d->identity.field[FW_ID_DEVICE_CERT].ptr != NULL) {
            rc = run_session(d, &key, reboot);
        } else if (d->identity.field[FW_ID_TOKEN].ptr == NULL) {
            fw_log_line("DEVICE: no certificate and no enrollment token: cannot enroll");
            rc = FW_ERR_IDENTITY_INCOMPLETE;
        } else {
            rc = enroll(d, &key);
            *reboot = rc == FW_OK;
        }
    }
    mbedtls_pk_free(&key);
    return rc;
}

int fw_main(const fw_handoff_t *handoff)
{
    if (handoff == 0 || handoff->magic != FW_HANDOFF_MAGIC) {
        fw_log_line("APP: started without a verified hand-off");
        fw_board_exit(FW_EXIT_TRAP);
    }
    dev.boot = handoff;
    fw_board_heap_init();
    fw_log_begin();
    fw_log_str("APP: " FW_APP_NAME " v");
    fw_log_u32(handoff->version);
    fw_log_str(", security version ");
    fw_log_u32(handoff->security_version);
    fw_log_end();

    int reboot = 0;
    int rc = run(&dev, &reboot);
    log_heap_and_exit(rc == FW_OK && reboot ? EXIT_REBOOT : exit_code(rc));
}
