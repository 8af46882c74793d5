/*
 * The boot-state record (docs/formats.md 9): encode/decode rules, the newer copy wins, and the
 * MCUboot-simulator method for power cuts: a simulated flash that stops after every single
 * operation of a record update (a cut operation itself is torn: half an erase, half a word), after
 * which the reader must still find the old record or the new one, never none and never a third.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/err.h"
#include "fw/otadata.h"
#include "sim_flash.h"
#include "test.h"

#define SIM_SECTOR 512u /* a small stand-in for the 256 KiB sectors: only the first 128 bytes matter */

static uint8_t sim_mem[FW_OTADATA_COPIES * SIM_SECTOR];

/* The otadata tests' flash: two small sectors (one flash at a time). */
static void otadata_sim(sim_flash_t *s)
{
    sim_init(s, sim_mem, sizeof(sim_mem), SIM_SECTOR);
}

static fw_otadata_t trial_of(uint8_t slot, uint8_t state)
{
    fw_otadata_t r;
    fw_otadata_init(&r);
    r.active = (uint8_t)(1 - slot);
    r.pending_slot = slot;
    r.pending_state = state;
    for (int i = 0; i < FW_OFFER_UPDATE_ID_SIZE; i++) {
        r.update_id[i] = (uint8_t)(0x40 + i);
    }
    memset(r.pending_digest, 0x5a, sizeof(r.pending_digest));
    return r;
}

static int same_content(const fw_otadata_t *a, const fw_otadata_t *b)
{
    return a->active == b->active && a->pending_slot == b->pending_slot && a->pending_state == b->pending_state &&
           a->attempts == b->attempts && a->flags == b->flags && memcmp(a->update_id, b->update_id, 16) == 0 &&
           memcmp(a->pending_digest, b->pending_digest, 32) == 0;
}

FW_TEST(otadata_fresh_flash_has_no_record_and_the_first_write_is_copy_0)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t r;
    CHECK_EQ(fw_otadata_read(&f, &r, NULL), FW_ERR_OTADATA_MISSING);
    fw_otadata_t w = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    CHECK_EQ(w.seq, 1);
    int copy = -1;
    CHECK_EQ(fw_otadata_read(&f, &r, &copy), 0);
    CHECK_EQ(copy, 0);
    CHECK(same_content(&r, &w));
    /* the next write goes to the other copy and wins by its sequence number */
    w.pending_state = FW_OTA_TRYING;
    w.attempts = 1;
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    CHECK_EQ(fw_otadata_read(&f, &r, &copy), 0);
    CHECK_EQ(copy, 1);
    CHECK_EQ(r.seq, 2);
    CHECK_EQ(r.pending_state, FW_OTA_TRYING);
    /* and the one after that replaces the older copy, 0 */
    fw_otadata_t confirmed;
    fw_otadata_init(&confirmed);
    confirmed.active = 1;
    confirmed.flags = FW_OTADATA_FLAG_REPORT_OWED;
    CHECK_EQ(fw_otadata_write(&f, &confirmed), 0);
    CHECK_EQ(fw_otadata_read(&f, &r, &copy), 0);
    CHECK_EQ(copy, 0);
    CHECK_EQ(r.seq, 3);
    CHECK_EQ(r.active, 1);
    CHECK_EQ(r.pending_slot, FW_OTADATA_NO_SLOT);
}

