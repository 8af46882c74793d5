#!/usr/bin/env python3
"""DeviceTrust byte formats and flash layout, named once for every Python packer.

The same numbers are C macros in firmware/include/fw/*.h (FW_<NAME>) and Java constants in
ejb/.../firmware/control; all three are checked against firmware/test/vectors/formats.txt
(`formats.py check`, the C host test formats_agree_with_the_shared_vector, FirmwareFormatsTest).
Specification: firmware/docs/formats.md and firmware/docs/identity.md.

  formats.py get NAME      print one value (shell scripts: offsets for tampering)
  formats.py check [FILE]  compare every constant here with the shared vector
"""
import hashlib
import sys
from pathlib import Path

# ---------------------------------------------------------------- signed image (formats.md 1)
MANIFEST_SIZE = 128
MANIFEST_MAGIC = 0x4D465444  # "DTFM"
MANIFEST_FORMAT = 1
BUILD_ID_SIZE = 32
IMAGE_TYPE_BOOTLOADER = 1
IMAGE_TYPE_APP = 2
MANIFEST_OFF_MAGIC = 0
MANIFEST_OFF_FORMAT = 4
MANIFEST_OFF_SIZE = 6
MANIFEST_OFF_IMAGE_TYPE = 8
MANIFEST_OFF_RESERVED_TYPE = 9
MANIFEST_OFF_VERSION = 12
MANIFEST_OFF_SECURITY_VERSION = 16
MANIFEST_OFF_IMAGE_SIZE = 20
MANIFEST_OFF_LOAD_ADDR = 24
MANIFEST_OFF_ENTRY_ADDR = 28
MANIFEST_OFF_IMAGE_DIGEST = 32
MANIFEST_OFF_BUILD_ID = 64
MANIFEST_OFF_RESERVED = 96
MANIFEST_RESERVED_SIZE = 32
PAYLOAD_ALIGN = 16

SIGBLOCK_SIZE = 176
SIGBLOCK_MAGIC = 0xE7
SIGBLOCK_VERSION = 0x03
SIGBLOCK_CURVE_P256 = 2
SIGBLOCK_OFF_MAGIC = 0
SIGBLOCK_OFF_VERSION = 1
SIGBLOCK_OFF_RESERVED_HEAD = 2
SIGBLOCK_OFF_MANIFEST_DIGEST = 4
SIGBLOCK_OFF_CURVE = 36
SIGBLOCK_OFF_RESERVED_CURVE = 37
SIGBLOCK_OFF_PUBKEY = 40
SIGBLOCK_OFF_SIGNATURE = 104
SIGBLOCK_OFF_RESERVED_TAIL = 168

# ---------------------------------------------------------------- partition table (formats.md 2)
PTABLE_MAGIC = 0x54505444  # "DTPT"
PTABLE_FORMAT = 1
PTABLE_HEADER_SIZE = 16
PTABLE_ENTRY_SIZE = 32
PTABLE_MAX_ENTRIES = 16
PTABLE_LABEL_SIZE = 16
PTABLE_ALIGN = 0x1000
PTABLE_DIGEST_SIZE = 32
PTABLE_MAX_SIZE = PTABLE_HEADER_SIZE + PTABLE_MAX_ENTRIES * PTABLE_ENTRY_SIZE + PTABLE_DIGEST_SIZE
PTABLE_OFF_MAGIC = 0
PTABLE_OFF_FORMAT = 4
PTABLE_OFF_COUNT = 6
PTABLE_OFF_RESERVED = 8
PTABLE_ENTRY_OFF_TYPE = 0
PTABLE_ENTRY_OFF_SUBTYPE = 1
PTABLE_ENTRY_OFF_FLAGS = 2
PTABLE_ENTRY_OFF_OFFSET = 4
PTABLE_ENTRY_OFF_SIZE = 8
PTABLE_ENTRY_OFF_LABEL = 12
PTABLE_ENTRY_OFF_RESERVED = 28
PART_TYPE_APP = 0x00
PART_TYPE_DATA = 0x01
PART_SUBTYPE_OTA_0 = 0x10
PART_SUBTYPE_OTA_1 = 0x11
PART_SUBTYPE_IDENTITY = 0x40

