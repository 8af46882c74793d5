/* Minimal test harness for the host unit tests: one CTest test per FW_TEST. */
#ifndef FW_TEST_H
#define FW_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include <stddef.h>
#include <stdint.h>

typedef void (*fw_test_fn)(void);
void fw_test_register(const char *name, fw_test_fn fn);

/* Reads test/device-vectors/NAME into BUF (CAP bytes); the file must exist, be non-empty and fit. */
size_t fw_test_read_device_vector(const char *name, uint8_t *buf, size_t cap);

/* The same for test/vectors/NAME, the files shared with the Java writer. */
size_t fw_test_read_vector(const char *name, uint8_t *buf, size_t cap);

#define FW_TEST(name)                                              \
    static void name(void);                                        \
    __attribute__((constructor)) static void register_##name(void) \
    {                                                              \
        fw_test_register(#name, name);                             \
    }                                                              \
    static void name(void)

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                                                \
    do {                                                                                                              \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                                         \
        if (va_ != vb_) {                                                                                             \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, va_, \
                    #b, vb_);                                                                                         \
            exit(1);                                                                                                  \
        }                                                                                                             \
    } while (0)

#endif
