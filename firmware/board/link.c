/* TLS over the UART and HTTP exchanges on it (board/link.h). */
#include "link.h"

#include <string.h>

#include "board.h"
#include "fw/err.h"

/* ECDHE groups, preferred first (X25519 costs the device less), and the curve of the server's key. */
static const mbedtls_ecp_group_id link_curves[] = {MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1,
                                                   MBEDTLS_ECP_DP_NONE};
static const int link_suites[] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0};

void fw_link_log_mbedtls(const char *what, int ret)
{
    fw_log_begin();
    fw_log_str("DEVICE: ");
    fw_log_str(what);
    fw_log_str(": mbedTLS error -");
    fw_log_hex32((uint32_t)(-ret));
    fw_log_end();
}

static int uart_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    fw_uart_write(buf, (uint32_t)len);
    return (int)len;
}

static int uart_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    (void)ctx;
    uint32_t n = fw_uart_read(buf, (uint32_t)len, timeout_ms == 0 ? FW_LINK_READ_TIMEOUT_MS : timeout_ms);
    return n == 0 ? MBEDTLS_ERR_SSL_TIMEOUT : (int)n;
}

/*
 * The description byte of the fatal alert just received. mbedTLS 2.28 has no accessor for it
 * (nor has 3.x): it is read from the record buffer, where the alert's second byte sits.
 */
static uint32_t received_alert(const fw_link_t *l)
{
    return l->ssl.in_msg != NULL ? l->ssl.in_msg[1] : 0u;
}

/*
 * Whether the client has sent its whole last flight (Certificate ... Finished) and waits for
 * the server's ChangeCipherSpec. mbedTLS 2.28 has no accessor for the handshake state (3.x
 * only answers "over or not"), so the state field is compared.
 */
static int sent_last_flight(const fw_link_t *l)
{
    return l->ssl.state >= MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC;
}

void fw_link_init(fw_link_t *l)
{
    memset(l, 0, sizeof(*l));
    mbedtls_ssl_init(&l->ssl);
    mbedtls_ssl_config_init(&l->conf);
    mbedtls_x509_crt_init(&l->root);
    mbedtls_x509_crt_init(&l->own);
}

void fw_link_free(fw_link_t *l)
{
    mbedtls_ssl_free(&l->ssl);
    mbedtls_ssl_config_free(&l->conf);
    mbedtls_x509_crt_free(&l->root);
    mbedtls_x509_crt_free(&l->own);
}

/*
 * Called for each certificate of the server's chain, which only a full handshake sends: a
 * resumed one is recognised by its absence. Changes no verdict (flags pass through).
 */
static int note_chain(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)crt;
    (void)depth;
    (void)flags;
    ((fw_link_t *)ctx)->chain_verified = 1;
    return 0;
}

/* Offers a stored session; one that does not load only costs the offer (full handshake). */
static void offer_session(fw_link_t *l, const fw_bytes_t *stored)
{
    mbedtls_ssl_session session;
    mbedtls_ssl_session_init(&session);
    int ret = mbedtls_ssl_session_load(&session, stored->ptr, stored->len);
    if (ret == 0) {
        ret = mbedtls_ssl_set_session(&l->ssl, &session);
    }
    mbedtls_ssl_session_free(&session);
    if (ret != 0) {
        fw_link_log_mbedtls("stored TLS session not offered", ret);
        return;
    }
    fw_log_line("DEVICE: offering the stored TLS session");
}

