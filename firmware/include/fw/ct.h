/* DeviceTrust firmware: constant-time helpers. */
#ifndef FW_CT_H
#define FW_CT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns 0 when the buffers are equal, non-zero otherwise, in time that
 * depends only on len (digest and key comparisons must not leak the position
 * of the first differing byte).
 */
uint32_t fw_ct_diff(const uint8_t *a, const uint8_t *b, size_t len);

/* Returns non-zero when all len bytes are zero, in time that depends only on len. */
uint32_t fw_ct_is_zero(const uint8_t *a, size_t len);

#endif /* FW_CT_H */