FW_TEST(otadata_refuses_records_that_break_the_rules)
{
    uint8_t raw[FW_OTADATA_RECORD_SIZE];
    fw_otadata_t bad = trial_of(1, FW_OTA_NEW);
    bad.pending_slot = 0; /* pending slot equal to the active one */
    CHECK_EQ(fw_otadata_encode(&bad, raw), FW_ERR_BAD_ARGUMENT);
    bad = trial_of(1, FW_OTA_NEW);
    bad.flags = 0x80;
    CHECK_EQ(fw_otadata_encode(&bad, raw), FW_ERR_BAD_ARGUMENT);
    bad = trial_of(1, 9);
    CHECK_EQ(fw_otadata_encode(&bad, raw), FW_ERR_BAD_ARGUMENT);
    fw_otadata_init(&bad);
    bad.attempts = 1; /* attempts without a pending slot */
    CHECK_EQ(fw_otadata_encode(&bad, raw), FW_ERR_BAD_ARGUMENT);

    fw_otadata_t good = trial_of(1, FW_OTA_TRYING);
    good.seq = 7;
    CHECK_EQ(fw_otadata_encode(&good, raw), 0);
    fw_otadata_t r;
    CHECK_EQ(fw_otadata_decode(raw, sizeof(raw), &r), 0);
    CHECK(same_content(&r, &good));
    CHECK_EQ(r.seq, 7);
    CHECK_EQ(fw_otadata_decode(raw, sizeof(raw) - 1, &r), FW_ERR_OTADATA_MISSING);
    /* every single flipped bit is refused: digest, magic, or a rule */
    for (size_t i = 0; i < sizeof(raw) * 8; i++) {
        raw[i / 8] ^= (uint8_t)(1u << (i % 8));
        CHECK(fw_otadata_decode(raw, sizeof(raw), &r) != 0);
        CHECK_EQ(r.seq, 0);
        raw[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    /* a record whose digest matches but whose reserved bytes are not zero (a later format) is refused */
    uint8_t later[FW_OTADATA_RECORD_SIZE];
    memcpy(later, raw, sizeof(later));
    later[FW_OTADATA_OFF_RESERVED_TAIL] = 1;
    CHECK_EQ(fw_sha256(later, FW_OTADATA_OFF_DIGEST, later + FW_OTADATA_OFF_DIGEST), 0);
    CHECK_EQ(fw_otadata_decode(later, sizeof(later), &r), FW_ERR_OTADATA_INVALID);
    /* sequence number 0 is never written */
    memcpy(later, raw, sizeof(later));
    memset(later + FW_OTADATA_OFF_SEQ, 0, 4);
    CHECK_EQ(fw_sha256(later, FW_OTADATA_OFF_DIGEST, later + FW_OTADATA_OFF_DIGEST), 0);
    CHECK_EQ(fw_otadata_decode(later, sizeof(later), &r), FW_ERR_OTADATA_INVALID);
}

/* Runs one update from `before` (written first, possibly twice so both copies hold records) to `after`,
 * cut at operation k; returns 1 if the reader then finds before, 2 if after, 0 otherwise. */
static int cut_at(long k, int both_copies, int *completed)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t before = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &before), 0);
    if (both_copies) {
        before.pending_state = FW_OTA_TRYING;
        before.attempts = 1;
        CHECK_EQ(fw_otadata_write(&f, &before), 0);
    }
    fw_otadata_t after;
    fw_otadata_init(&after);
    after.active = 1;
    after.flags = FW_OTADATA_FLAG_REPORT_OWED;
    s.ops_left = k;
    *completed = fw_otadata_write(&f, &after) == 0;
    s.ops_left = -1;
    s.cut = 0;
    fw_otadata_t r;
    if (fw_otadata_read(&f, &r, NULL) != 0) {
        return 0;
    }
    if (same_content(&r, &before) && r.seq == before.seq) {
        return 1;
    }
    if (same_content(&r, &after) && r.seq == before.seq + 1) {
        return 2;
    }
    return 0;
}

FW_TEST(otadata_a_cut_after_any_flash_operation_leaves_the_old_or_the_new_record)
{
    for (int both = 0; both <= 1; both++) {
        int saw_old = 0;
        long k = 0;
        for (;; k++) {
            int completed = 0;
            int found = cut_at(k, both, &completed);
            CHECK(found != 0); /* never no record, never a mixture */
            if (completed) {
                CHECK_EQ(found, 2); /* a write that returned 0 is what the reader finds */
                break;
            }
            saw_old |= found == 1;
            CHECK(k < 1000);
        }
        /* one erase and 32 word programs: every one of them was cut once */
        CHECK_EQ(k, 1 + FW_OTADATA_RECORD_SIZE / 4);
        CHECK(saw_old); /* the new record may appear only at the last word: no check that it shows earlier */
    }
}

/* ---------------------------------------------------------------- the bootloader's slot selection */

typedef struct {
    int rc[2];    /* what verifying each slot returns */
    int calls[2]; /* how often each slot was verified */
    int order[8]; /* the slots in the order they were verified */
    int n;
} verifier_t;

static int fake_verify(void *ctx, int slot)
{
    verifier_t *v = ctx;
    CHECK(slot == 0 || slot == 1);
    v->calls[slot]++;
    if (v->n < 8) {
        v->order[v->n] = slot;
    }
    v->n++;
    return v->rc[slot];
}

static verifier_t verifier(int rc0, int rc1)
{
    verifier_t v;
    memset(&v, 0, sizeof(v));
    v.rc[0] = rc0;
    v.rc[1] = rc1;
    return v;
}

