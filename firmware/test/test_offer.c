/*
 * The update offer (docs/formats.md 8): the shared vector written by the Java writer
 * (FirmwareVectorsTest) parses to what it was made from, and every damaged variant is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/err.h"
#include "fw/layout.h"
#include "fw/offer.h"
#include "test.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static int parse(const uint8_t *buf, size_t len, size_t slot)
{
    fw_offer_t o;
    int rc = fw_offer_parse(buf, len, slot, &o);
    fw_offer_free(&o);
    return rc;
}

FW_TEST(offer_shared_vector_parses_to_what_it_was_made_from)
{
    static uint8_t image[8192];
    uint8_t offer[FW_OFFER_SIZE + 1];
    size_t image_len = fw_test_read_vector("app-v3.img", image, sizeof(image));
    CHECK_EQ(fw_test_read_vector("offer-app-v3.bin", offer, sizeof(offer)), FW_OFFER_SIZE);

    fw_offer_t o;
    CHECK_EQ(fw_offer_parse(offer, FW_OFFER_SIZE, FW_APP_SLOT_SIZE, &o), 0);
    for (int i = 0; i < FW_OFFER_UPDATE_ID_SIZE; i++) {
        CHECK_EQ(o.update_id[i], i);
    }
    char hex[2 * FW_OFFER_UPDATE_ID_SIZE + 1];
    fw_offer_update_id_hex(&o, hex);
    CHECK(strcmp(hex, "000102030405060708090a0b0c0d0e0f") == 0);
    CHECK_EQ(o.chunk_size, 4096);
    CHECK_EQ(o.image_length, image_len);
    CHECK(memcmp(o.manifest_bytes, image, FW_MANIFEST_SIZE) == 0);
    CHECK(memcmp(o.sigblock_bytes, image + image_len - FW_SIGBLOCK_SIZE, FW_SIGBLOCK_SIZE) == 0);
    CHECK_EQ(o.manifest.version, 3);
    CHECK_EQ(o.manifest.security_version, 2);
    CHECK_EQ(o.manifest.image_size, 1000);
    fw_offer_free(&o);
}

FW_TEST(offer_refuses_every_damaged_header_and_length)
{
    uint8_t good[FW_OFFER_SIZE + 1], bad[FW_OFFER_SIZE + 1];
    CHECK_EQ(fw_test_read_vector("offer-app-v3.bin", good, sizeof(good)), FW_OFFER_SIZE);
    uint32_t length = (uint32_t)good[FW_OFFER_OFF_IMAGE_LENGTH] | (uint32_t)good[FW_OFFER_OFF_IMAGE_LENGTH + 1] << 8 |
                      (uint32_t)good[FW_OFFER_OFF_IMAGE_LENGTH + 2] << 16 |
                      (uint32_t)good[FW_OFFER_OFF_IMAGE_LENGTH + 3] << 24;

    CHECK_EQ(parse(good, FW_OFFER_SIZE - 1, FW_APP_SLOT_SIZE), FW_ERR_OFFER_INVALID);
    CHECK_EQ(parse(good, FW_OFFER_SIZE + 1, FW_APP_SLOT_SIZE), FW_ERR_OFFER_INVALID);
    CHECK_EQ(parse(good, 0, FW_APP_SLOT_SIZE), FW_ERR_OFFER_INVALID);
    CHECK_EQ(parse(NULL, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), FW_ERR_BAD_ARGUMENT);
    /* a slot one byte too small for the image */
    CHECK_EQ(parse(good, FW_OFFER_SIZE, length - 1), FW_ERR_OFFER_INVALID);
    CHECK_EQ(parse(good, FW_OFFER_SIZE, length), 0);

    static const struct {
        size_t off;
        uint32_t value;
        size_t width;
    } damage[] = {
        {FW_OFFER_OFF_MAGIC, 0x464f5445u, 4},
        {FW_OFFER_OFF_FORMAT, 2, 2},
        {FW_OFFER_OFF_FORMAT, 0, 2},
        {FW_OFFER_OFF_HEADER_SIZE, 33, 2},
        {FW_OFFER_OFF_CHUNK_SIZE, FW_OFFER_CHUNK_MIN - 1, 4},
        {FW_OFFER_OFF_CHUNK_SIZE, FW_OFFER_CHUNK_MAX + 1, 4},
        {FW_OFFER_OFF_CHUNK_SIZE, 4096 + 4, 4}, /* not whole 16-byte units */
        {FW_OFFER_OFF_CHUNK_SIZE, 0, 4},
        {FW_OFFER_OFF_CHUNK_SIZE, 0xffffffffu, 4},
        {FW_OFFER_OFF_IMAGE_LENGTH, 0, 4},
        {FW_OFFER_OFF_IMAGE_LENGTH, 0xffffffffu, 4},
    };
    for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
        memcpy(bad, good, FW_OFFER_SIZE);
        uint8_t word[4];
        put32(word, damage[i].value);
        memcpy(bad + damage[i].off, word, damage[i].width);
        CHECK_EQ(parse(bad, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), FW_ERR_OFFER_INVALID);
    }
    /* the image length must be exactly what the manifest implies, not one alignment step off */
    for (int delta = -16; delta <= 16; delta += 16) {
        memcpy(bad, good, FW_OFFER_SIZE);
        put32(bad + FW_OFFER_OFF_IMAGE_LENGTH, (uint32_t)((int64_t)length + delta));
        CHECK_EQ(parse(bad, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), delta == 0 ? 0 : FW_ERR_OFFER_INVALID);
    }
    /* the chunk bounds themselves are accepted */
    memcpy(bad, good, FW_OFFER_SIZE);
    put32(bad + FW_OFFER_OFF_CHUNK_SIZE, FW_OFFER_CHUNK_MIN);
    CHECK_EQ(parse(bad, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), 0);
    put32(bad + FW_OFFER_OFF_CHUNK_SIZE, FW_OFFER_CHUNK_MAX);
    CHECK_EQ(parse(bad, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), 0);
    /* a bootloader image is never offered as an update */
    memcpy(bad, good, FW_OFFER_SIZE);
    bad[FW_OFFER_OFF_MANIFEST + FW_MANIFEST_OFF_IMAGE_TYPE] = FW_IMAGE_TYPE_BOOTLOADER;
    CHECK_EQ(parse(bad, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), FW_ERR_IMAGE_WRONG_TYPE);
    /* a manifest that does not parse is refused with the manifest's own verdict */
    memcpy(bad, good, FW_OFFER_SIZE);
    bad[FW_OFFER_OFF_MANIFEST + FW_MANIFEST_OFF_MAGIC] ^= 1;
    CHECK_EQ(parse(bad, FW_OFFER_SIZE, FW_APP_SLOT_SIZE), FW_ERR_MANIFEST_BAD_MAGIC);
}

FW_TEST(offer_refused_parse_leaves_nothing_behind)
{
    uint8_t zeros[FW_OFFER_SIZE] = {0};
    fw_offer_t o;
    memset(&o, 0xa5, sizeof(o));
    CHECK(fw_offer_parse(zeros, sizeof(zeros), FW_APP_SLOT_SIZE, &o) != 0);
    CHECK_EQ(o.chunk_size, 0);
    CHECK_EQ(o.image_length, 0);
    CHECK_EQ(o.update_id[0], 0);
    fw_offer_free(&o);
}
