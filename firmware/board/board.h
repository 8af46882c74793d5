/*
 * DeviceTrust board support for qemu-system-riscv32 -M virt (stand-in for an
 * ESP32-C3): memory map, logging over semihosting, exit through sifive_test.
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stdint.h>

#include "fw/layout.h"
#include "fw/text.h"

/* Offsets inside the flash files: fw/layout.h (shared with the flash packer). */
#define FW_ROM_BASE 0x20000000u /* pflash0, read-only: the mask ROM */
#define FW_ROM_KEYBLOCK (FW_ROM_BASE + FW_ROM_KEYBLOCK_OFFSET)
#define FW_FLASH_BASE 0x22000000u /* pflash1: the SPI flash */
#define FW_FLASH_SIZE FW_FLASH_FILE_SIZE

#define FW_BOOTLOADER_RAM_LO 0x80100000u
#define FW_BOOTLOADER_RAM_HI 0x80140000u
#define FW_APP_RAM_LO 0x80200000u
#define FW_APP_RAM_HI 0x80600000u

/* QEMU exit codes: 0 app booted, 3 CPU trap, 32+n ROM halt, 64+n bootloader halt (n = -fw_err_t). */
#define FW_EXIT_TRAP 3
#define FW_EXIT_ROM_HALT 32
#define FW_EXIT_BOOTLOADER_HALT 64
#define FW_EXIT_TEST_CUT 120 /* test builds only: the simulated power cut (FW_TEST_CUT) */

#define FW_HANDOFF_MAGIC 0x46444e48u /* "HNDF" */

/* What the bootloader tells the app it has verified. */
typedef struct {
    uint32_t magic;
    uint32_t version;
    uint32_t security_version;
    uint32_t efuse_security_version;
    int32_t key_slot;
    uint32_t image_size;
    uint32_t app_offset;
    uint32_t identity_offset;
    uint32_t identity_size;
    uint32_t otadata_offset; /* the boot-state record's partition, 0 when the table has none */
    uint32_t slot;           /* the app slot booted: 0 = ota_0, 1 = ota_1 */
    uint32_t trial;          /* 1: a trial boot of a pending update; the app confirms or rejects it */
    uint32_t other_offset;   /* the other app slot, where an update is downloaded; 0 when the table has none */
    uint32_t other_size;
    uint8_t build_id[32];
} fw_handoff_t;

/* Builds one log line in a buffer and writes it out in one semihosting call. */
void fw_log_begin(void);
void fw_log_str(const char *s);
void fw_log_u32(uint32_t v);
void fw_log_hex32(uint32_t v);
void fw_log_end(void);
void fw_log_line(const char *s);
/* One line made of two strings (a prefix and a value). */
void fw_log_kv(const char *a, const char *b);

uint32_t fw_board_instret(void);
__attribute__((noreturn)) void fw_board_exit(uint32_t code);
__attribute__((noreturn)) void fw_board_jump(uint32_t entry, const void *arg);

/* Programs one 32-bit word of pflash1 with the CFI "word program" command and reads it back. */
int fw_board_flash_program_word(uint32_t offset, uint32_t value);

/* Erases one 256 KiB sector of pflash1 (CFI block erase); reads back all-0xff. */
int fw_board_flash_erase_sector(uint32_t offset);

/* The boot-state record's flash operations over pflash1, for the partition at part_offset. */
void fw_board_otadata_flash(uint32_t part_offset, fw_otadata_flash_t *out);

/* 10 MHz platform timer (rdtime): the device's monotonic clock since power-on. */
uint64_t fw_board_ticks(void);
#define FW_BOARD_TICKS_PER_SECOND 10000000u

/* ns16550a UART, wired by QEMU to the backend's TCP port: the device's only link. */
void fw_uart_write(const uint8_t *buf, uint32_t len);
/* Waits up to timeout_ms for the first byte, then returns what is there (0 = timed out). */
uint32_t fw_uart_read(uint8_t *buf, uint32_t len, uint32_t timeout_ms);
/*
 * Instructions fw_uart_read has spent polling for a first byte since reset: time the device
 * waits for the other end (a real device would sleep), which instruction counts of network
 * exchanges include and which varies with how fast the other end answers.
 */
uint32_t fw_uart_wait_instructions(void);

/* Static heap for mbedTLS (no malloc on the device). */
void fw_board_heap_init(void);
/* Highest heap byte ever used since fw_board_heap_init(): the peak heap footprint. */
uint32_t fw_board_heap_high_water(void);

#endif /* FW_BOARD_H */