static fw_otadata_t stored(fw_otadata_flash_t *f)
{
    fw_otadata_t r;
    CHECK_EQ(fw_otadata_read(f, &r, NULL), 0);
    return r;
}

FW_TEST(select_without_a_record_boots_slot_0_as_confirmed_and_never_tries_slot_1)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    verifier_t v = verifier(0, 0);
    fw_otadata_choice_t c;
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(c.trial, 0);
    CHECK_EQ(c.have_record, 0);
    CHECK_EQ(v.calls[1], 0);
    /* slot 0 broken: halt with its reason; slot 1 was never confirmed, so it is not a fallback */
    v = verifier(FW_ERR_IMAGE_DIGEST_MISMATCH, 0);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), FW_ERR_IMAGE_DIGEST_MISMATCH);
    CHECK_EQ(c.slot, -1);
    CHECK_EQ(c.verify_rc, FW_ERR_IMAGE_DIGEST_MISMATCH);
    CHECK_EQ(v.calls[1], 0);
    /* no otadata partition at all: the same */
    v = verifier(0, 0);
    CHECK_EQ(fw_otadata_select(NULL, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(v.calls[1], 0);
    CHECK_EQ(fw_otadata_read(&f, &c.record, NULL), FW_ERR_OTADATA_MISSING); /* nothing was written */
}

FW_TEST(select_new_is_recorded_as_trying_before_the_trial_boot_and_aborted_without_a_confirmation)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t w = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    verifier_t v = verifier(0, 0);
    fw_otadata_choice_t c;
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 1);
    CHECK_EQ(c.trial, 1);
    CHECK_EQ(c.attempts, 1);
    CHECK_EQ(c.record_state, FW_OTA_TRYING);
    CHECK_EQ(v.calls[0], 0);
    fw_otadata_t r = stored(&f);
    CHECK_EQ(r.pending_state, FW_OTA_TRYING);
    CHECK_EQ(r.attempts, 1);
    CHECK_EQ(r.active, 0);
    /* the trial image never confirmed (crashed, hung, or failed its self-test silently): back to slot 0 */
    v = verifier(0, 0);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(c.trial, 0);
    CHECK_EQ(c.pending_rc, FW_ERR_OTADATA_ABORTED);
    CHECK_EQ(c.record_state, FW_OTA_ABORTED);
    CHECK_EQ(v.calls[1], 0); /* not even verified again */
    CHECK_EQ(stored(&f).pending_state, FW_OTA_ABORTED);
    /* and it stays there: an aborted slot is never booted again, the record is not rewritten */
    uint32_t seq = stored(&f).seq;
    v = verifier(0, 0);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(v.calls[1], 0);
    CHECK_EQ(stored(&f).seq, seq);
    /* a confirmation now comes too late */
    CHECK_EQ(fw_otadata_confirm(&f, 1), FW_ERR_OTADATA_INVALID);
}

FW_TEST(select_pending_image_that_does_not_verify_is_invalid_and_the_active_slot_boots)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t w = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    verifier_t v = verifier(0, FW_ERR_ROLLBACK); /* e.g. a forged record naming an older image */
    fw_otadata_choice_t c;
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(c.trial, 0);
    CHECK_EQ(c.pending_rc, FW_ERR_ROLLBACK);
    CHECK_EQ(c.record_state, FW_OTA_INVALID);
    CHECK_EQ(v.n, 2);
    CHECK_EQ(v.order[0], 1);
    CHECK_EQ(v.order[1], 0); /* the active slot verified last: its image is the one loaded */
    CHECK_EQ(stored(&f).pending_state, FW_OTA_INVALID);
    /* both broken: halt with the active slot's reason, the pending one is not a fallback */
    w = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    v = verifier(FW_ERR_SIGNATURE_INVALID, FW_ERR_IMAGE_DIGEST_MISMATCH);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), FW_ERR_SIGNATURE_INVALID);
    CHECK_EQ(c.slot, -1);
}

