/* mbedTLS platform hooks of the device app: time and entropy (firmware/docs/identity.md 2, 3). */
#include "platform.h"

#include <string.h>

#include "board.h"
#include "fw/civil.h"
#include "mbedtls/entropy.h"
#include "mbedtls/entropy_poll.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"

static uint64_t clock_at_power_on;

void fw_platform_set_clock(uint64_t unix_seconds_at_power_on)
{
    clock_at_power_on = unix_seconds_at_power_on;
}

long long fw_time(long long *t)
{
    long long now = (long long)(clock_at_power_on + fw_board_ticks() / FW_BOARD_TICKS_PER_SECOND);
    if (t != NULL) {
        *t = now;
    }
    return now;
}

/* UTC only: the device has no time zone. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    long long t = *tt;
    long long days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    fw_civil_date_t date;
    fw_civil_date_from_days(days, &date);
    memset(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_year = (int)(date.year - 1900);
    tm_buf->tm_mon = date.month - 1;
    tm_buf->tm_mday = date.day;
    tm_buf->tm_hour = (int)(secs / 3600);
    tm_buf->tm_min = (int)(secs / 60 % 60);
    tm_buf->tm_sec = (int)(secs % 60);
    return tm_buf;
}

/* Zkr `seed` CSR (0x015): OPST in bits 31:30, ES16 (10) carries 16 bits of entropy. */
static uint32_t read_seed(void)
{
    uint32_t v;
    __asm__ volatile("csrrw %0, 0x015, x0" : "=r"(v));
    return v;
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    size_t n = 0;
    for (uint32_t spins = 0; n < len && spins < 1000000u; spins++) {
        uint32_t v = read_seed();
        uint32_t opst = v >> 30;
        if (opst == 3u) {
            return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED; /* DEAD */
        }
        if (opst != 2u) {
            continue; /* BIST or WAIT */
        }
        output[n++] = (uint8_t)v;
        if (n < len) {
            output[n++] = (uint8_t)(v >> 8);
        }
    }
    *olen = n;
    return n == len ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}
