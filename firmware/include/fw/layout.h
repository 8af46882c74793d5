/*
 * Flash layout of the emulated device (docs/formats.md 3): where the ROM keeps its key block,
 * where the SPI flash keeps bootloader, partition table, partitions and eFuse block, and the
 * default partitions the factory writes. Mirrored in qemu/formats.py (the flash packer).
 */
#ifndef FW_LAYOUT_H
#define FW_LAYOUT_H

#include "fw/identity.h"
#include "fw/keys.h"
#include "fw/otadata.h"
#include "fw/ptable.h"

#define FW_FLASH_FILE_SIZE 0x2000000u /* each QEMU virt pflash file: exactly 32 MiB */
#define FW_FLASH_SECTOR 0x40000u      /* QEMU virt pflash sector */

/* pflash0, the mask ROM */
#define FW_ROM_CODE_MAX 0x20000u
#define FW_ROM_KEYBLOCK_OFFSET 0x20000u

/* pflash1, the SPI flash */
#define FW_BOOTLOADER_OFFSET 0x0u
#define FW_BOOTLOADER_SLOT_SIZE 0x40000u
#define FW_PTABLE_OFFSET 0x40000u
#define FW_PARTITIONS_START 0x80000u
#define FW_EFUSE_OFFSET 0x1fc0000u /* last sector: emulated eFuse block */
/* Test builds only (bootloader_cut): the word before the eFuse block says after which flash operation to stop. */
#define FW_TEST_CUT_OFFSET (FW_EFUSE_OFFSET - 4u)

/* Default partitions (type/subtype in fw/ptable.h) */
#define FW_IDENTITY_PART_OFFSET 0x80000u
#define FW_IDENTITY_PART_SIZE 0x40000u
#define FW_APP0_OFFSET 0x100000u
#define FW_APP1_OFFSET 0x500000u
#define FW_APP_SLOT_SIZE 0x400000u

_Static_assert(FW_ROM_KEYBLOCK_OFFSET >= FW_ROM_CODE_MAX, "ROM code ends before the key block");
_Static_assert(FW_BOOTLOADER_OFFSET + FW_BOOTLOADER_SLOT_SIZE <= FW_PTABLE_OFFSET, "bootloader before the table");
_Static_assert(FW_PTABLE_OFFSET + FW_PTABLE_MAX_SIZE <= FW_PARTITIONS_START, "table fits in its sector");
_Static_assert(FW_IDENTITY_PART_OFFSET >= FW_PARTITIONS_START, "identity inside the partition area");
_Static_assert(FW_IDENTITY_PART_OFFSET + FW_IDENTITY_PART_SIZE <= FW_APP0_OFFSET, "identity before app0");
_Static_assert(FW_IDENTITY_PART_SIZE >= FW_IDENTITY_MAX_SIZE, "identity record fits its partition");
_Static_assert(FW_APP0_OFFSET + FW_APP_SLOT_SIZE <= FW_APP1_OFFSET, "app0 before app1");
_Static_assert(FW_APP1_OFFSET + FW_APP_SLOT_SIZE <= FW_OTADATA_OFFSET, "app1 before otadata");
_Static_assert(FW_OTADATA_OFFSET + FW_OTADATA_PART_SIZE <= FW_EFUSE_OFFSET, "otadata before the eFuse block");
_Static_assert(FW_OTADATA_COPIES *FW_OTADATA_COPY_STRIDE < FW_OTADATA_PART_SIZE, "two copies and the progress sector");
_Static_assert(FW_OTADATA_COPY_STRIDE == FW_FLASH_SECTOR, "one sector per record copy");
_Static_assert(FW_OTADATA_OFFSET + FW_OTADATA_PART_SIZE <= FW_TEST_CUT_OFFSET, "the test cut word lies in free flash");
_Static_assert(FW_EFUSE_OFFSET + FW_FLASH_SECTOR == FW_FLASH_FILE_SIZE, "eFuse block is the last sector");
_Static_assert(FW_IDENTITY_PART_OFFSET % FW_FLASH_SECTOR == 0 && FW_APP0_OFFSET % FW_FLASH_SECTOR == 0 &&
                   FW_APP1_OFFSET % FW_FLASH_SECTOR == 0 && FW_OTADATA_OFFSET % FW_FLASH_SECTOR == 0 &&
                   FW_EFUSE_OFFSET % FW_FLASH_SECTOR == 0,
               "every rewritten region owns whole sectors");

#endif /* FW_LAYOUT_H */
