#!/usr/bin/env bash
# Benchmark of the boot chain with -icount shift=0 (1 instruction = 1 ns of virtual time):
# a 1 MiB app is booted through ROM and bootloader; the app then measures SHA-256 and one
# ECDSA P-256 verify itself. Figures are printed next to the goals; never fails on figures.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
board=${FW_BOARD_DIR:-$root/firmware/build/board/board}
out=$here/out/bench
# FW_SIGN is a command line (program and leading arguments), split into words here on purpose.
read -ra sign <<< "${FW_SIGN:?FW_SIGN must name the firmware signing command}"
tool=(python3 "$here/flashtool.py")
rm -rf "$out" && mkdir -p "$out"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/key.pem" 2>/dev/null

# 1 MiB payload: the bench app followed by deterministic filler (all of it hashed and signed).
python3 - "$board/app_bench.bin" "$out/app-1mib.bin" <<'PY'
import sys
code = open(sys.argv[1], "rb").read()
size = 1 << 20
filler = bytes((i * 131 + 17) & 0xFF for i in range(size - len(code)))
open(sys.argv[2], "wb").write(code + filler)
PY
"${sign[@]}" sign --type bootloader --in "$board/bootloader.bin" --out "$out/bl.img" --version 1 --load-addr 0x80100000 --key "$out/key.pem" >/dev/null
"${sign[@]}" sign --type app --in "$out/app-1mib.bin" --out "$out/app.img" --version 1 --load-addr 0x80200000 --key "$out/key.pem" --build-id bench >/dev/null
"${tool[@]}" rom --rom "$board/rom.bin" --digest "$("${tool[@]}" key-digest "$out/key.pem")" --out "$out/pflash0.img"
"${tool[@]}" flash --out "$out/pflash1.img" --bootloader "$out/bl.img" --app "$out/app.img"
start=$(date +%s%N)
"$here/boot.sh" "$out" > "$out/boot.log" 2>&1
code=$?
wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))

val() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$out/boot.log" | head -1; }
rom_verify=$(sed -n 's/^ROM: bootloader .* \([0-9]*\) instructions$/\1/p' "$out/boot.log")
app_verify=$(sed -n 's/^BL: app .* \([0-9]*\) instructions$/\1/p' "$out/boot.log")
boot=$(val boot_to_app_instructions)
sha_bytes=$(val sha256_bytes)
sha_instr=$(val sha256_instructions)
ecdsa=$(val ecdsa_p256_verify_instructions)
per_byte=$(awk -v i="${sha_instr:-0}" -v b="${sha_bytes:-1}" 'BEGIN { printf "%.1f", i / b }')

size_of() { riscv64-unknown-elf-size "$board/$1.elf" | awk 'NR == 2 { print $1, $2, $3 }'; }
read -r rom_text rom_data rom_bss <<<"$(size_of rom)"
read -r bl_text bl_data bl_bss <<<"$(size_of bootloader)"

echo "boot of a 1 MiB app (QEMU exit $code), -icount shift=0"
printf '  %-44s %14s   %s\n' "figure" "measured" "goal"
printf '  %-44s %14s   %s\n' "ROM text / data / bss (bytes)" "$rom_text / $rom_data / $rom_bss" "text <= 24576"
printf '  %-44s %14s   %s\n' "bootloader text / data / bss (bytes)" "$bl_text / $bl_data / $bl_bss" "text <= 49152"
printf '  %-44s %14s   %s\n' "SHA-256 instructions per byte (1 MiB)" "$per_byte" "<= 60"
printf '  %-44s %14s   %s\n' "ECDSA P-256 verify (instructions)" "${ecdsa:-?}" "-"
printf '  %-44s %14s   %s\n' "ROM: verify bootloader (instructions)" "${rom_verify:-?}" "-"
printf '  %-44s %14s   %s\n' "bootloader: verify 1 MiB app (instructions)" "${app_verify:-?}" "-"
printf '  %-44s %14s   %s\n' "reset to app entry (instructions)" "${boot:-?}" "-"
printf '  %-44s %14s   %s\n' "reset to app exit, wall time (ms)" "$wall_ms" "-"
[ "$code" = 0 ] || { echo "bench: boot did not reach the app:"; cat "$out/boot.log"; }
exit 0
