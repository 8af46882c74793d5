/*
 * The device app's heap for mbedTLS: size classes instead of mbedTLS's memory_buffer_alloc.
 *
 * A TLS handshake allocates and frees about 30,000 small blocks (bignum limbs: 32 to 100
 * bytes, the same few sizes over and over). memory_buffer_alloc walks a free list and splits
 * and merges blocks on every call, about 134 instructions a pair (4 % of a full handshake);
 * here a block comes from the free list of its size class, or else from the untouched top of
 * the arena, and goes back to that list: about 61 instructions a pair, checks included. Blocks are never split
 * or merged, so a freed block only serves its own size class; the handshake's working set is
 * a few hundred blocks of a few sizes, and the peak (fw_board_heap_high_water) stays far below
 * the arena (measured by the bench and printed by every boot).
 *
 * Every block carries a header with a state word; freeing a block that is not allocated (a
 * double free, a stray pointer, an overwritten header) halts the device as memory_buffer_alloc
 * does ("crypto heap corrupted"). Blocks handed out are zeroed (calloc).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "mbedtls/platform.h"

#ifndef FW_HEAP_SIZE
#define FW_HEAP_SIZE 65536
#endif

#define HEAP_ALIGN 8u        /* mbedTLS structures hold 64-bit fields */
#define HEAP_CLASS_MAX 1024u /* larger blocks share one exact-size list */
#define HEAP_CLASSES (HEAP_CLASS_MAX / HEAP_ALIGN + 1u)
#define HEAP_ALLOCATED 0x414c4c43u /* "ALLC" */
#define HEAP_FREE 0x46524545u      /* "FREE" */

typedef struct {
    uint32_t state; /* HEAP_ALLOCATED or HEAP_FREE */
    uint32_t size;  /* payload bytes, a multiple of HEAP_ALIGN */
} heap_header_t;

_Static_assert(sizeof(heap_header_t) == HEAP_ALIGN, "heap: the header keeps payloads aligned");

typedef struct heap_free_block {
    struct heap_free_block *next;
} heap_free_block_t;

static _Alignas(HEAP_ALIGN) unsigned char heap[FW_HEAP_SIZE];
static size_t heap_top;                             /* bytes of the arena ever handed out */
static heap_free_block_t *heap_lists[HEAP_CLASSES]; /* [size / 8] for small sizes, [0] large ones */

static void heap_corrupted(void)
{
    fw_log_line("BOOT HALTED: crypto heap corrupted");
    fw_board_exit(FW_EXIT_TRAP);
}

static heap_header_t *header_of(void *payload)
{
    return (heap_header_t *)(void *)((unsigned char *)payload - sizeof(heap_header_t));
}

static size_t class_of(size_t size)
{
    return size <= HEAP_CLASS_MAX ? size / HEAP_ALIGN : 0;
}

static void *heap_calloc(size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes) || bytes > sizeof(heap)) {
        return NULL;
    }
    size_t want = bytes == 0 ? HEAP_ALIGN : (bytes + HEAP_ALIGN - 1u) & ~(size_t)(HEAP_ALIGN - 1u);
    heap_free_block_t **p = &heap_lists[class_of(want)];
    heap_header_t *h = NULL;
    if (want <= HEAP_CLASS_MAX) {
        if (*p != NULL) { /* every block on a small class's list has its size */
            h = header_of(*p);
            *p = (*p)->next;
        }
    } else {
        for (; *p != NULL; p = &(*p)->next) {
            if (header_of(*p)->size == want) {
                h = header_of(*p);
                *p = (*p)->next;
                break;
            }
        }
    }
    if (h == NULL) {
        if (want > sizeof(heap) - sizeof(heap_header_t) - heap_top) {
            return NULL;
        }
        h = (heap_header_t *)(void *)(heap + heap_top);
        heap_top += sizeof(heap_header_t) + want;
        h->size = (uint32_t)want;
    } else if (h->state != HEAP_FREE) {
        heap_corrupted();
    }
    h->state = HEAP_ALLOCATED;
    return memset(h + 1, 0, want);
}

static void heap_free(void *payload)
{
    if (payload == NULL) {
        return;
    }
    unsigned char *p = payload;
    heap_header_t *h = header_of(payload);
    if (p < heap + sizeof(heap_header_t) || p >= heap + heap_top || ((uintptr_t)p & (HEAP_ALIGN - 1u)) != 0 ||
        h->state != HEAP_ALLOCATED) {
        heap_corrupted();
    }
    h->state = HEAP_FREE;
    heap_free_block_t *b = payload;
    heap_free_block_t **list = &heap_lists[class_of(h->size)];
    b->next = *list;
    *list = b;
}

void fw_board_heap_init(void)
{
    heap_top = 0;
    memset(heap_lists, 0, sizeof(heap_lists));
    mbedtls_platform_set_calloc_free(heap_calloc, heap_free);
}

uint32_t fw_board_heap_high_water(void)
{
    return (uint32_t)heap_top;
}