# ---------------------------------------------------------------- identity record (identity.md 1)
IDENTITY_MAGIC = 0x44495444  # "DTID"
IDENTITY_FORMAT = 1
IDENTITY_HEADER_SIZE = 16
IDENTITY_DIGEST_SIZE = 32
IDENTITY_MAX_SIZE = 0x4000
IDENTITY_OFF_MAGIC = 0
IDENTITY_OFF_FORMAT = 4
IDENTITY_OFF_RESERVED_FORMAT = 6
IDENTITY_OFF_BODY_LEN = 8
IDENTITY_OFF_RESERVED = 12
IDENTITY_FIELD_OFF_TYPE = 0
IDENTITY_FIELD_OFF_LEN = 2
IDENTITY_FIELD_HEADER_SIZE = 4
IDENTITY_FIELD_ALIGN = 4
ID_DEVICE_ID = 1
ID_TOKEN = 2
ID_ROOT_CA = 3
ID_SERVER_NAME = 4
ID_CLOCK = 5
ID_DEVICE_KEY = 6
ID_DEVICE_CERT = 7
DEVICE_ID_MIN_LEN = 3
DEVICE_ID_MAX_LEN = 64
SERVER_NAME_MAX_LEN = 64

# ---------------------------------------------------------------- TLS session record (formats.md 7)
SESSION_MAGIC = 0x53545444  # "DTTS"
SESSION_FORMAT = 1
SESSION_RECORD_OFFSET = 0x4000  # in the identity partition, after the identity record's 16 KiB
SESSION_MAX_SIZE = 0x1000
SESSION_HEADER_SIZE = 144
SESSION_DIGEST_SIZE = 32
SESSION_NAME_SIZE = 64
SESSION_DATA_ALIGN = 4
SESSION_DATA_MAX = SESSION_MAX_SIZE - SESSION_HEADER_SIZE - SESSION_DIGEST_SIZE
SESSION_MAX_AGE = 86400
SESSION_OFF_MAGIC = 0
SESSION_OFF_FORMAT = 4
SESSION_OFF_DATA_LEN = 6
SESSION_OFF_STORED_AT = 8
SESSION_OFF_ROOT_DIGEST = 16
SESSION_OFF_CERT_DIGEST = 48
SESSION_OFF_SERVER_NAME = 80
SESSION_OFF_DATA = 144

# ---------------------------------------------------------------- trust anchors and eFuse (formats.md 3)
KEY_SLOTS = 3
KEYBLOCK_MAGIC = 0x444B5444  # "DTKD"
KEYBLOCK_OFF_MAGIC = 0
KEYBLOCK_OFF_RESERVED = 4
KEYBLOCK_OFF_DIGESTS = 8
KEYBLOCK_SIZE = KEYBLOCK_OFF_DIGESTS + KEY_SLOTS * 32
EFUSE_SIZE = 16
EFUSE_OFF_KEY_REVOKE = 0
EFUSE_OFF_SECURE_VERSION = 4
EFUSE_OFF_RESERVED = 12
EFUSE_MAX_SECURITY_VERSION = 64

# ---------------------------------------------------------------- flash layout (formats.md 3)
FLASH_FILE_SIZE = 32 * 1024 * 1024  # QEMU virt pflash: each file exactly 32 MiB
FLASH_SECTOR = 0x40000
ROM_CODE_MAX = 0x20000
ROM_KEYBLOCK_OFFSET = 0x20000
BOOTLOADER_OFFSET = 0x0
BOOTLOADER_SLOT_SIZE = 0x40000
PTABLE_OFFSET = 0x40000
PARTITIONS_START = 0x80000
EFUSE_OFFSET = 0x1FC0000
IDENTITY_PART_OFFSET = 0x080000
IDENTITY_PART_SIZE = 0x040000
APP0_OFFSET = 0x100000
APP1_OFFSET = 0x500000
APP_SLOT_SIZE = 0x400000
TEST_CUT_OFFSET = 0x1fbfffc  # test builds only: the flash operation after which bootloader_cut stops

