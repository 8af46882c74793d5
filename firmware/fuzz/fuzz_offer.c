/* libFuzzer target: update offer parser (bytes from the network). */
#include <stddef.h>
#include <stdint.h>

#include "fw/layout.h"
#include "fw/offer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_offer_t o;
    if (fw_offer_parse(data, size, FW_APP_SLOT_SIZE, &o) == 0) {
        char hex[2 * FW_OFFER_UPDATE_ID_SIZE + 1];
        fw_offer_update_id_hex(&o, hex);
        /* what a successful parse promises the download loop */
        if (o.chunk_size < FW_OFFER_CHUNK_MIN || o.chunk_size > FW_OFFER_CHUNK_MAX ||
            o.image_length > FW_APP_SLOT_SIZE || o.image_length < FW_MANIFEST_SIZE + FW_SIGBLOCK_SIZE) {
            __builtin_trap();
        }
    }
    fw_offer_free(&o);
    return 0;
}
