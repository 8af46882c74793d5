#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"

#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) || defined(FW_WITH_MBEDTLS_HEAP)
#include "mbedtls/memory_buffer_alloc.h"
#endif

#define SIFIVE_TEST 0x100000u
#define SEMIHOST_SYS_WRITE0 0x04

extern long fw_semihost(long op, const void *arg);

static char line[200];
static size_t line_len;

void fw_log_begin(void)
{
    line_len = 0;
}

void fw_log_str(const char *s)
{
    while (*s != '\0' && line_len < sizeof(line) - 2) {
        line[line_len++] = *s++;
    }
}

void fw_log_u32(uint32_t v)
{
    char buf[FW_U32_TEXT_SIZE];
    fw_log_str(fw_u32_text(buf, v));
}

void fw_log_hex32(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    char buf[11] = "0x";
    for (int i = 0; i < 8; i++) {
        buf[2 + i] = digits[(v >> (28 - 4 * i)) & 0xfu];
    }
    buf[10] = '\0';
    fw_log_str(buf);
}

void fw_log_end(void)
{
    line[line_len++] = '\n';
    line[line_len] = '\0';
    fw_semihost(SEMIHOST_SYS_WRITE0, line);
    line_len = 0;
}

void fw_log_line(const char *s)
{
    fw_log_begin();
    fw_log_str(s);
    fw_log_end();
}

void fw_log_kv(const char *a, const char *b)
{
    fw_log_begin();
    fw_log_str(a);
    fw_log_str(b);
    fw_log_end();
}

uint32_t fw_board_instret(void)
{
    uint32_t v;
    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}

void fw_board_exit(uint32_t code)
{
    volatile uint32_t *test = (volatile uint32_t *)SIFIVE_TEST;
    *test = code == 0 ? 0x5555u : ((code << 16) | 0x3333u);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void fw_board_jump(uint32_t entry, const void *arg)
{
    /* The next stage was written as data: make the instruction fetch see it. */
    __asm__ volatile("fence.i" ::: "memory");
    void (*next)(const void *) = (void (*)(const void *))(uintptr_t)entry;
    next(arg);
    fw_board_exit(FW_EXIT_TRAP);
}

int fw_board_flash_program_word(uint32_t offset, uint32_t value)
{
    if (offset >= FW_FLASH_SIZE || (offset & 3u) != 0) {
        return -1;
    }
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)(FW_FLASH_BASE + offset);
    *word = 0x00400040u; /* CFI word program (both interleaved 16-bit chips) */
    *word = value;
    for (int spins = 0; spins < 100000 && (*word & 0x80u) == 0; spins++) {
    }
    *word = 0x00ff00ffu; /* back to read-array mode */
    return *word == value ? 0 : -1;
}

int fw_board_flash_erase_sector(uint32_t offset)
{
    if (offset >= FW_FLASH_SIZE || (offset % FW_FLASH_SECTOR) != 0) {
        return -1;
    }
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)(FW_FLASH_BASE + offset);
    *word = 0x00200020u; /* CFI block erase, then confirm */
    *word = 0x00d000d0u;
    for (int spins = 0; spins < 1000000 && (*word & 0x80u) == 0; spins++) {
    }
    *word = 0x00ff00ffu;
    for (uint32_t i = 0; i < FW_FLASH_SECTOR / 4u; i += 1024u) {
        if (word[i] != 0xffffffffu) {
            return -1;
        }
    }
    return 0;
}