# ---------------------------------------------------------------- boot-state record (formats.md 9)
OTADATA_MAGIC = 0x534f5444
OTADATA_FORMAT = 1
OTADATA_RECORD_SIZE = 128
OTADATA_OFFSET = 0x900000
OTADATA_COPY_STRIDE = 0x40000
OTADATA_PART_SIZE = 0xc0000
PART_SUBTYPE_OTADATA = 0
OTADATA_NO_SLOT = 255
OTADATA_FLAG_REPORT_OWED = 1
OTADATA_OFF_MAGIC = 0
OTADATA_OFF_FORMAT = 4
OTADATA_OFF_RESERVED_HEAD = 6
OTADATA_OFF_SEQ = 8
OTADATA_OFF_ACTIVE = 12
OTADATA_OFF_PENDING_SLOT = 13
OTADATA_OFF_PENDING_STATE = 14
OTADATA_OFF_ATTEMPTS = 15
OTADATA_OFF_FLAGS = 16
OTADATA_OFF_RESERVED_FLAGS = 17
OTADATA_OFF_UPDATE_ID = 20
OTADATA_OFF_PENDING_DIGEST = 36
OTADATA_OFF_RESERVED_TAIL = 68
OTADATA_OFF_DIGEST = 96
OTADATA_MAX_ATTEMPTS = 1
PROGRESS_MAGIC = 0x47505444
PROGRESS_FORMAT = 1
PROGRESS_IN_OTADATA = 0x80000
PROGRESS_HEADER_SIZE = 96
PROGRESS_CHECKPOINT_SIZE = 8
PROGRESS_CHECK_XOR = 0x5a5a5a5a
PROGRESS_OFF_MAGIC = 0
PROGRESS_OFF_FORMAT = 4
PROGRESS_OFF_SLOT = 6
PROGRESS_OFF_RESERVED = 7
PROGRESS_OFF_UPDATE_ID = 8
PROGRESS_OFF_MANIFEST_DIGEST = 24
PROGRESS_OFF_IMAGE_LENGTH = 56
PROGRESS_OFF_CHUNK_SIZE = 60
PROGRESS_OFF_DIGEST = 64
OTA_NONE = 0
OTA_NEW = 1
OTA_TRYING = 2
OTA_INVALID = 3
OTA_ABORTED = 4

# ---------------------------------------------------------------- update offer (formats.md 8)
OFFER_MAGIC = 0x464F5444  # "DTOF"
OFFER_FORMAT = 1
OFFER_HEADER_SIZE = 32
OFFER_UPDATE_ID_SIZE = 16
OFFER_CHUNK_MIN = 512
OFFER_CHUNK_MAX = 6144
OFFER_CHUNK_ALIGN = 16
OFFER_OFF_MAGIC = 0
OFFER_OFF_FORMAT = 4
OFFER_OFF_HEADER_SIZE = 6
OFFER_OFF_UPDATE_ID = 8
OFFER_OFF_CHUNK_SIZE = 24
OFFER_OFF_IMAGE_LENGTH = 28
OFFER_OFF_MANIFEST = 32
OFFER_OFF_SIGBLOCK = 160
OFFER_SIZE = 336

# type, subtype, offset, size, label: what the factory writes
DEFAULT_PARTITIONS = [
    (PART_TYPE_DATA, PART_SUBTYPE_IDENTITY, IDENTITY_PART_OFFSET, IDENTITY_PART_SIZE, "identity"),
    (PART_TYPE_APP, PART_SUBTYPE_OTA_0, APP0_OFFSET, APP_SLOT_SIZE, "app0"),  # the app the bootloader boots
    (PART_TYPE_APP, PART_SUBTYPE_OTA_1, APP1_OFFSET, APP_SLOT_SIZE, "app1"),  # the other slot, for updates
    (PART_TYPE_DATA, PART_SUBTYPE_OTADATA, OTADATA_OFFSET, OTADATA_PART_SIZE, "otadata"),  # which slot boots
]
OTA_STATES = {"NONE": OTA_NONE, "NEW": OTA_NEW, "TRYING": OTA_TRYING, "INVALID": OTA_INVALID, "ABORTED": OTA_ABORTED}


