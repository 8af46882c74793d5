/*
 * The download progress record (docs/formats.md 10): checkpoints count only for the download they
 * were written for, break no rule, and a power cut after any flash operation leaves a record that
 * resumes at the last complete checkpoint (or from byte 0), never beyond what was written.
 */
#include <string.h>

#include "fw/err.h"
#include "fw/progress.h"
#include "sim_flash.h"
#include "test.h"

static uint8_t sector[FW_PROGRESS_SECTOR_SIZE];
#define X FW_PROGRESS_CHECK_XOR

static fw_progress_header_t header_of(uint8_t id_byte)
{
    fw_progress_header_t h;
    memset(&h, 0, sizeof(h));
    h.slot = 1;
    memset(h.update_id, id_byte, sizeof(h.update_id));
    memset(h.manifest_digest, 0x5a, sizeof(h.manifest_digest));
    h.image_length = 3 * 4096 + 304; /* three chunks and a short last one */
    h.chunk_size = 4096;
    return h;
}

FW_TEST(progress_resumes_at_the_last_checkpoint_of_the_same_download)
{
    sim_flash_t s;
    sim_init(&s, sector, sizeof(sector), FW_PROGRESS_SECTOR_SIZE);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_progress_header_t h = header_of(7);
    fw_progress_t p;
    CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_ERR_PROGRESS_MISSING); /* erased */
    CHECK_EQ(fw_progress_begin(&p, &f, 0, &h), FW_OK);
    CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_ERR_PROGRESS_MISSING); /* header, no checkpoint yet */
    CHECK_EQ(fw_progress_begin(&p, &f, 0, &h), FW_OK);
    CHECK_EQ(fw_progress_mark(&p, 0), FW_OK);
    CHECK_EQ(fw_progress_mark(&p, 4096), FW_OK);
    CHECK_EQ(fw_progress_mark(&p, 8192), FW_OK);

    fw_progress_t q;
    CHECK_EQ(fw_progress_open(&q, &f, 0, &h), FW_OK);
    CHECK_EQ(q.done, 8192);
    CHECK_EQ(fw_progress_mark(&q, 12288), FW_OK); /* appends after the existing ones */
    CHECK_EQ(fw_progress_mark(&q, h.image_length), FW_OK);
    CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_OK);
    CHECK_EQ(p.done, h.image_length);

    /* another update, another manifest, another slot: none of these checkpoints count */
    fw_progress_header_t other = header_of(8);
    CHECK_EQ(fw_progress_open(&p, &f, 0, &other), FW_ERR_PROGRESS_MISSING);
    other = header_of(7);
    other.manifest_digest[31] ^= 1;
    CHECK_EQ(fw_progress_open(&p, &f, 0, &other), FW_ERR_PROGRESS_MISSING);
    other = header_of(7);
    other.slot = 0;
    CHECK_EQ(fw_progress_open(&p, &f, 0, &other), FW_ERR_PROGRESS_MISSING);
    other = header_of(7);
    other.chunk_size = 2048;
    CHECK_EQ(fw_progress_open(&p, &f, 0, &other), FW_ERR_PROGRESS_MISSING);

    CHECK_EQ(fw_progress_clear(&f, 0), FW_OK);
    CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_ERR_PROGRESS_MISSING);
}

