/*
 * libFuzzer target: boot-state record parser (bytes from flash anyone with flash access can write),
 * and the bootloader's slot selection over two fuzzed copies: whatever the copies say, a trial boot
 * is only ever the pending slot of a record that was NEW or TRYING with attempts left, and it is
 * recorded as TRYING before it happens.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw/err.h"
#include "fw/otadata.h"

#define SECTOR FW_OTADATA_RECORD_SIZE

typedef struct {
    uint8_t mem[FW_OTADATA_COPIES * SECTOR];
    uint8_t verdicts; /* bit n set: slot n verifies */
} sim_t;

static int sim_erase(void *ctx, uint32_t off)
{
    sim_t *s = ctx;
    if (off % SECTOR != 0 || off >= sizeof(s->mem)) {
        __builtin_trap();
    }
    memset(s->mem + off, 0xff, SECTOR);
    return 0;
}

static int sim_program(void *ctx, uint32_t off, uint32_t value)
{
    sim_t *s = ctx;
    if (off % 4 != 0 || off + 4 > sizeof(s->mem)) {
        __builtin_trap();
    }
    uint8_t w[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    memcpy(s->mem + off, w, 4);
    return 0;
}

static int sim_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
    sim_t *s = ctx;
    if (off > sizeof(s->mem) || len > sizeof(s->mem) - off) {
        __builtin_trap();
    }
    memcpy(buf, s->mem + off, len);
    return 0;
}

static int sim_verify(void *ctx, int slot)
{
    const sim_t *s = ctx;
    if (slot != 0 && slot != 1) {
        __builtin_trap();
    }
    return (s->verdicts >> slot) & 1u ? 0 : FW_ERR_IMAGE_DIGEST_MISMATCH;
}

static void select_over(const uint8_t *data)
{
    sim_t s;
    memcpy(s.mem, data, sizeof(s.mem));
    s.verdicts = data[sizeof(s.mem)];
    fw_otadata_flash_t f = {sim_erase, sim_program, sim_read, &s, {0, SECTOR}};
    fw_otadata_t before;
    int had = fw_otadata_read(&f, &before, NULL) == 0;
    fw_otadata_choice_t c;
    int rc = fw_otadata_select(&f, sim_verify, &s, &c);
    if ((rc == 0) != (c.slot == 0 || c.slot == 1) || (c.slot >= 0 && !((s.verdicts >> c.slot) & 1u))) {
        __builtin_trap(); /* booted a slot that did not verify, or lost the verdict */
    }
    if (c.trial) {
        fw_otadata_t now;
        int pending_ok = had && (before.pending_state == FW_OTA_NEW ||
                                 (before.pending_state == FW_OTA_TRYING && before.attempts < FW_OTADATA_MAX_ATTEMPTS));
        if (!pending_ok || c.slot != before.pending_slot || fw_otadata_read(&f, &now, NULL) != 0 ||
            now.pending_state != FW_OTA_TRYING || now.pending_slot != c.slot ||
            now.attempts > FW_OTADATA_MAX_ATTEMPTS) {
            __builtin_trap();
        }
    }
    if (!had && c.slot == 1) {
        __builtin_trap(); /* without a record only ota_0 counts as confirmed */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_otadata_t r;
    if (fw_otadata_decode(data, size, &r) == 0) {
        /* what a decoded record promises the bootloader, and that it encodes back to the same bytes */
        if (r.active > 1 || (r.pending_state != FW_OTA_NONE && (r.pending_slot > 1 || r.pending_slot == r.active))) {
            __builtin_trap();
        }
        uint8_t again[FW_OTADATA_RECORD_SIZE];
        if (fw_otadata_encode(&r, again) != 0 || memcmp(again, data, FW_OTADATA_RECORD_SIZE) != 0) {
            __builtin_trap();
        }
    }
    fw_otadata_free(&r);
    if (size == FW_OTADATA_COPIES * SECTOR + 1) {
        select_over(data);
    }
    return 0;
}
