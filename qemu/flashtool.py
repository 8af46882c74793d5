#!/usr/bin/env python3
"""Assembles DeviceTrust flash images for qemu-system-riscv32 -M virt.

pflash0 (read-only, the mask ROM): ROM stage code at 0, key-digest block at 0x20000.
pflash1 (the SPI flash): bootloader, partition table, partitions, eFuse block.
Layout and formats: firmware/docs/formats.md. Signing is not done here: images
arrive signed by the backend's signer (devicetrust firmware sign).
"""
import argparse
import hashlib
import subprocess
import sys
import time

import formats as fmt
from formats import (APP0_OFFSET, APP1_OFFSET, APP_SLOT_SIZE, BOOTLOADER_OFFSET, BOOTLOADER_SLOT_SIZE, DEFAULT_PARTITIONS,
                     EFUSE_OFFSET, EFUSE_SIZE, FLASH_FILE_SIZE, ID_CLOCK, ID_DEVICE_ID, ID_SERVER_NAME, ID_TOKEN,
                     IDENTITY_MAX_SIZE, IDENTITY_PART_OFFSET, KEY_SLOTS, PTABLE_OFFSET, ROM_KEYBLOCK_OFFSET)

ID_FIELDS = {"device-id": fmt.ID_DEVICE_ID, "token": fmt.ID_TOKEN, "root-ca": fmt.ID_ROOT_CA,
             "server-name": fmt.ID_SERVER_NAME, "clock": fmt.ID_CLOCK, "key": fmt.ID_DEVICE_KEY,
             "cert": fmt.ID_DEVICE_CERT}


def new_flash(path, fill):
    with open(path, "wb") as f:
        if fill == 0:
            f.truncate(FLASH_FILE_SIZE)  # sparse: fast, and zero reads as "no magic" everywhere
        else:
            chunk = bytes([fill]) * (1 << 20)
            for _ in range(FLASH_FILE_SIZE >> 20):
                f.write(chunk)


def put(path, offset, data, limit=None):
    if limit is not None and len(data) > limit:
        sys.exit(f"flashtool: {len(data)} bytes do not fit in {limit:#x}")
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def key_digest(pem):
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return hashlib.sha256(der[-65:]).hexdigest()  # SEC1 uncompressed point 04||X||Y


def cmd_rom(a):
    new_flash(a.out, 0xFF)
    with open(a.rom, "rb") as f:
        put(a.out, 0, f.read(), fmt.ROM_CODE_MAX)
    digests = [bytes.fromhex(d) for d in a.digest]
    if len(digests) > KEY_SLOTS or any(len(d) != 32 for d in digests):
        sys.exit("flashtool: up to 3 SHA-256 key digests")
    put(a.out, ROM_KEYBLOCK_OFFSET, fmt.keyblock_bytes(digests))


def cmd_flash(a):
    if a.empty:
        new_flash(a.out, 0xFF)
        return
    new_flash(a.out, 0)
    if a.bootloader:
        with open(a.bootloader, "rb") as f:
            put(a.out, BOOTLOADER_OFFSET, f.read(), BOOTLOADER_SLOT_SIZE)
    put(a.out, PTABLE_OFFSET, fmt.ptable_bytes(DEFAULT_PARTITIONS))
    for image, slot in ((a.app, APP0_OFFSET), (a.app1, APP1_OFFSET)):
        if image:
            with open(image, "rb") as f:
                put(a.out, slot, f.read(), APP_SLOT_SIZE)
    put(a.out, EFUSE_OFFSET, fmt.efuse_bytes(a.efuse_revoke, a.efuse_secver))


def cmd_put_app(a):
    with open(a.app, "rb") as f:
        data = f.read()
    slot = APP1_OFFSET if a.slot == 1 else APP0_OFFSET
    # An update rewrites the whole slot: erase it first so no old bytes remain.
    put(a.flash, slot, bytes(APP_SLOT_SIZE))
    put(a.flash, slot, data, APP_SLOT_SIZE)