static int configure(fw_link_t *l, const fw_link_config_t *cfg)
{
    int ret = mbedtls_x509_crt_parse_der(&l->root, cfg->root_ca->ptr, cfg->root_ca->len);
    if (ret != 0) {
        fw_link_log_mbedtls("pinned root CA unreadable", ret);
        return FW_ERR_IDENTITY_INVALID;
    }
    if (l->mutual) {
        ret = mbedtls_x509_crt_parse_der(&l->own, cfg->device_cert->ptr, cfg->device_cert->len);
        if (ret != 0) {
            fw_link_log_mbedtls("device certificate unreadable", ret);
            return FW_ERR_IDENTITY_INVALID;
        }
    }
    ret = mbedtls_ssl_config_defaults(&l->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return FW_ERR_CRYPTO;
    }
    mbedtls_ssl_conf_authmode(&l->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&l->conf, &l->root, NULL);
    mbedtls_ssl_conf_rng(&l->conf, cfg->f_rng, cfg->p_rng);
    mbedtls_ssl_conf_read_timeout(&l->conf, FW_LINK_READ_TIMEOUT_MS);
    mbedtls_ssl_conf_curves(&l->conf, link_curves);
    mbedtls_ssl_conf_ciphersuites(&l->conf, link_suites);
    mbedtls_ssl_conf_min_version(&l->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_verify(&l->conf, note_chain, l);
    if (l->mutual && mbedtls_ssl_conf_own_cert(&l->conf, &l->own, cfg->key) != 0) {
        return FW_ERR_CRYPTO;
    }
    if ((ret = mbedtls_ssl_setup(&l->ssl, &l->conf)) != 0 ||
        (ret = mbedtls_ssl_set_hostname(&l->ssl, l->server_name)) != 0) {
        fw_link_log_mbedtls("TLS setup", ret);
        return FW_ERR_CRYPTO;
    }
    mbedtls_ssl_set_bio(&l->ssl, NULL, uart_send, NULL, uart_recv_timeout);
    if (l->mutual && cfg->session != NULL) {
        offer_session(l, cfg->session);
    }
    return FW_OK;
}

/* Turns a failed handshake into the verdict the device reports. */
static int handshake_failed(const fw_link_t *l, int ret)
{
    uint32_t flags = mbedtls_ssl_get_verify_result(&l->ssl);
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || (flags != 0 && flags != (uint32_t)-1)) {
        char why[120];
        int n = mbedtls_x509_crt_verify_info(why, sizeof(why), "", flags);
        if (n > 0 && why[n - 1] == '\n') {
            why[n - 1] = '\0';
        }
        fw_log_kv("DEVICE: handshake aborted, server certificate rejected: ", why);
        return FW_ERR_SERVER_UNTRUSTED;
    }
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
        fw_log_begin();
        fw_log_str("DEVICE: REFUSED: the server ended the handshake with alert ");
        fw_log_u32(received_alert(l));
        fw_log_str(l->mutual ? " (device certificate not accepted)" : "");
        fw_log_end();
        return FW_ERR_DEVICE_REFUSED;
    }
    if (ret == MBEDTLS_ERR_SSL_TIMEOUT && l->mutual && sent_last_flight(l)) {
        /*
         * The UART carries no TCP close: a server that drops the connection after reading the
         * device certificate (without an alert) looks like silence after our Finished.
         */
        fw_log_line("DEVICE: REFUSED: the server went silent after receiving the device certificate "
                    "(device certificate not accepted)");
        return FW_ERR_DEVICE_REFUSED;
    }
    if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
        fw_log_kv("DEVICE: handshake failed: ", "no answer from the server within the read timeout");
        return FW_ERR_NETWORK;
    }
    fw_link_log_mbedtls("handshake failed", ret);
    return FW_ERR_NETWORK;
}