def le16(v):
    return int(v).to_bytes(2, "little")


def le32(v):
    return int(v).to_bytes(4, "little")


def ptable_bytes(partitions):
    """The partition table: header, entries, SHA-256 of both."""
    head = bytearray(PTABLE_HEADER_SIZE)
    head[PTABLE_OFF_MAGIC:PTABLE_OFF_MAGIC + 4] = le32(PTABLE_MAGIC)
    head[PTABLE_OFF_FORMAT:PTABLE_OFF_FORMAT + 2] = le16(PTABLE_FORMAT)
    head[PTABLE_OFF_COUNT:PTABLE_OFF_COUNT + 2] = le16(len(partitions))
    body = bytes(head)
    for ptype, sub, off, size, label in partitions:
        e = bytearray(PTABLE_ENTRY_SIZE)
        e[PTABLE_ENTRY_OFF_TYPE] = ptype
        e[PTABLE_ENTRY_OFF_SUBTYPE] = sub
        e[PTABLE_ENTRY_OFF_OFFSET:PTABLE_ENTRY_OFF_OFFSET + 4] = le32(off)
        e[PTABLE_ENTRY_OFF_SIZE:PTABLE_ENTRY_OFF_SIZE + 4] = le32(size)
        e[PTABLE_ENTRY_OFF_LABEL:PTABLE_ENTRY_OFF_RESERVED] = label.encode("ascii")[:PTABLE_LABEL_SIZE].ljust(
            PTABLE_LABEL_SIZE, b"\0")
        body += bytes(e)
    return body + hashlib.sha256(body).digest()


def offer_bytes(update_id, chunk_size, signed_image):
    """The offer for a signed image (manifest first, signature block last), as the backend sends it."""
    if len(update_id) != OFFER_UPDATE_ID_SIZE:
        raise ValueError("the update id is 16 bytes")
    head = bytearray(OFFER_HEADER_SIZE)
    head[OFFER_OFF_MAGIC:OFFER_OFF_MAGIC + 4] = le32(OFFER_MAGIC)
    head[OFFER_OFF_FORMAT:OFFER_OFF_FORMAT + 2] = le16(OFFER_FORMAT)
    head[OFFER_OFF_HEADER_SIZE:OFFER_OFF_HEADER_SIZE + 2] = le16(OFFER_HEADER_SIZE)
    head[OFFER_OFF_UPDATE_ID:OFFER_OFF_UPDATE_ID + OFFER_UPDATE_ID_SIZE] = update_id
    head[OFFER_OFF_CHUNK_SIZE:OFFER_OFF_CHUNK_SIZE + 4] = le32(chunk_size)
    head[OFFER_OFF_IMAGE_LENGTH:OFFER_OFF_IMAGE_LENGTH + 4] = le32(len(signed_image))
    return bytes(head) + signed_image[:MANIFEST_SIZE] + signed_image[-SIGBLOCK_SIZE:]


def otadata_bytes(seq, active, pending_slot, state, attempts=0, flags=0, update_id=bytes(16), digest=bytes(32)):
    """One copy of the boot-state record (no rule checked: tests forge records with it)."""
    r = bytearray(OTADATA_RECORD_SIZE)
    r[OTADATA_OFF_MAGIC:OTADATA_OFF_MAGIC + 4] = le32(OTADATA_MAGIC)
    r[OTADATA_OFF_FORMAT:OTADATA_OFF_FORMAT + 2] = le16(OTADATA_FORMAT)
    r[OTADATA_OFF_SEQ:OTADATA_OFF_SEQ + 4] = le32(seq)
    r[OTADATA_OFF_ACTIVE] = active
    r[OTADATA_OFF_PENDING_SLOT] = pending_slot
    r[OTADATA_OFF_PENDING_STATE] = state
    r[OTADATA_OFF_ATTEMPTS] = attempts
    r[OTADATA_OFF_FLAGS] = flags
    r[OTADATA_OFF_UPDATE_ID:OTADATA_OFF_UPDATE_ID + OFFER_UPDATE_ID_SIZE] = update_id
    r[OTADATA_OFF_PENDING_DIGEST:OTADATA_OFF_PENDING_DIGEST + 32] = digest
    r[OTADATA_OFF_DIGEST:] = hashlib.sha256(bytes(r[:OTADATA_OFF_DIGEST])).digest()
    return bytes(r)