FW_TEST(select_after_a_confirmation_boots_the_new_slot_and_falls_back_to_the_one_confirmed_before)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t w = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    verifier_t v = verifier(0, 0);
    fw_otadata_choice_t c;
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.trial, 1);
    CHECK_EQ(fw_otadata_confirm(&f, 0), FW_ERR_OTADATA_INVALID); /* not the slot on trial */
    CHECK_EQ(fw_otadata_confirm(&f, 1), 0);
    fw_otadata_t r = stored(&f);
    CHECK_EQ(r.active, 1);
    CHECK_EQ(r.pending_state, FW_OTA_NONE);
    CHECK_EQ(r.pending_slot, FW_OTADATA_NO_SLOT);
    CHECK_EQ(r.attempts, 0);
    CHECK_EQ(r.flags, FW_OTADATA_FLAG_REPORT_OWED);
    CHECK(memcmp(r.update_id, w.update_id, sizeof(r.update_id)) == 0); /* what the owed report names */
    CHECK(memcmp(r.pending_digest, w.pending_digest, sizeof(r.pending_digest)) == 0);
    CHECK_EQ(fw_otadata_confirm(&f, 1), FW_ERR_OTADATA_INVALID); /* once only */
    v = verifier(0, 0);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 1);
    CHECK_EQ(c.trial, 0); /* confirmed now: the bootloader may raise the counter */
    CHECK_EQ(c.fallback, 0);
    CHECK_EQ(v.calls[0], 0);
    /* the confirmed slot breaks later: slot 0 was confirmed before it, so it boots */
    v = verifier(0, FW_ERR_IMAGE_DIGEST_MISMATCH);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(c.fallback, 1);
    CHECK_EQ(c.verify_rc, FW_ERR_IMAGE_DIGEST_MISMATCH);
}

FW_TEST(select_trial_that_fails_its_self_test_is_rejected_and_the_next_boot_returns)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t w = trial_of(0, FW_OTA_NEW); /* the second update: into slot 0, slot 1 active */
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    verifier_t v = verifier(0, 0);
    fw_otadata_choice_t c;
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(c.trial, 1);
    CHECK_EQ(fw_otadata_reject(&f, 1), FW_ERR_OTADATA_INVALID);
    CHECK_EQ(fw_otadata_reject(&f, 0), 0);
    CHECK_EQ(stored(&f).pending_state, FW_OTA_INVALID);
    v = verifier(0, 0);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 1);
    CHECK_EQ(c.trial, 0);
    CHECK_EQ(v.calls[0], 0);
    /* the active slot breaks while slot 0 holds the rejected image: no fallback to it, halt */
    v = verifier(0, FW_ERR_SIGNATURE_INVALID);
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), FW_ERR_SIGNATURE_INVALID);
    CHECK_EQ(v.calls[0], 0);
}

FW_TEST(select_never_trial_boots_when_the_trying_record_could_not_be_written)
{
    sim_flash_t s;
    otadata_sim(&s);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_otadata_t w = trial_of(1, FW_OTA_NEW);
    CHECK_EQ(fw_otadata_write(&f, &w), 0);
    s.ops_left = 0; /* the flash fails from the next operation on */
    verifier_t v = verifier(0, 0);
    fw_otadata_choice_t c;
    CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
    CHECK_EQ(c.slot, 0);
    CHECK_EQ(c.trial, 0);
    CHECK(c.write_rc != 0);
    CHECK_EQ(v.calls[1], 0);
}

/* A cut after any flash operation of a bootloader or app record write: the next boot still boots a slot. */
FW_TEST(select_a_cut_in_any_record_write_of_an_update_still_boots_a_verified_slot)
{
    for (int phase = 0; phase < 3; phase++) { /* 0: NEW -> TRYING, 1: confirm, 2: TRYING -> ABORTED */
        for (long k = 0;; k++) {
            CHECK(k < 1000);
            sim_flash_t s;
            otadata_sim(&s);
            fw_otadata_flash_t f = sim_ops(&s);
            fw_otadata_t w = trial_of(1, phase == 0 ? FW_OTA_NEW : FW_OTA_TRYING);
            w.attempts = phase == 0 ? 0 : 1;
            CHECK_EQ(fw_otadata_write(&f, &w), 0);
            verifier_t v = verifier(0, 0);
            fw_otadata_choice_t c;
            s.ops_left = k;
            int done = phase == 1 ? fw_otadata_confirm(&f, 1) == 0
                                  : fw_otadata_select(&f, fake_verify, &v, &c) == 0 && c.write_rc == 0;
            s.ops_left = -1;
            s.cut = 0;
            v = verifier(0, 0);
            CHECK_EQ(fw_otadata_select(&f, fake_verify, &v, &c), 0);
            CHECK(c.slot == 0 || c.slot == 1);
            CHECK_EQ(c.have_record, 1); /* the record was never lost */
            if (c.trial) {
                CHECK_EQ(c.slot, 1);
                CHECK(c.attempts <= FW_OTADATA_MAX_ATTEMPTS);
            }
            if (done) {
                break;
            }
        }
    }
}
