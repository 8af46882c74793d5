/*
 * The byte formats named once: every constant of test/vectors/formats.txt equals the C macro
 * FW_<NAME>, and every macro listed here is in the vector (Java and Python check the same file).
 * The device-id rule against test/vectors/device-ids.txt (DeviceIdRuleTest reads it too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw/identity.h"
#include "fw/image.h"
#include "fw/keys.h"
#include "fw/layout.h"
#include "fw/offer.h"
#include "fw/otadata.h"
#include "fw/progress.h"
#include "fw/ptable.h"
#include "fw/session.h"
#include "test.h"

#define C(name)                     \
    {                               \
#name, (long long)FW_##name \
    }

static const struct {
    const char *name;
    long long value;
} constants[] = {
    C(MANIFEST_SIZE),
    C(MANIFEST_MAGIC),
    C(MANIFEST_FORMAT),
    C(BUILD_ID_SIZE),
    C(IMAGE_TYPE_BOOTLOADER),
    C(IMAGE_TYPE_APP),
    C(MANIFEST_OFF_MAGIC),
    C(MANIFEST_OFF_FORMAT),
    C(MANIFEST_OFF_SIZE),
    C(MANIFEST_OFF_IMAGE_TYPE),
    C(MANIFEST_OFF_RESERVED_TYPE),
    C(MANIFEST_OFF_VERSION),
    C(MANIFEST_OFF_SECURITY_VERSION),
    C(MANIFEST_OFF_IMAGE_SIZE),
    C(MANIFEST_OFF_LOAD_ADDR),
    C(MANIFEST_OFF_ENTRY_ADDR),
    C(MANIFEST_OFF_IMAGE_DIGEST),
    C(MANIFEST_OFF_BUILD_ID),
    C(MANIFEST_OFF_RESERVED),
    C(MANIFEST_RESERVED_SIZE),
    C(PAYLOAD_ALIGN),
    C(SIGBLOCK_SIZE),
    C(SIGBLOCK_MAGIC),
    C(SIGBLOCK_VERSION),
    C(SIGBLOCK_CURVE_P256),
    C(SIGBLOCK_OFF_MAGIC),
    C(SIGBLOCK_OFF_VERSION),
    C(SIGBLOCK_OFF_RESERVED_HEAD),
    C(SIGBLOCK_OFF_MANIFEST_DIGEST),
    C(SIGBLOCK_OFF_CURVE),
    C(SIGBLOCK_OFF_RESERVED_CURVE),
    C(SIGBLOCK_OFF_PUBKEY),
    C(SIGBLOCK_OFF_SIGNATURE),
    C(SIGBLOCK_OFF_RESERVED_TAIL),
    C(PTABLE_MAGIC),
    C(PTABLE_FORMAT),
    C(PTABLE_HEADER_SIZE),
    C(PTABLE_ENTRY_SIZE),
    C(PTABLE_MAX_ENTRIES),
    C(PTABLE_LABEL_SIZE),
    C(PTABLE_ALIGN),
    C(PTABLE_DIGEST_SIZE),
    C(PTABLE_MAX_SIZE),
    C(PTABLE_OFF_MAGIC),
    C(PTABLE_OFF_FORMAT),
    C(PTABLE_OFF_COUNT),
    C(PTABLE_OFF_RESERVED),
    C(PTABLE_ENTRY_OFF_TYPE),
    C(PTABLE_ENTRY_OFF_SUBTYPE),
    C(PTABLE_ENTRY_OFF_FLAGS),
    C(PTABLE_ENTRY_OFF_OFFSET),
    C(PTABLE_ENTRY_OFF_SIZE),
    C(PTABLE_ENTRY_OFF_LABEL),
    C(PTABLE_ENTRY_OFF_RESERVED),
    C(PART_TYPE_APP),
    C(PART_TYPE_DATA),
    C(PART_SUBTYPE_OTA_0),
    C(PART_SUBTYPE_OTA_1),
    C(PART_SUBTYPE_IDENTITY),
    C(IDENTITY_MAGIC),
    C(IDENTITY_FORMAT),
    C(IDENTITY_HEADER_SIZE),
    C(IDENTITY_DIGEST_SIZE),
    C(IDENTITY_MAX_SIZE),
    C(IDENTITY_OFF_MAGIC),
    C(IDENTITY_OFF_FORMAT),
    C(IDENTITY_OFF_RESERVED_FORMAT),
    C(IDENTITY_OFF_BODY_LEN),
    C(IDENTITY_OFF_RESERVED),
    C(IDENTITY_FIELD_OFF_TYPE),
    C(IDENTITY_FIELD_OFF_LEN),
    C(IDENTITY_FIELD_HEADER_SIZE),
    C(IDENTITY_FIELD_ALIGN),
    C(ID_DEVICE_ID),
    C(ID_TOKEN),
    C(ID_ROOT_CA),
    C(ID_SERVER_NAME),
    C(ID_CLOCK),
    C(ID_DEVICE_KEY),
    C(ID_DEVICE_CERT),
    C(DEVICE_ID_MIN_LEN),
    C(DEVICE_ID_MAX_LEN),
    C(SESSION_MAGIC),
    C(SESSION_FORMAT),
    C(SESSION_RECORD_OFFSET),
    C(SESSION_MAX_SIZE),
    C(SESSION_HEADER_SIZE),
    C(SESSION_DIGEST_SIZE),
    C(SESSION_NAME_SIZE),
    C(SESSION_DATA_ALIGN),
    C(SESSION_DATA_MAX),
    C(SESSION_MAX_AGE),
    C(SESSION_OFF_MAGIC),
    C(SESSION_OFF_FORMAT),
    C(SESSION_OFF_DATA_LEN),
    C(SESSION_OFF_STORED_AT),
    C(SESSION_OFF_ROOT_DIGEST),
    C(SESSION_OFF_CERT_DIGEST),
    C(SESSION_OFF_SERVER_NAME),
    C(SESSION_OFF_DATA),
    C(SERVER_NAME_MAX_LEN),
    C(KEY_SLOTS),
    C(KEYBLOCK_MAGIC),
    C(KEYBLOCK_OFF_MAGIC),
    C(KEYBLOCK_OFF_RESERVED),
    C(KEYBLOCK_OFF_DIGESTS),
    C(KEYBLOCK_SIZE),
    C(EFUSE_SIZE),
    C(EFUSE_OFF_KEY_REVOKE),
    C(EFUSE_OFF_SECURE_VERSION),
    C(EFUSE_OFF_RESERVED),
    C(EFUSE_MAX_SECURITY_VERSION),
    C(FLASH_FILE_SIZE),
    C(FLASH_SECTOR),
    C(ROM_CODE_MAX),
    C(ROM_KEYBLOCK_OFFSET),
    C(BOOTLOADER_OFFSET),
    C(BOOTLOADER_SLOT_SIZE),
    C(PTABLE_OFFSET),
    C(PARTITIONS_START),
    C(EFUSE_OFFSET),
    C(IDENTITY_PART_OFFSET),
    C(IDENTITY_PART_SIZE),
    C(APP0_OFFSET),
    C(APP1_OFFSET),
    C(APP_SLOT_SIZE),
    C(TEST_CUT_OFFSET),
    C(OFFER_MAGIC),
    C(OFFER_OFF_MAGIC),
    C(OFFER_FORMAT),
    C(OFFER_OFF_FORMAT),
    C(OFFER_HEADER_SIZE),
    C(OFFER_OFF_HEADER_SIZE),
    C(OFFER_OFF_UPDATE_ID),
    C(OFFER_UPDATE_ID_SIZE),
    C(OFFER_OFF_CHUNK_SIZE),
    C(OFFER_CHUNK_MIN),
    C(OFFER_CHUNK_MAX),
    C(OFFER_CHUNK_ALIGN),
    C(OFFER_OFF_IMAGE_LENGTH),
    C(OFFER_OFF_MANIFEST),
    C(OFFER_OFF_SIGBLOCK),
    C(OFFER_SIZE),
    C(OTADATA_MAGIC),
    C(OTADATA_FORMAT),
    C(OTADATA_RECORD_SIZE),
    C(OTADATA_OFFSET),
    C(OTADATA_COPY_STRIDE),
    C(OTADATA_PART_SIZE),
    C(PART_SUBTYPE_OTADATA),
    C(OTADATA_NO_SLOT),
    C(OTADATA_FLAG_REPORT_OWED),
    C(OTADATA_OFF_MAGIC),
    C(OTADATA_OFF_FORMAT),
    C(OTADATA_OFF_RESERVED_HEAD),
    C(OTADATA_OFF_SEQ),
    C(OTADATA_OFF_ACTIVE),
    C(OTADATA_OFF_PENDING_SLOT),
    C(OTADATA_OFF_PENDING_STATE),
    C(OTADATA_OFF_ATTEMPTS),
    C(OTADATA_OFF_FLAGS),
    C(OTADATA_OFF_RESERVED_FLAGS),
    C(OTADATA_OFF_UPDATE_ID),
    C(OTADATA_OFF_PENDING_DIGEST),
    C(OTADATA_OFF_RESERVED_TAIL),
    C(OTADATA_OFF_DIGEST),
    C(OTADATA_MAX_ATTEMPTS),
    C(PROGRESS_MAGIC),
    C(PROGRESS_FORMAT),
    C(PROGRESS_IN_OTADATA),
    C(PROGRESS_HEADER_SIZE),
    C(PROGRESS_CHECKPOINT_SIZE),
    C(PROGRESS_CHECK_XOR),
    C(PROGRESS_OFF_MAGIC),
    C(PROGRESS_OFF_FORMAT),
    C(PROGRESS_OFF_SLOT),
    C(PROGRESS_OFF_RESERVED),
    C(PROGRESS_OFF_UPDATE_ID),
    C(PROGRESS_OFF_MANIFEST_DIGEST),
    C(PROGRESS_OFF_IMAGE_LENGTH),
    C(PROGRESS_OFF_CHUNK_SIZE),
    C(PROGRESS_OFF_DIGEST),
    C(OTA_NONE),
    C(OTA_NEW),
    C(OTA_TRYING),
    C(OTA_INVALID),
    C(OTA_ABORTED),
};

#define CONSTANT_COUNT (sizeof(constants) / sizeof(constants[0]))

static FILE *open_vector(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", FW_VECTOR_DIR, name);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    return f;
}

FW_TEST(formats_agree_with_the_shared_vector)
{
    FILE *f = open_vector("formats.txt");
    char line[256];
    int seen[CONSTANT_COUNT] = {0};
    size_t lines = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        char *eq = strchr(line, '=');
        CHECK(eq != NULL);
        *eq = '\0';
        long long value = strtoll(eq + 1, NULL, 0);
        size_t i = 0;
        while (i < CONSTANT_COUNT && strcmp(constants[i].name, line) != 0) {
            i++;
        }
        if (i == CONSTANT_COUNT || constants[i].value != value) {
            fprintf(stderr, "formats.txt: %s=%lld, C: %s\n", line, value,
                    i == CONSTANT_COUNT ? "no such FW_ macro in the table" : "differs");
        }
        CHECK(i < CONSTANT_COUNT);
        CHECK_EQ(constants[i].value, value);
        seen[i] = 1;
        lines++;
    }
    fclose(f);
    for (size_t i = 0; i < CONSTANT_COUNT; i++) {
        if (!seen[i]) {
            fprintf(stderr, "formats.txt lacks %s\n", constants[i].name);
        }
        CHECK(seen[i]);
    }
    CHECK_EQ(lines, CONSTANT_COUNT);
}

FW_TEST(device_id_rule_matches_the_server_vectors)
{
    FILE *f = open_vector("device-ids.txt");
    char line[256];
    int valid = 0, invalid = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t n = strcspn(line, "\n");
        line[n] = '\0';
        if (line[0] == '#' || n == 0) {
            continue;
        }
        char *colon = strchr(line, ':');
        CHECK(colon != NULL);
        *colon = '\0';
        const char *id = colon + 1;
        int expected = strcmp(line, "valid") == 0;
        CHECK(expected || strcmp(line, "invalid") == 0);
        int got = fw_identity_device_id_valid((const uint8_t *)id, strlen(id));
        if (got != expected) {
            fprintf(stderr, "device id \"%s\": expected %s\n", id, line);
        }
        CHECK_EQ(got, expected);
        expected ? valid++ : invalid++;
    }
    fclose(f);
    CHECK(valid >= 5 && invalid >= 5);
}
