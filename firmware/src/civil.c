#include "fw/civil.h"

int64_t fw_civil_days_from_date(int64_t year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void fw_civil_date_from_days(int64_t days, fw_civil_date_t *out)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->month = (int)m;
    out->year = yoe + era * 400 + (m <= 2);
}

int64_t fw_civil_unix_seconds(int64_t year, int month, int day, int hour, int minute, int second)
{
    return fw_civil_days_from_date(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}
