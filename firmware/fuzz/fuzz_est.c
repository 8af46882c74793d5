/*
 * libFuzzer target: EST answer (base64 certs-only PKCS#7 from the network, inside TLS) and the
 * certificate walk that picks the device's own certificate from it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw/est.h"

/* SubjectPublicKeyInfo of test/device-vectors/device-cert.der: the corpus answers carry it. */
static const uint8_t device_spki[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xdc, 0xdf, 0x49, 0x1e, 0x0f, 0x99, 0x6c, 0x96, 0x8e, 0x8f, 0x85,
    0x50, 0xe5, 0x30, 0x30, 0x09, 0x7a, 0x10, 0x8d, 0xa1, 0xb9, 0x39, 0x16, 0x09, 0xaa, 0xac, 0x17, 0x50, 0xa9, 0x29,
    0xf2, 0x7b, 0xf7, 0x09, 0x62, 0x35, 0x1e, 0x29, 0x36, 0x02, 0xac, 0xeb, 0x56, 0x37, 0x44, 0x30, 0xed, 0xa6, 0x0e,
    0x59, 0xd8, 0x7c, 0x88, 0x6d, 0xaf, 0xf0, 0xf6, 0x59, 0x7c, 0x74, 0xcb, 0x6e, 0x74, 0x24};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-size buffers, so ASan sees any read or write past what the parser was given. */
    uint8_t *text = malloc(size + 1);
    uint8_t *der = malloc(size + 1);
    if (text == NULL || der == NULL) {
        free(text);
        free(der);
        return 0;
    }
    fw_est_cert_t got;
    if (fw_est_parse_answer(data, size, device_spki, sizeof(device_spki), text, size, der, size, &got) == 0) {
        volatile uint8_t last = got.cert.ptr[got.cert.len - 1];
        volatile uint8_t serial = got.serial.ptr[got.serial.len - 1];
        (void)last;
        (void)serial;
    }
    /* The certificate walk alone, on the raw bytes. */
    fw_bytes_t serial, spki;
    if (fw_est_cert_fields(data, size, &serial, &spki) == 0) {
        volatile uint8_t end = spki.ptr[spki.len - 1];
        (void)end;
    }
    free(text);
    free(der);
    return 0;
}
