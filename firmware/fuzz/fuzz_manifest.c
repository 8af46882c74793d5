/*
 * libFuzzer target: manifest parser and the whole boot decision over an
 * attacker-chosen slot (manifest, payload, signature block), with the shared
 * test key trusted so that inputs derived from the seed reach the signature check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw/boot.h"
#include "fw/image.h"

/* key_a_digest from test/vectors/vectors.txt */
static const uint8_t key_a[32] = {0xfb, 0x82, 0x7c, 0x07, 0x24, 0xb4, 0x04, 0xc1, 0x57, 0x53, 0x65,
                                  0xe5, 0xe1, 0x57, 0x29, 0xf1, 0x92, 0x25, 0xf5, 0x65, 0xa4, 0xa0,
                                  0x47, 0xdb, 0x7f, 0x9d, 0x73, 0xef, 0xe6, 0x8b, 0x26, 0x65};

static uint8_t window[0x10000];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_manifest_t m;
    (void)fw_manifest_parse(data, size, &m);
    fw_manifest_free(&m);

    fw_keyring_t k;
    fw_keyring_init(&k);
    memcpy(k.digest[0], key_a, sizeof(key_a));
    fw_boot_policy_t p = {&k, FW_IMAGE_TYPE_APP, 0, 0x80200000u, 0x80210000u, window};
    fw_boot_result_t r;
    (void)fw_boot_verify(&p, data, size, &r);
    return 0;
}