def otadata_copies(path):
    """Both copies of the boot-state record, parsed (None = no valid record in that copy)."""
    with open(path, "rb") as f:
        copies = []
        for i in range(2):
            f.seek(fmt.OTADATA_OFFSET + i * fmt.OTADATA_COPY_STRIDE)
            copies.append(fmt.otadata_parse(f.read(fmt.OTADATA_RECORD_SIZE)))
    return copies


def cmd_otadata(a):
    """Writes the next record as the device does: seq + 1, over the copy that does not hold the newest."""
    copies = otadata_copies(a.flash)
    seqs = [c["seq"] if c else 0 for c in copies]
    target = 1 if seqs[0] > seqs[1] else 0
    state = fmt.OTA_STATES[a.state]
    pending = fmt.OTADATA_NO_SLOT if state == fmt.OTA_NONE else 1 - a.active
    record = fmt.otadata_bytes(max(seqs) + 1, a.active, pending, state, a.attempts)
    put(a.flash, fmt.OTADATA_OFFSET + target * fmt.OTADATA_COPY_STRIDE, record)


def cmd_otadata_show(a):
    copies = [c for c in otadata_copies(a.flash) if c]
    if not copies:
        print("otadata: none")
        return
    c = max(copies, key=lambda c: c["seq"])
    names = {v: k for k, v in fmt.OTA_STATES.items()}
    pending = "-" if c["pending"] == fmt.OTADATA_NO_SLOT else c["pending"]
    print(f"otadata: seq={c['seq']} active={c['active']} pending={pending} "
          f"state={names.get(c['state'], c['state'])} attempts={c['attempts']} flags={c['flags']:#x}")


def cmd_put_bootloader(a):
    with open(a.image, "rb") as f:
        data = f.read()
    put(a.flash, BOOTLOADER_OFFSET, data + bytes(BOOTLOADER_SLOT_SIZE - len(data)), BOOTLOADER_SLOT_SIZE)


def cmd_flip(a):
    with open(a.file, "r+b") as f:
        f.seek(a.offset)
        b = f.read(1)[0]
        f.seek(a.offset)
        f.write(bytes([b ^ (1 << a.bit)]))


