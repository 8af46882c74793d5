/*
 * Link benchmark app: the reference beside the update download (qemu/ota-bench.sh). Booted through
 * the normal chain, it moves a payload over the same UART link the device app uses to reach the
 * backend (fw_uart_read, the read under the TLS records), without TLS or HTTP: it writes a hello,
 * reads a 4-byte little-endian length N and N bytes into RAM, writes one byte back and reports
 * the retired instructions, the share spent polling for the other end, and the virtual time.
 * Exit 0 when all N bytes arrived, 14 when the other end went silent for 10 s.
 */
#include "board.h"

#define LINK_TIMEOUT_MS 10000u
#define EXIT_NETWORK 14u

static uint8_t buf[4096];

/* Exactly n bytes into out (n <= sizeof(buf)), or 0 when the other end went silent. */
static int read_exactly(uint8_t *out, uint32_t n)
{
    uint32_t got = 0;
    while (got < n) {
        uint32_t r = fw_uart_read(out + got, n - got, LINK_TIMEOUT_MS);
        if (r == 0) {
            return 0;
        }
        got += r;
    }
    return 1;
}

int fw_main(const fw_handoff_t *handoff)
{
    if (handoff == 0 || handoff->magic != FW_HANDOFF_MAGIC) {
        fw_board_exit(FW_EXIT_TRAP);
    }
    static const uint8_t hello[] = "RAWLINK\n";
    fw_uart_write(hello, sizeof(hello) - 1);
    fw_log_line("RAWLINK: hello sent, reading the payload");
    uint32_t t0 = fw_board_instret(), w0 = fw_uart_wait_instructions();
    uint64_t ticks0 = fw_board_ticks();
    uint8_t len[4];
    if (!read_exactly(len, sizeof(len))) {
        fw_log_line("RAWLINK: no length from the other end");
        fw_board_exit(EXIT_NETWORK);
    }
    uint32_t total = (uint32_t)len[0] | (uint32_t)len[1] << 8 | (uint32_t)len[2] << 16 | (uint32_t)len[3] << 24;
    uint32_t done = 0;
    while (done < total) {
        uint32_t want = total - done < sizeof(buf) ? total - done : (uint32_t)sizeof(buf);
        uint32_t r = fw_uart_read(buf, want, LINK_TIMEOUT_MS);
        if (r == 0) {
            break;
        }
        done += r;
    }
    uint32_t cost = fw_board_instret() - t0, waited = fw_uart_wait_instructions() - w0;
    uint64_t ticks = fw_board_ticks() - ticks0;
    static const uint8_t ack[] = "K";
    fw_uart_write(ack, 1);
    fw_log_begin();
    fw_log_str("RAWLINK: received ");
    fw_log_u32(done);
    fw_log_str(" of ");
    fw_log_u32(total);
    fw_log_str(" bytes in ");
    fw_log_u32(cost);
    fw_log_str(" instructions (");
    fw_log_u32(waited);
    fw_log_str(" polling the UART for the server), ");
    fw_log_u32((uint32_t)(ticks / (FW_BOARD_TICKS_PER_SECOND / 1000u)));
    fw_log_str(" ms");
    fw_log_end();
    fw_board_exit(done == total ? 0u : EXIT_NETWORK);
}
