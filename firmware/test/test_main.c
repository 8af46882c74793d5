#include <string.h>

#include "test.h"

#define MAX_TESTS 128

static struct {
    const char *name;
    fw_test_fn fn;
} tests[MAX_TESTS];
static int test_count;

void fw_test_register(const char *name, fw_test_fn fn)
{
    if (test_count < MAX_TESTS) {
        tests[test_count].name = name;
        tests[test_count].fn = fn;
        test_count++;
    }
}

/* With a name: run that test. Without: run all and print a summary. */
static size_t read_from(const char *dir, const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    CHECK(n > 0 && n < cap);
    return n;
}

size_t fw_test_read_device_vector(const char *name, uint8_t *buf, size_t cap)
{
    return read_from(FW_DEVICE_VECTOR_DIR, name, buf, cap);
}

size_t fw_test_read_vector(const char *name, uint8_t *buf, size_t cap)
{
    return read_from(FW_VECTOR_DIR, name, buf, cap);
}

int main(int argc, char **argv)
{
    for (int i = 0; i < test_count; i++) {
        if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
            tests[i].fn();
            printf("ok %s\n", tests[i].name);
            if (argc >= 2) {
                return 0;
            }
        }
    }
    if (argc >= 2) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 2;
    }
    printf("%d passed, 0 failed\n", test_count);
    return 0;
}
