/*
 * DeviceTrust firmware: trust anchors and the emulated eFuse block.
 * Key slots hold SHA-256 digests of signing public keys (ESP32 Secure Boot V2
 * style); revocation bits and the anti-rollback counter live in eFuse words
 * whose bits only ever change from 0 to 1.
 */
#ifndef FW_KEYS_H
#define FW_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "fw/crypto.h"

#define FW_KEY_SLOTS 3

#define FW_KEYBLOCK_MAGIC 0x444b5444u /* "DTKD" */
#define FW_KEYBLOCK_OFF_MAGIC 0
#define FW_KEYBLOCK_OFF_RESERVED 4
#define FW_KEYBLOCK_OFF_DIGESTS 8
#define FW_KEYBLOCK_SIZE (FW_KEYBLOCK_OFF_DIGESTS + FW_KEY_SLOTS * FW_SHA256_SIZE)

/* Emulated eFuse block (docs/formats.md 3); mirrored in qemu/formats.py. */
#define FW_EFUSE_SIZE 16
#define FW_EFUSE_OFF_KEY_REVOKE 0
#define FW_EFUSE_OFF_SECURE_VERSION 4
#define FW_EFUSE_OFF_RESERVED 12
#define FW_EFUSE_MAX_SECURITY_VERSION 64

_Static_assert(FW_KEYBLOCK_SIZE == 104, "key block: magic, reserved, three SHA-256 digests");
_Static_assert(FW_EFUSE_OFF_SECURE_VERSION + 8 == FW_EFUSE_OFF_RESERVED, "eFuse: 64-bit unary counter");
_Static_assert(FW_EFUSE_OFF_RESERVED + 4 == FW_EFUSE_SIZE, "eFuse: 16 bytes");

typedef struct {
    uint8_t digest[FW_KEY_SLOTS][FW_SHA256_SIZE];
    uint32_t revoked_mask; /* bit n set: slot n revoked */
} fw_keyring_t;

typedef struct {
    uint32_t key_revoke;       /* bits 0..2 */
    uint64_t security_version; /* unary: value = number of bits set */
} fw_efuse_t;

void fw_keyring_init(fw_keyring_t *k);
void fw_keyring_free(fw_keyring_t *k);
/* Reads the ROM key block (magic, 3 digests); an all-zero digest is an empty slot. */
int fw_keyring_parse(const uint8_t *keyblock, size_t len, fw_keyring_t *out);
void fw_keyring_set_revoked(fw_keyring_t *k, uint32_t revoked_mask);
/*
 * Finds the slot whose digest equals key_digest (constant time over all
 * slots). FW_ERR_KEY_UNTRUSTED if none, FW_ERR_KEY_REVOKED if the matching
 * slot is revoked; *slot is set in both the success and the revoked case.
 */
int fw_keyring_find(const fw_keyring_t *k, const uint8_t key_digest[FW_SHA256_SIZE], int *slot);

void fw_efuse_init(fw_efuse_t *e);
void fw_efuse_free(fw_efuse_t *e);
int fw_efuse_parse(const uint8_t *buf, size_t len, fw_efuse_t *out);
void fw_efuse_write(const fw_efuse_t *e, uint8_t buf[FW_EFUSE_SIZE]);
uint32_t fw_efuse_security_version(const fw_efuse_t *e);
/*
 * Computes the eFuse value that records security version `target`: only bits
 * are added (0 -> 1), never cleared; lowering is a no-op. Fails above 64.
 */
int fw_efuse_raise_security_version(const fw_efuse_t *cur, uint32_t target, fw_efuse_t *out);
/* Burns revocation bits (0 -> 1 only). */
int fw_efuse_revoke(const fw_efuse_t *cur, uint32_t slot_mask, fw_efuse_t *out);

#endif /* FW_KEYS_H */
