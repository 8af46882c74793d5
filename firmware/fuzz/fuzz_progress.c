/*
 * libFuzzer target: the download progress record (flash bytes anyone with flash access can write).
 * The input is the sector; the first input byte chooses whether the header is replaced by a valid one
 * for the fixed download, so that the checkpoint scan is reached. Whatever the bytes, an accepted
 * record resumes on the chunk grid within the image, and appending after it never rewrites a word.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fw/err.h"
#include "fw/progress.h"

#define SECTOR 4096u /* the fuzzed part; the rest of the scan reads erased flash */

static uint8_t mem[FW_PROGRESS_SECTOR_SIZE];

static int sim_erase(void *ctx, uint32_t off)
{
    (void)ctx;
    if (off != 0) {
        __builtin_trap();
    }
    memset(mem, 0xff, sizeof(mem));
    return 0;
}

static int sim_program(void *ctx, uint32_t off, uint32_t value)
{
    (void)ctx;
    if (off % 4 != 0 || off + 4 > sizeof(mem)) {
        __builtin_trap();
    }
    uint8_t *w = mem + off;
    uint32_t old = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
    if (old != 0xffffffffu) {
        __builtin_trap(); /* a word programmed twice without an erase */
    }
    w[0] = (uint8_t)value;
    w[1] = (uint8_t)(value >> 8);
    w[2] = (uint8_t)(value >> 16);
    w[3] = (uint8_t)(value >> 24);
    return 0;
}

static int sim_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
    (void)ctx;
    if (off > sizeof(mem) || len > sizeof(mem) - off) {
        __builtin_trap();
    }
    memcpy(buf, mem + off, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    fw_progress_header_t h;
    memset(&h, 0, sizeof(h));
    h.slot = 1;
    memset(h.update_id, 0x11, sizeof(h.update_id));
    memset(h.manifest_digest, 0x22, sizeof(h.manifest_digest));
    h.image_length = 10 * 512 + 48;
    h.chunk_size = 512;

    memset(mem, 0xff, sizeof(mem));
    size_t n = size - 1 < SECTOR ? size - 1 : SECTOR;
    memcpy(mem, data + 1, n);
    if (data[0] & 1) {
        fw_progress_header_encode(&h, mem);
    }
    fw_otadata_flash_t f = {sim_erase, sim_program, sim_read, NULL, {0, 0}};
    fw_progress_t p;
    int rc = fw_progress_open(&p, &f, 0, &h);
    if (rc == FW_OK) {
        if (p.done > h.image_length || (p.done % h.chunk_size != 0 && p.done != h.image_length)) {
            __builtin_trap();
        }
        if (p.done < h.image_length) {
            uint32_t next = p.done + h.chunk_size > h.image_length ? h.image_length : p.done + h.chunk_size;
            /* appending may fail only when the sector is full; it never reprograms a word (sim traps) */
            rc = fw_progress_mark(&p, next);
            if (rc == FW_OK && (fw_progress_open(&p, &f, 0, &h) != FW_OK || p.done != next)) {
                __builtin_trap();
            }
        }
    } else if (rc != FW_ERR_PROGRESS_MISSING && rc != FW_ERR_PROGRESS_INVALID) {
        __builtin_trap();
    }
    return 0;
}
