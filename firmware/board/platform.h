/*
 * The hooks mbedTLS calls on the device app: wall-clock time (fw_time, gmtime_r) from the
 * provisioned clock plus the board timer, and entropy from the Zkr seed CSR.
 */
#ifndef FW_BOARD_PLATFORM_H
#define FW_BOARD_PLATFORM_H

#include <stdint.h>

/* Unix seconds at power-on (identity field 5): fw_time() counts from here. */
void fw_platform_set_clock(uint64_t unix_seconds_at_power_on);

/* mbedTLS's time source (MBEDTLS_PLATFORM_TIME_MACRO in crypto/mbedtls_config_tls.h). */
long long fw_time(long long *t);

#endif /* FW_BOARD_PLATFORM_H */