int fw_link_open(fw_link_t *l, const fw_link_config_t *cfg)
{
    if (cfg == NULL || cfg->root_ca == NULL || cfg->server_name == NULL || cfg->f_rng == NULL ||
        (cfg->key != NULL && cfg->device_cert == NULL)) {
        return FW_ERR_BAD_ARGUMENT;
    }
    l->server_name = cfg->server_name;
    l->mutual = cfg->key != NULL;
    int rc = configure(l, cfg);
    if (rc != FW_OK) {
        return rc;
    }
    uint32_t start = fw_board_instret();
    uint32_t start_wait = fw_uart_wait_instructions();
    uint64_t start_ticks = fw_board_ticks();
    int ret;
    while ((ret = mbedtls_ssl_handshake(&l->ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            return handshake_failed(l, ret);
        }
    }
    uint32_t cost = fw_board_instret() - start;
    uint32_t waited = fw_uart_wait_instructions() - start_wait;
    uint64_t ticks = fw_board_ticks() - start_ticks;
    l->resumed = !l->chain_verified;
    fw_log_begin();
    fw_log_str("DEVICE: TLS 1.2 handshake with ");
    fw_log_str(l->server_name);
    fw_log_str(l->mutual ? " (mutual, " : " (server-auth, ");
    fw_log_str(l->resumed ? "session resumed, " : "");
    fw_log_str(mbedtls_ssl_get_ciphersuite(&l->ssl));
    fw_log_str("): ");
    fw_log_u32(cost);
    fw_log_str(" instructions (");
    fw_log_u32(waited);
    fw_log_str(" polling for the server), ");
    fw_log_u32((uint32_t)(ticks / (FW_BOARD_TICKS_PER_SECOND / 1000u)));
    fw_log_str(" ms");
    fw_log_end();
    return FW_OK;
}

static int write_all(fw_link_t *l, const uint8_t *buf, size_t len)
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

int fw_link_exchange(fw_link_t *l, const fw_http_request_t *req, uint8_t *buf, size_t cap, fw_http_response_t *resp)
{
    size_t head_len = 0;
    int rc = fw_http_request_head(req, (char *)buf, cap, &head_len);
    if (rc != FW_OK) {
        return rc;
    }
    int ret = write_all(l, buf, head_len);
    if (ret == 0 && req->body != NULL) {
        ret = write_all(l, req->body, req->body_len);
    }
    if (ret != 0) {
        fw_link_log_mbedtls("sending the request", ret);
        return FW_ERR_NETWORK;
    }
    size_t got = 0;
    for (;;) {
        int at_eof = 0;
        ret = mbedtls_ssl_read(&l->ssl, buf + got, cap - got);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) {
            at_eof = 1;
        } else if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
            fw_log_begin();
            fw_log_str("DEVICE: REFUSED: the server sent alert ");
            fw_log_u32(received_alert(l));
            fw_log_str(" instead of an answer");
            fw_log_end();
            return FW_ERR_DEVICE_REFUSED;
        } else if (ret < 0) {
            fw_link_log_mbedtls(
                ret == MBEDTLS_ERR_SSL_TIMEOUT ? "no HTTP answer within the read timeout" : "reading the answer", ret);
            return FW_ERR_NETWORK;
        } else {
            got += (size_t)ret;
        }
        int pr = fw_http_parse_response(buf, got, at_eof, resp);
        if (pr == FW_OK) {
            return FW_OK;
        }
        if (pr != FW_ERR_HTTP_INCOMPLETE || got == cap || at_eof) {
            fw_log_kv("DEVICE: answer unusable: ",
                      fw_err_str(pr == FW_ERR_HTTP_INCOMPLETE ? FW_ERR_BUFFER_TOO_SMALL : pr));
            return FW_ERR_NETWORK;
        }
    }
}

int fw_link_session_save(fw_link_t *l, uint8_t *buf, size_t cap, size_t *out_len)
{
    mbedtls_ssl_session session;
    mbedtls_ssl_session_init(&session);
    int ret = mbedtls_ssl_get_session(&l->ssl, &session);
    if (ret == 0) {
        ret = mbedtls_ssl_session_save(&session, buf, cap, out_len);
    }
    mbedtls_ssl_session_free(&session);
    if (ret != 0) {
        fw_link_log_mbedtls("saving the TLS session", ret);
        return FW_ERR_CRYPTO;
    }
    return FW_OK;
}

void fw_link_close(fw_link_t *l)
{
    mbedtls_ssl_close_notify(&l->ssl);
}