def otadata_parse(raw):
    """A copy's fields as a dict, or None when it is no valid record (the reader's magic/format/digest checks)."""
    if len(raw) < OTADATA_RECORD_SIZE or \
            int.from_bytes(raw[OTADATA_OFF_MAGIC:OTADATA_OFF_MAGIC + 4], "little") != OTADATA_MAGIC or \
            int.from_bytes(raw[OTADATA_OFF_FORMAT:OTADATA_OFF_FORMAT + 2], "little") != OTADATA_FORMAT or \
            hashlib.sha256(raw[:OTADATA_OFF_DIGEST]).digest() != raw[OTADATA_OFF_DIGEST:OTADATA_RECORD_SIZE]:
        return None
    return {"seq": int.from_bytes(raw[OTADATA_OFF_SEQ:OTADATA_OFF_SEQ + 4], "little"),
            "active": raw[OTADATA_OFF_ACTIVE], "pending": raw[OTADATA_OFF_PENDING_SLOT],
            "state": raw[OTADATA_OFF_PENDING_STATE], "attempts": raw[OTADATA_OFF_ATTEMPTS],
            "flags": raw[OTADATA_OFF_FLAGS]}


def keyblock_bytes(digests):
    """The ROM key block: magic, reserved word, KEY_SLOTS digests (all-zero = empty slot)."""
    digests = list(digests) + [bytes(32)] * (KEY_SLOTS - len(digests))
    return le32(KEYBLOCK_MAGIC) + le32(0) + b"".join(digests)


def efuse_bytes(revoke, security_version):
    """The emulated eFuse block: revoke bits, unary security version (like ESP32's secure_version)."""
    return le32(revoke) + ((1 << security_version) - 1).to_bytes(8, "little") + bytes(4)


def identity_bytes(fields):
    """The identity record: header, fields ascending by type (zero-padded), SHA-256 of both."""
    body = b""
    for t in sorted(fields):
        v = fields[t]
        field = bytearray(IDENTITY_FIELD_HEADER_SIZE)
        field[IDENTITY_FIELD_OFF_TYPE:IDENTITY_FIELD_OFF_TYPE + 2] = le16(t)
        field[IDENTITY_FIELD_OFF_LEN:IDENTITY_FIELD_OFF_LEN + 2] = le16(len(v))
        body += bytes(field) + v + bytes(-len(v) % IDENTITY_FIELD_ALIGN)
    head = bytearray(IDENTITY_HEADER_SIZE)
    head[IDENTITY_OFF_MAGIC:IDENTITY_OFF_MAGIC + 4] = le32(IDENTITY_MAGIC)
    head[IDENTITY_OFF_FORMAT:IDENTITY_OFF_FORMAT + 2] = le16(IDENTITY_FORMAT)
    head[IDENTITY_OFF_BODY_LEN:IDENTITY_OFF_BODY_LEN + 4] = le32(len(body))
    record = bytes(head) + body
    if len(record) + IDENTITY_DIGEST_SIZE > IDENTITY_MAX_SIZE:
        raise ValueError("identity record larger than 16 KiB")
    return record + hashlib.sha256(record).digest()


