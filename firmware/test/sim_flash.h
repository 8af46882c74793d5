/*
 * A simulated NOR flash for the host tests of the records that must survive power cuts (the
 * MCUboot-simulator method): it can stop after any single operation, and the cut operation itself
 * is torn (half an erase, half a word); every operation after the cut fails.
 */
#ifndef FW_SIM_FLASH_H
#define FW_SIM_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "fw/otadata.h"

typedef struct {
    uint8_t *mem;
    size_t size;
    uint32_t sector;
    long ops_left; /* -1: no cut; otherwise the operation that finds 0 here is torn, and nothing after it runs */
    int cut;
    long ops; /* operations carried out (torn one included) */
} sim_flash_t;

/* mem[0, size) erased, no cut; sectors of `sector` bytes. */
void sim_init(sim_flash_t *s, uint8_t *mem, size_t size, uint32_t sector);

/* The flash operations over s; the two record copies at 0 and one sector later. */
fw_otadata_flash_t sim_ops(sim_flash_t *s);

#endif /* FW_SIM_FLASH_H */