uint64_t fw_board_ticks(void)
{
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile("csrr %0, timeh" : "=r"(hi));
        __asm__ volatile("csrr %0, time" : "=r"(lo));
        __asm__ volatile("csrr %0, timeh" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

#define UART_BASE 0x10000000u
#define UART_RBR 0u
#define UART_THR 0u
#define UART_LSR 5u
#define UART_LSR_DATA 0x01u
#define UART_LSR_THRE 0x20u

#define UART_FCR 2u

static volatile uint8_t *uart(void)
{
    static int fifo_on;
    volatile uint8_t *u = (volatile uint8_t *)(uintptr_t)UART_BASE;
    if (!fifo_on) {
        u[UART_FCR] = 0x07u; /* 16-byte FIFOs, both cleared: fewer polls per TLS record */
        fifo_on = 1;
    }
    return u;
}

void fw_uart_write(const uint8_t *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        while ((uart()[UART_LSR] & UART_LSR_THRE) == 0) {
        }
        uart()[UART_THR] = buf[i];
    }
}

static uint32_t uart_waited; /* instructions spent polling for a first byte (fw_uart_wait_instructions) */

uint32_t fw_uart_wait_instructions(void)
{
    return uart_waited;
}

uint32_t fw_uart_read(uint8_t *buf, uint32_t len, uint32_t timeout_ms)
{
    uint64_t deadline = fw_board_ticks() + (uint64_t)timeout_ms * (FW_BOARD_TICKS_PER_SECOND / 1000u);
    uint32_t n = 0;
    uint32_t start = fw_board_instret();
    while (n == 0) {
        if ((uart()[UART_LSR] & UART_LSR_DATA) != 0) {
            break;
        }
        if (fw_board_ticks() > deadline) {
            uart_waited += fw_board_instret() - start;
            return 0;
        }
    }
    uart_waited += fw_board_instret() - start;
    while (n < len && (uart()[UART_LSR] & UART_LSR_DATA) != 0) {
        buf[n++] = uart()[UART_RBR];
    }
    return n;
}

void fw_mbedtls_exit(int status)
{
    (void)status;
    fw_log_line("BOOT HALTED: crypto heap corrupted");
    fw_board_exit(FW_EXIT_TRAP);
}

#if defined(FW_WITH_MBEDTLS_HEAP)
#ifndef FW_HEAP_SIZE
#define FW_HEAP_SIZE 16384
#endif
static unsigned char heap[FW_HEAP_SIZE];
#define HEAP_UNTOUCHED 0xa5u
#define HEAP_FIRST_HEADER 64u

void fw_board_heap_init(void)
{
    mbedtls_memory_buffer_alloc_init(heap, sizeof(heap));
    /*
     * The allocator only reads block headers, and the first one sits at the start: marking the
     * rest lets fw_board_heap_high_water() find the highest byte ever handed out (calloc zeroes).
     */
    for (size_t i = HEAP_FIRST_HEADER; i < sizeof(heap); i++) {
        heap[i] = HEAP_UNTOUCHED;
    }
}

uint32_t fw_board_heap_high_water(void)
{
    size_t top = sizeof(heap);
    while (top > HEAP_FIRST_HEADER && heap[top - 1] == HEAP_UNTOUCHED) {
        top--;
    }
    return (uint32_t)top;
}
#elif !defined(FW_WITH_APP_HEAP) /* the device app's heap: heap.c */
void fw_board_heap_init(void)
{
}

uint32_t fw_board_heap_high_water(void)
{
    return 0;
}
#endif

/* ------------------------------------------------------------------ boot-state record flash */

static int otadata_erase(void *ctx, uint32_t offset)
{
    (void)ctx;
    return fw_board_flash_erase_sector(offset);
}

static int otadata_program(void *ctx, uint32_t offset, uint32_t value)
{
    (void)ctx;
    return fw_board_flash_program_word(offset, value);
}

static int otadata_read(void *ctx, uint32_t offset, uint8_t *buf, size_t len)
{
    (void)ctx;
    if (offset >= FW_FLASH_SIZE || len > FW_FLASH_SIZE - offset) {
        return -1;
    }
    memcpy(buf, (const uint8_t *)(uintptr_t)(FW_FLASH_BASE + offset), len);
    return 0;
}

void fw_board_otadata_flash(uint32_t part_offset, fw_otadata_flash_t *out)
{
    out->erase_sector = otadata_erase;
    out->program_word = otadata_program;
    out->read = otadata_read;
    out->ctx = NULL;
    for (int i = 0; i < FW_OTADATA_COPIES; i++) {
        out->copy_offset[i] = part_offset + (uint32_t)i * FW_OTADATA_COPY_STRIDE;
    }
}