FW_TEST(progress_refuses_checkpoints_that_break_the_rules)
{
    sim_flash_t s;
    sim_init(&s, sector, sizeof(sector), FW_PROGRESS_SECTOR_SIZE);
    fw_otadata_flash_t f = sim_ops(&s);
    fw_progress_header_t h = header_of(1);
    fw_progress_t p;
    CHECK_EQ(fw_progress_begin(&p, &f, 0, &h), FW_OK);
    CHECK_EQ(fw_progress_mark(&p, 0), FW_OK);
    CHECK_EQ(fw_progress_mark(&p, 0), FW_ERR_PROGRESS_INVALID);    /* not increasing */
    CHECK_EQ(fw_progress_mark(&p, 1000), FW_ERR_PROGRESS_INVALID); /* off the chunk grid */
    CHECK_EQ(fw_progress_mark(&p, h.image_length + 16), FW_ERR_PROGRESS_INVALID);
    CHECK_EQ(fw_progress_mark(&p, 4096), FW_OK);

    fw_progress_header_t bad = h;
    bad.slot = 2;
    CHECK_EQ(fw_progress_begin(&p, &f, 0, &bad), FW_ERR_PROGRESS_INVALID);
    bad = h;
    bad.chunk_size = 0;
    uint8_t raw[FW_PROGRESS_HEADER_SIZE];
    CHECK_EQ(fw_progress_header_encode(&bad, raw), FW_ERR_PROGRESS_INVALID);

    /* stored checkpoints that were never written by fw_progress_mark */
    static const struct {
        uint32_t value;
        uint32_t check;
        int result;
    } stored[] = {
        {8192, 8192 ^ X, FW_OK},                             /* a good one */
        {4096, 4096 ^ X, FW_ERR_PROGRESS_INVALID},           /* not increasing */
        {5000, 5000 ^ X, FW_ERR_PROGRESS_INVALID},           /* off the grid */
        {1u << 30, (1u << 30) ^ X, FW_ERR_PROGRESS_INVALID}, /* beyond the image */
        {8192, 8192, FW_ERR_PROGRESS_INVALID},               /* check word wrong, more follows */
        {0xffffffffu, 0, FW_ERR_PROGRESS_INVALID},           /* half erased, more follows */
    };
    for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
        CHECK_EQ(fw_progress_begin(&p, &f, 0, &h), FW_OK);
        CHECK_EQ(fw_progress_mark(&p, 0), FW_OK);
        CHECK_EQ(fw_progress_mark(&p, 4096), FW_OK);
        uint32_t at = FW_PROGRESS_HEADER_SIZE + 2 * FW_PROGRESS_CHECKPOINT_SIZE;
        CHECK_EQ(f.program_word(f.ctx, at, stored[i].value), 0);
        CHECK_EQ(f.program_word(f.ctx, at + 4, stored[i].check), 0);
        CHECK_EQ(f.program_word(f.ctx, at + 8, 12288), 0); /* something programmed after it */
        CHECK_EQ(f.program_word(f.ctx, at + 12, 12288 ^ X), 0);
        int rc = fw_progress_open(&p, &f, 0, &h);
        CHECK_EQ(rc, stored[i].result);
        if (rc == FW_OK) {
            CHECK_EQ(p.done, 12288);
        }
    }

    /* a damaged header (any byte) is no record for this download */
    CHECK_EQ(fw_progress_begin(&p, &f, 0, &h), FW_OK);
    CHECK_EQ(fw_progress_mark(&p, 0), FW_OK);
    for (uint32_t i = 0; i < FW_PROGRESS_HEADER_SIZE; i++) {
        uint8_t saved = sector[i];
        sector[i] ^= 0x10;
        CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_ERR_PROGRESS_MISSING);
        sector[i] = saved;
    }
    CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_OK);
}

/* One download's writes: begin, the erase checkpoint, one per chunk. Returns the checkpoints made. */
static int run_download(const fw_otadata_flash_t *f, const fw_progress_header_t *h, uint32_t *marks, int cap)
{
    fw_progress_t p;
    int n = 0;
    if (fw_progress_begin(&p, f, 0, h) != FW_OK) {
        return n;
    }
    for (uint32_t done = 0;; done += h->chunk_size) {
        if (done > h->image_length) {
            done = h->image_length;
        }
        if (fw_progress_mark(&p, done) != FW_OK) {
            return n;
        }
        CHECK(n < cap);
        marks[n++] = done;
        if (done == h->image_length) {
            return n;
        }
    }
}

FW_TEST(progress_a_cut_after_any_flash_operation_resumes_no_further_than_was_recorded)
{
    sim_flash_t s;
    fw_otadata_flash_t f;
    fw_progress_header_t h = header_of(3);
    uint32_t marks[16];

    sim_init(&s, sector, sizeof(sector), FW_PROGRESS_SECTOR_SIZE);
    f = sim_ops(&s);
    int all = run_download(&f, &h, marks, 16);
    long total_ops = s.ops;
    CHECK_EQ(all, 5);                      /* 0, 4096, 8192, 12288, the end */
    CHECK_EQ(total_ops, 1 + 24 + 2 * all); /* erase, 24 header words, two words per checkpoint */

    for (long k = 0; k < total_ops; k++) {
        sim_init(&s, sector, sizeof(sector), FW_PROGRESS_SECTOR_SIZE);
        f = sim_ops(&s);
        s.ops_left = k;
        int completed = run_download(&f, &h, marks, 16);
        s.ops_left = -1;
        s.cut = 0;
        fw_progress_t p;
        int rc = fw_progress_open(&p, &f, 0, &h);
        if (completed == 0) {
            CHECK_EQ(rc, FW_ERR_PROGRESS_MISSING); /* start again from byte 0 */
        } else {
            CHECK_EQ(rc, FW_OK);
            CHECK_EQ(p.done, marks[completed - 1]); /* the last complete checkpoint, never the torn one */
            /* and the download goes on from there without rewriting a word */
            uint32_t next = p.done + h.chunk_size > h.image_length ? h.image_length : p.done + h.chunk_size;
            if (p.done < h.image_length) {
                CHECK_EQ(fw_progress_mark(&p, next), FW_OK);
                CHECK_EQ(fw_progress_open(&p, &f, 0, &h), FW_OK);
                CHECK_EQ(p.done, next);
            }
        }
    }
}