def identity_parse(raw):
    """Fields of an identity record; None without the magic; ValueError when damaged."""
    if int.from_bytes(raw[IDENTITY_OFF_MAGIC:IDENTITY_OFF_MAGIC + 4], "little") != IDENTITY_MAGIC:
        return None
    n = int.from_bytes(raw[IDENTITY_OFF_BODY_LEN:IDENTITY_OFF_BODY_LEN + 4], "little")
    end = IDENTITY_HEADER_SIZE + n
    if n > IDENTITY_MAX_SIZE - IDENTITY_HEADER_SIZE - IDENTITY_DIGEST_SIZE or \
            hashlib.sha256(raw[:end]).digest() != raw[end:end + IDENTITY_DIGEST_SIZE]:
        raise ValueError("identity partition damaged")
    fields, p = {}, IDENTITY_HEADER_SIZE
    while p < end:
        t = int.from_bytes(raw[p + IDENTITY_FIELD_OFF_TYPE:p + IDENTITY_FIELD_OFF_TYPE + 2], "little")
        ln = int.from_bytes(raw[p + IDENTITY_FIELD_OFF_LEN:p + IDENTITY_FIELD_OFF_LEN + 2], "little")
        start = p + IDENTITY_FIELD_HEADER_SIZE
        fields[t] = raw[start:start + ln]
        p = start + ln + (-ln % IDENTITY_FIELD_ALIGN)
    return fields


def session_parse(raw):
    """The TLS session record's binding and size; None when absent (never written, erased); ValueError when damaged."""
    if int.from_bytes(raw[SESSION_OFF_MAGIC:SESSION_OFF_MAGIC + 4], "little") != SESSION_MAGIC:
        return None
    n = int.from_bytes(raw[SESSION_OFF_DATA_LEN:SESSION_OFF_DATA_LEN + 2], "little")
    end = SESSION_HEADER_SIZE + n + (-n % SESSION_DATA_ALIGN)
    if not 0 < n <= SESSION_DATA_MAX or \
            hashlib.sha256(raw[:end]).digest() != raw[end:end + SESSION_DIGEST_SIZE]:
        raise ValueError("TLS session record damaged")
    return {
        "stored_at": int.from_bytes(raw[SESSION_OFF_STORED_AT:SESSION_OFF_STORED_AT + 8], "little"),
        "root_digest": raw[SESSION_OFF_ROOT_DIGEST:SESSION_OFF_ROOT_DIGEST + 32],
        "cert_digest": raw[SESSION_OFF_CERT_DIGEST:SESSION_OFF_CERT_DIGEST + 32],
        "server_name": raw[SESSION_OFF_SERVER_NAME:SESSION_OFF_SERVER_NAME + SESSION_NAME_SIZE].rstrip(b"\0").decode(),
        "data_len": n,
    }


def constants():
    """Every format constant of this module: upper-case integers."""
    return {k: v for k, v in globals().items() if k.isupper() and isinstance(v, int) and not isinstance(v, bool)}


def read_vector(path):
    values = {}
    for line in Path(path).read_text(encoding="ascii").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name.strip()] = int(value.strip(), 0)
    return values


def check(path):
    """Problems between this module and the shared vector (empty when they agree)."""
    vector, mine = read_vector(path), constants()
    problems = [f"{k}: vector {v:#x}, formats.py {mine[k]:#x}" for k, v in vector.items() if k in mine and mine[k] != v]
    problems += [f"{k}: in the vector, not in formats.py" for k in vector if k not in mine]
    problems += [f"{k}: in formats.py, not in the vector" for k in mine if k not in vector]
    # the offer the Java writer made for the vector app: this writer must produce the same bytes
    vectors = Path(path).parent
    if (vectors / "offer-app-v3.bin").exists():
        ours = offer_bytes(bytes(range(OFFER_UPDATE_ID_SIZE)), 4096, (vectors / "app-v3.img").read_bytes())
        if ours != (vectors / "offer-app-v3.bin").read_bytes():
            problems.append("offer-app-v3.bin: the Java writer and offer_bytes disagree")
    return problems


def main(argv):
    default = Path(__file__).resolve().parent.parent / "firmware" / "test" / "vectors" / "formats.txt"
    if len(argv) == 2 and argv[0] == "get" and argv[1] in constants():
        print(constants()[argv[1]])
        return 0
    if argv and argv[0] == "check" and len(argv) <= 2:
        path = argv[1] if len(argv) == 2 else default
        problems = check(path)
        for p in problems:
            print(f"formats: {p}", file=sys.stderr)
        print(f"formats: {len(constants())} constants, {'agree' if not problems else 'DISAGREE'} with {path}")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
