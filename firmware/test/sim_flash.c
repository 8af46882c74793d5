/* The simulated flash of sim_flash.h. */
#include "sim_flash.h"

#include <string.h>

#include "test.h"

static int sim_take(sim_flash_t *s)
{
    if (s->cut) {
        return -1;
    }
    s->ops++;
    if (s->ops_left < 0) {
        return 1;
    }
    if (s->ops_left == 0) {
        s->cut = 1;
        return 0; /* this operation is torn */
    }
    s->ops_left--;
    return 1;
}

static int sim_erase(void *ctx, uint32_t off)
{
    sim_flash_t *s = ctx;
    CHECK(off % s->sector == 0 && off < s->size);
    int go = sim_take(s);
    if (go < 0) {
        return -1;
    }
    memset(s->mem + off, 0xff, go ? s->sector : s->sector / 2); /* a torn erase leaves the rest as it was */
    return go ? 0 : -1;
}

static int sim_program(void *ctx, uint32_t off, uint32_t value)
{
    sim_flash_t *s = ctx;
    CHECK(off % 4 == 0 && off + 4 <= s->size);
    int go = sim_take(s);
    if (go < 0) {
        return -1;
    }
    uint8_t word[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    memcpy(s->mem + off, word, go ? 4 : 2); /* a torn program writes half the word */
    return go ? 0 : -1;
}

static int sim_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
    sim_flash_t *s = ctx;
    CHECK(off <= s->size && len <= s->size - off);
    memcpy(buf, s->mem + off, len);
    return 0;
}

void sim_init(sim_flash_t *s, uint8_t *mem, size_t size, uint32_t sector)
{
    s->mem = mem;
    s->size = size;
    s->sector = sector;
    memset(mem, 0xff, size);
    s->ops_left = -1;
    s->cut = 0;
    s->ops = 0;
}

fw_otadata_flash_t sim_ops(sim_flash_t *s)
{
    fw_otadata_flash_t f = {sim_erase, sim_program, sim_read, s, {0, s->sector}};
    return f;
}