def cmd_garbage(a):
    data = hashlib.sha256(a.seed.encode()).digest() * (a.length // 32 + 1)
    put(a.file, a.offset, data[: a.length])


def identity_bytes(fields):
    try:
        return fmt.identity_bytes(fields)
    except ValueError as e:
        sys.exit(f"flashtool: {e}")


def identity_read(path):
    with open(path, "rb") as f:
        f.seek(IDENTITY_PART_OFFSET)
        raw = f.read(IDENTITY_MAX_SIZE)
    try:
        return fmt.identity_parse(raw)
    except ValueError as e:
        sys.exit(f"flashtool: {e}")


def identity_write(path, fields):
    data = identity_bytes(fields)
    with open(path, "r+b") as f:
        f.seek(IDENTITY_PART_OFFSET)
        f.write(data + bytes(IDENTITY_MAX_SIZE - len(data)))


def pem_to_der(path):
    return subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"], check=True, capture_output=True).stdout


def clock_bytes(epoch):
    return int(epoch if epoch is not None else time.time()).to_bytes(8, "little")


def cmd_identity(a):
    fields = {ID_DEVICE_ID: a.device_id.encode(), fmt.ID_ROOT_CA: pem_to_der(a.root_ca),
              ID_SERVER_NAME: a.server_name.encode(), ID_CLOCK: clock_bytes(a.clock)}
    if a.token:
        fields[ID_TOKEN] = a.token.encode()
    if a.out:
        open(a.out, "wb").write(identity_bytes(fields))
    else:
        identity_write(a.flash, fields)


def cmd_identity_clock(a):
    fields = identity_read(a.flash)
    if fields is None:
        sys.exit("flashtool: no identity record")
    fields[ID_CLOCK] = clock_bytes(a.epoch)
    identity_write(a.flash, fields)


def session_read(path):
    """The TLS session record after the identity record: its binding, None when absent, "damaged"."""
    with open(path, "rb") as f:
        f.seek(IDENTITY_PART_OFFSET + fmt.SESSION_RECORD_OFFSET)
        raw = f.read(fmt.SESSION_MAX_SIZE)
    try:
        return fmt.session_parse(raw)
    except ValueError:
        return "damaged"


def cmd_identity_show(a):
    fields = identity_read(a.flash)
    if fields is None:
        print("identity: none")
        return
    names = {v: k for k, v in ID_FIELDS.items()}
    for t, v in sorted(fields.items()):
        n = names.get(t, f"type-{t}")
        if t in (ID_DEVICE_ID, ID_SERVER_NAME):
            print(f"{n}={v.decode()}")
        elif t == ID_CLOCK:
            print(f"{n}={int.from_bytes(v, 'little')}")
        elif t == ID_TOKEN:
            print(f"{n}=present")
        else:
            print(f"{n}={len(v)} bytes")
    session = session_read(a.flash)
    if isinstance(session, dict):
        print(f"tls-session=stored at {session['stored_at']} for {session['server_name']}, "
              f"root {session['root_digest'].hex()[:16]}..., {session['data_len']} bytes")
    else:
        print(f"tls-session={session or 'none'}")


def cmd_identity_get(a):
    fields = identity_read(a.flash) or {}
    v = fields.get(ID_FIELDS[a.field])
    if v is None:
        sys.exit(1)
    open(a.out, "wb").write(v)


def cmd_identity_put(a):
    fields = identity_read(a.flash)
    if fields is None:
        sys.exit("flashtool: no identity record")
    if a.remove:
        fields.pop(ID_FIELDS[a.field], None)
    else:
        fields[ID_FIELDS[a.field]] = open(a.infile, "rb").read()
    identity_write(a.flash, fields)


def cmd_efuse(a):
    with open(a.flash, "rb") as f:
        f.seek(EFUSE_OFFSET)
        raw = f.read(EFUSE_SIZE)
    revoke = int.from_bytes(raw[fmt.EFUSE_OFF_KEY_REVOKE:fmt.EFUSE_OFF_SECURE_VERSION], "little")
    secver = bin(int.from_bytes(raw[fmt.EFUSE_OFF_SECURE_VERSION:fmt.EFUSE_OFF_RESERVED], "little")).count("1")
    print(f"key_revoke={revoke:#x} security_version={secver}")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rom", help="pflash0: ROM code + key digests")
    r.add_argument("--rom", required=True)
    r.add_argument("--digest", action="append", default=[])
    r.add_argument("--out", required=True)
    r.set_defaults(fn=cmd_rom)
    f = sub.add_parser("flash", help="pflash1: bootloader, partition table, app, eFuse")
    f.add_argument("--bootloader")
    f.add_argument("--app")
    f.add_argument("--app1", help="an image in the second app slot")
    f.add_argument("--efuse-revoke", type=lambda s: int(s, 0), default=0)
    f.add_argument("--efuse-secver", type=int, default=0)
    f.add_argument("--empty", action="store_true", help="erased flash (all 0xff)")
    f.add_argument("--out", required=True)
    f.set_defaults(fn=cmd_flash)
    u = sub.add_parser("put-app", help="write an app image raw into an app slot (default app0)")
    u.add_argument("--flash", required=True)
    u.add_argument("--app", required=True)
    u.add_argument("--slot", type=int, choices=(0, 1), default=0)
    u.set_defaults(fn=cmd_put_app)
    b = sub.add_parser("put-bootloader", help="replace the bootloader slot")
    b.add_argument("--flash", required=True)
    b.add_argument("--image", required=True)
    b.set_defaults(fn=cmd_put_bootloader)
    w = sub.add_parser("test-cut", help="test builds: the record flash operation after which bootloader_cut stops")
    w.add_argument("--flash", required=True)
    w.add_argument("--after", type=int, required=True, help="0 = never")
    w.set_defaults(fn=lambda a: put(a.flash, fmt.TEST_CUT_OFFSET, a.after.to_bytes(4, "little")))
    x = sub.add_parser("flip", help="flip one bit")
    x.add_argument("--file", required=True)
    x.add_argument("--offset", type=lambda s: int(s, 0), required=True)
    x.add_argument("--bit", type=int, default=0)
    x.set_defaults(fn=cmd_flip)
    g = sub.add_parser("garbage", help="overwrite bytes with deterministic garbage")
    g.add_argument("--file", required=True)
    g.add_argument("--offset", type=lambda s: int(s, 0), required=True)
    g.add_argument("--length", type=lambda s: int(s, 0), required=True)
    g.add_argument("--seed", default="garbage")
    g.set_defaults(fn=cmd_garbage)
    k = sub.add_parser("key-digest", help="SHA-256 of a key's uncompressed public point")
    k.add_argument("pem")
    k.set_defaults(fn=lambda a: print(key_digest(a.pem)))
    o = sub.add_parser("otadata", help="write the next boot-state record (the pending slot is the other one)")
    o.add_argument("--flash", required=True)
    o.add_argument("--active", type=int, choices=(0, 1), default=0)
    o.add_argument("--state", choices=sorted(fmt.OTA_STATES), default="NONE")
    o.add_argument("--attempts", type=int, default=0)
    o.set_defaults(fn=cmd_otadata)
    oshow = sub.add_parser("otadata-show", help="print the boot-state record the bootloader reads")
    oshow.add_argument("--flash", required=True)
    oshow.set_defaults(fn=cmd_otadata_show)
    e = sub.add_parser("efuse", help="show the eFuse block of a pflash1 image")
    e.add_argument("--flash", required=True)
    e.set_defaults(fn=cmd_efuse)
    pt = sub.add_parser("ptable", help="write the default partition table alone (fuzz seed)")
    pt.add_argument("--out", required=True)
    pt.set_defaults(fn=lambda a: open(a.out, "wb").write(fmt.ptable_bytes(DEFAULT_PARTITIONS)))
    i = sub.add_parser("identity", help="factory identity record: device id, token, pinned root CA, server name, clock")
    i.add_argument("--flash")
    i.add_argument("--out", help="write the record alone to a file (fuzz seed) instead of into --flash")
    i.add_argument("--device-id", required=True)
    i.add_argument("--token")
    i.add_argument("--root-ca", required=True, help="PEM certificate")
    i.add_argument("--server-name", default="localhost")
    i.add_argument("--clock", type=int)
    i.set_defaults(fn=cmd_identity)
    c = sub.add_parser("identity-clock", help="set the device clock (Unix seconds, default now) before a boot")
    c.add_argument("--flash", required=True)
    c.add_argument("--epoch", type=int)
    c.set_defaults(fn=cmd_identity_clock)
    sh = sub.add_parser("identity-show", help="list the identity fields")
    sh.add_argument("--flash", required=True)
    sh.set_defaults(fn=cmd_identity_show)
    ig = sub.add_parser("identity-get", help="copy one identity field to a file (exit 1 if absent)")
    ig.add_argument("--flash", required=True)
    ig.add_argument("--field", choices=sorted(ID_FIELDS), required=True)
    ig.add_argument("--out", required=True)
    ig.set_defaults(fn=cmd_identity_get)
    ip = sub.add_parser("identity-put", help="replace or remove one identity field")
    ip.add_argument("--flash", required=True)
    ip.add_argument("--field", choices=sorted(ID_FIELDS), required=True)
    ip.add_argument("--in", dest="infile")
    ip.add_argument("--remove", action="store_true")
    ip.set_defaults(fn=cmd_identity_put)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
