/*
 * The device's link to the backend: TLS 1.2 over the UART (the UART is the TCP stream, see
 * firmware/docs/identity.md 4) and one HTTP exchange at a time on it. Failures are logged here,
 * where their details are known, and returned as negative fw_err_t codes.
 */
#ifndef FW_BOARD_LINK_H
#define FW_BOARD_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "fw/http.h"
#include "fw/identity.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#define FW_LINK_READ_TIMEOUT_MS 10000u

typedef struct {
    const fw_bytes_t *root_ca;     /* DER: the only trust anchor (pinned) */
    const char *server_name;       /* the server certificate must carry it */
    const fw_bytes_t *device_cert; /* DER, with key: mutual TLS; NULL: server-auth only */
    mbedtls_pk_context *key;
    int (*f_rng)(void *, unsigned char *, size_t);
    void *p_rng;
    const fw_bytes_t *session; /* mutual TLS: a stored session to offer (mbedtls_ssl_session_save), or NULL */
} fw_link_config_t;

typedef struct {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt root;
    mbedtls_x509_crt own; /* the device certificate presented, parsed (mutual TLS only) */
    const char *server_name;
    int mutual;
    int chain_verified; /* the server's chain was verified in this handshake: a full one */
    int resumed;        /* the server accepted the offered session: no certificates, no ECDHE */
} fw_link_t;

void fw_link_init(fw_link_t *l);
void fw_link_free(fw_link_t *l);

/* Handshake with the pinned root and server name; logs the handshake's cost. */
int fw_link_open(fw_link_t *l, const fw_link_config_t *cfg);

/*
 * One request and its complete response. buf holds the request head while it is sent, then the
 * response; resp points into buf. Every read has the link's read timeout.
 */
int fw_link_exchange(fw_link_t *l, const fw_http_request_t *req, uint8_t *buf, size_t cap, fw_http_response_t *resp);

/*
 * The session of the open link, serialised for the next boot (mbedtls_ssl_session_save: holds
 * the master secret; the caller wipes buf once stored).
 */
int fw_link_session_save(fw_link_t *l, uint8_t *buf, size_t cap, size_t *out_len);

/* Sends close_notify (best effort: the link ends with the boot anyway). */
void fw_link_close(fw_link_t *l);

/* "DEVICE: <what>: mbedTLS error -0x..." */
void fw_link_log_mbedtls(const char *what, int ret);

#endif /* FW_BOARD_LINK_H */
