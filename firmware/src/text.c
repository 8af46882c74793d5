#include "fw/text.h"

const char *fw_u32_text(char buf[FW_U32_TEXT_SIZE], uint32_t v)
{
    int i = FW_U32_TEXT_SIZE - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && i > 0);
    return buf + i;
}
