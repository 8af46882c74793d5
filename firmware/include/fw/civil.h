/*
 * Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's days_from_civil and
 * civil_from_days), UTC only: certificate dates for the renewal window and gmtime for mbedTLS.
 */
#ifndef FW_CIVIL_H
#define FW_CIVIL_H

#include <stdint.h>

typedef struct {
    int64_t year;
    int month; /* 1..12 */
    int day;   /* 1..31 */
} fw_civil_date_t;

int64_t fw_civil_days_from_date(int64_t year, int month, int day);
void fw_civil_date_from_days(int64_t days, fw_civil_date_t *out);

/* Unix seconds of a UTC date and time. */
int64_t fw_civil_unix_seconds(int64_t year, int month, int day, int hour, int minute, int second);

#endif /* FW_CIVIL_H */
