/* Decimal text without printf: log lines, HTTP headers and JSON bodies of the board stages. */
#ifndef FW_TEXT_H
#define FW_TEXT_H

#include <stdint.h>

/* Room for the ten digits of a u32 and the NUL. */
#define FW_U32_TEXT_SIZE 11

/* v in decimal, written into buf; returns the start of the text in buf. */
const char *fw_u32_text(char buf[FW_U32_TEXT_SIZE], uint32_t v);

#endif /* FW_TEXT_H */
