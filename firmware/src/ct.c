#include "fw/ct.h"

uint32_t fw_ct_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
    /* volatile keeps the compiler from turning the loop into an early-exit memcmp. */
    volatile uint32_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= (uint32_t)(a[i] ^ b[i]);
    }
    return acc;
}

uint32_t fw_ct_is_zero(const uint8_t *a, size_t len)
{
    volatile uint32_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= a[i];
    }
    return acc == 0;
}
