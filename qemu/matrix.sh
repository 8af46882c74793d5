#!/usr/bin/env bash
# The boot matrix: assembles every case (valid and tampered) and boots it in QEMU.
# One line per case: name, expected verdict, observed verdict, exit code, instructions/time.
# Exits non-zero on any mismatch, or if a tampered image ever printed the app banner.
# Needs: firmware built (firmware/firmware.sh build) and FW_SIGN (the firmware signing command).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
board=${FW_BOARD_DIR:-$root/firmware/build/board/board}
out=${FW_MATRIX_DIR:-$here/out/matrix}
# FW_SIGN is a command line (program and leading arguments), split into words here on purpose.
read -ra sign <<< "${FW_SIGN:?FW_SIGN must name the firmware signing command}"
tool=(python3 "$here/flashtool.py")
rm -rf "$out"
mkdir -p "$out/keys" "$out/images"

for k in key0 key1 rogue; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/keys/$k.pem" 2>/dev/null
done
d0=$("${tool[@]}" key-digest "$out/keys/key0.pem")
d1=$("${tool[@]}" key-digest "$out/keys/key1.pem")

s() { "${sign[@]}" sign "$@" >/dev/null || { echo "matrix: signing failed: $*" >&2; exit 2; }; }
img=$out/images
s --type bootloader --in "$board/bootloader.bin" --out "$img/bl.img" --version 1 --load-addr 0x80100000 --key "$out/keys/key0.pem" --build-id bootloader-1
s --type bootloader --in "$board/bootloader_cut.bin" --out "$img/bl-cut.img" --version 1 --load-addr 0x80100000 --key "$out/keys/key0.pem" --build-id bootloader-cut
s --type app --in "$board/app.bin" --out "$img/app-v3.img" --version 3 --security-version 2 --load-addr 0x80200000 --key "$out/keys/key0.pem" --build-id app-3
s --type app --in "$board/app.bin" --out "$img/app-v2.img" --version 2 --security-version 1 --load-addr 0x80200000 --key "$out/keys/key0.pem" --build-id app-2
s --type app --in "$board/app.bin" --out "$img/app-v4.img" --version 4 --security-version 3 --load-addr 0x80200000 --key "$out/keys/key0.pem" --build-id app-4
s --type app --in "$board/app.bin" --out "$img/app-rogue.img" --version 3 --security-version 2 --load-addr 0x80200000 --key "$out/keys/rogue.pem" --build-id app-3
s --type app --in "$board/app.bin" --out "$img/app-key1.img" --version 3 --security-version 2 --load-addr 0x80200000 --key "$out/keys/key1.pem" --build-id app-3
"${tool[@]}" rom --rom "$board/rom.bin" --digest "$d0" --digest "$d1" --out "$out/pflash0.img"

# Offsets from the one Python copy of the formats (qemu/formats.py, checked against the C headers).
fmt() { python3 "$here/formats.py" get "$1"; }
app_slot=$(fmt APP0_OFFSET)
manifest_size=$(fmt MANIFEST_SIZE)
sigblock_size=$(fmt SIGBLOCK_SIZE)
app_size=$(stat -c %s "$img/app-v3.img")

# case_dir NAME [flash args...]: a device with the shared ROM and its own pflash1
device() {
  local name=$1; shift
  mkdir -p "$out/$name"
  ln -sf ../pflash0.img "$out/$name/pflash0.img"
  "${tool[@]}" flash --out "$out/$name/pflash1.img" "$@"
}

device valid --bootloader "$img/bl.img" --app "$img/app-v3.img" --efuse-secver 2
device app-bit-flip --bootloader "$img/bl.img" --app "$img/app-v3.img" --efuse-secver 2
"${tool[@]}" flip --file "$out/app-bit-flip/pflash1.img" --offset $((app_slot + manifest_size + 0x40)) --bit 3
device manifest-bit-flip --bootloader "$img/bl.img" --app "$img/app-v3.img" --efuse-secver 2
"${tool[@]}" flip --file "$out/manifest-bit-flip/pflash1.img" --offset $((app_slot + $(fmt MANIFEST_OFF_VERSION))) --bit 1
device signature-bit-flip --bootloader "$img/bl.img" --app "$img/app-v3.img" --efuse-secver 2
"${tool[@]}" flip --file "$out/signature-bit-flip/pflash1.img" --offset $((app_slot + app_size - sigblock_size + $(fmt SIGBLOCK_OFF_SIGNATURE) + 7)) --bit 0
device bootloader-bit-flip --bootloader "$img/bl.img" --app "$img/app-v3.img" --efuse-secver 2
"${tool[@]}" flip --file "$out/bootloader-bit-flip/pflash1.img" --offset $(($(fmt BOOTLOADER_OFFSET) + manifest_size + 0x100)) --bit 5
head -c $((app_size / 2)) "$img/app-v3.img" > "$img/app-truncated.img"
device truncated-image --bootloader "$img/bl.img" --app "$img/app-truncated.img" --efuse-secver 2
device untrusted-key --bootloader "$img/bl.img" --app "$img/app-rogue.img" --efuse-secver 2
device revoked-key --bootloader "$img/bl.img" --app "$img/app-key1.img" --efuse-secver 2 --efuse-revoke 0x2
device rollback --bootloader "$img/bl.img" --app "$img/app-v2.img" --efuse-secver 2
device update-raises-counter --bootloader "$img/bl.img" --app "$img/app-v4.img" --efuse-secver 2
device ptable-garbage --bootloader "$img/bl.img" --app "$img/app-v3.img" --efuse-secver 2
"${tool[@]}" garbage --file "$out/ptable-garbage/pflash1.img" --offset $(($(fmt PTABLE_OFFSET) + $(fmt PTABLE_HEADER_SIZE))) --length 96
device empty-flash --empty

# A/B updates (formats.md 9.1): the boot-state record chooses the slot; a forged one can only choose
# among genuinely signed images at or above the counter. app0 holds v3 (security version 2).
ota() { "${tool[@]}" otadata --flash "$out/$1/pflash1.img" "${@:2}"; }
device ota-trial --bootloader "$img/bl.img" --app "$img/app-v3.img" --app1 "$img/app-v4.img" --efuse-secver 2
ota ota-trial --active 0 --state NEW
device ota-invalid --bootloader "$img/bl.img" --app "$img/app-v3.img" --app1 "$img/app-v4.img" --efuse-secver 2
"${tool[@]}" flip --file "$out/ota-invalid/pflash1.img" --offset $(($(fmt APP1_OFFSET) + manifest_size + 0x40)) --bit 2
ota ota-invalid --active 0 --state NEW
device ota-forged-rollback --bootloader "$img/bl.img" --app "$img/app-v3.img" --app1 "$img/app-v2.img" --efuse-secver 2
ota ota-forged-rollback --active 0 --state NEW
device ota-forged-active --bootloader "$img/bl.img" --app "$img/app-v3.img" --app1 "$img/app-v2.img" --efuse-secver 2
ota ota-forged-active --active 1 --state NONE
device ota-confirmed --bootloader "$img/bl.img" --app "$img/app-v3.img" --app1 "$img/app-v4.img" --efuse-secver 2
ota ota-confirmed --active 1 --state NONE
# Power cuts during the bootloader's record writes (test build bootloader_cut): after operation N of
# NEW -> TRYING (1 erase + 32 words = 33), and inside the INVALID write that follows a bad app1.
cut_points=(1 17 33)
for n in "${cut_points[@]}"; do
  device "ota-cut-$n" --bootloader "$img/bl-cut.img" --app "$img/app-v3.img" --app1 "$img/app-v4.img" --efuse-secver 2
  ota "ota-cut-$n" --active 0 --state NEW
  "${tool[@]}" test-cut --flash "$out/ota-cut-$n/pflash1.img" --after "$n"
done
device ota-cut-invalid --bootloader "$img/bl-cut.img" --app "$img/app-v3.img" --app1 "$img/app-v4.img" --efuse-secver 2
"${tool[@]}" flip --file "$out/ota-cut-invalid/pflash1.img" --offset $(($(fmt APP1_OFFSET) + manifest_size + 0x40)) --bit 2
ota ota-cut-invalid --active 0 --state NEW
"${tool[@]}" test-cut --flash "$out/ota-cut-invalid/pflash1.img" --after 50

failed=0
passed=0
printf '%-24s %-56s %-56s %5s  %s\n' CASE EXPECTED OBSERVED EXIT COST
run_case() {
  local name=$1 expect=$2 expect_code=$3
  local log="$out/$name.log" start end code observed cost
  start=$(date +%s%N)
  "$here/boot.sh" "$out/$name" > "$log" 2>&1
  code=$?
  end=$(date +%s%N)
  observed=$(grep -E '^BOOT (OK|HALTED)' "$log" | tail -1)
  [ -n "$observed" ] || observed="(no verdict)"
  cost="$(( (end - start) / 1000000 )) ms"
  local instr
  instr=$(sed -n 's/^APP: reached after \([0-9]*\) instructions/\1/p' "$log")
  [ -n "$instr" ] && cost="$instr instr, $cost"
  local ok=1
  [ "$observed" = "$expect" ] && [ "$code" = "$expect_code" ] || ok=0
  # A tampered image must never reach the app: its banner must be absent.
  if [ "$expect" != "${expect#BOOT HALTED}" ] && grep -q '^APP: ' "$log"; then
    ok=0; observed="APP REACHED: $observed"
  fi
  printf '%-24s %-56s %-56s %5s  %s %s\n' "$name" "$expect" "$observed" "$code" "$cost" "$([ $ok = 1 ] && echo PASS || echo FAIL)"
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); sed 's/^/    | /' "$log"; fi
}

run_case valid                 "BOOT OK app v3" 0
run_case app-bit-flip          "BOOT HALTED: app image digest mismatch" 79
run_case manifest-bit-flip     "BOOT HALTED: app manifest digest mismatch" 75
run_case signature-bit-flip    "BOOT HALTED: app signature invalid" 76
run_case bootloader-bit-flip   "BOOT HALTED: bootloader image digest mismatch" 47
run_case truncated-image       "BOOT HALTED: app signature block missing" 71
run_case untrusted-key         "BOOT HALTED: app signing key untrusted" 73
run_case revoked-key           "BOOT HALTED: app signing key revoked" 74
run_case rollback              "BOOT HALTED: app security version below eFuse counter" 77
run_case update-raises-counter "BOOT OK app v4" 0
# Same device after the update: the counter is now 3, so the older v3 (security version 2) must refuse.
"${tool[@]}" put-app --flash "$out/update-raises-counter/pflash1.img" --app "$img/app-v3.img"
mkdir -p "$out/old-after-update" && ln -sf ../pflash0.img "$out/old-after-update/pflash0.img"
mv "$out/update-raises-counter/pflash1.img" "$out/old-after-update/pflash1.img"
run_case old-after-update      "BOOT HALTED: app security version below eFuse counter" 77
run_case ptable-garbage        "BOOT HALTED: partition table digest mismatch" 82
run_case empty-flash           "BOOT HALTED: bootloader manifest missing" 35

# expect_state CASE WHAT EXPECTED: the record or eFuse counter a boot left behind (one PASS/FAIL line).
expect_state() {
  local name=$1 what=$2 expect=$3 observed
  if [ "$what" = otadata ]; then
    observed=$("${tool[@]}" otadata-show --flash "$out/$name/pflash1.img")
  elif [ "$what" = log ]; then
    observed=$(grep -F -- "$expect" "$out/$name.log" | head -1)
  else
    observed=$("${tool[@]}" efuse --flash "$out/$name/pflash1.img")
  fi
  local ok=FAIL
  case "$observed" in *"$expect"*) ok=PASS ;; esac
  printf '%-24s %-56s %-56s %5s  %s\n' "$name" "$expect" "$observed" "-" "$ok"
  if [ $ok = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
# again CASE NEXT: the same device, booted once more under another case name.
again() {
  mkdir -p "$out/$2" && ln -sf ../pflash0.img "$out/$2/pflash0.img"
  cp --sparse=always "$out/$1/pflash1.img" "$out/$2/pflash1.img"
}
run_case ota-trial             "BOOT OK app v4 on trial" 0
expect_state ota-trial otadata "active=0 pending=1 state=TRYING attempts=1"
expect_state ota-trial efuse   "security_version=2" # a trial boot never raises the counter
again ota-trial ota-revert # no confirmation came: the next boot returns to app0
run_case ota-revert            "BOOT OK app v3" 0
expect_state ota-revert otadata "active=0 pending=1 state=ABORTED attempts=1"
expect_state ota-revert efuse  "security_version=2"
run_case ota-invalid           "BOOT OK app v3" 0
expect_state ota-invalid otadata "active=0 pending=1 state=INVALID attempts=1"
run_case ota-forged-rollback   "BOOT OK app v3" 0
expect_state ota-forged-rollback otadata "state=INVALID"
run_case ota-forged-active     "BOOT OK app v3" 0
expect_state ota-forged-active efuse "security_version=2"
run_case ota-confirmed         "BOOT OK app v4" 0
expect_state ota-confirmed efuse "security_version=3" # confirmed: now the counter rises
expect_state ota-trial log     "BL: app1 on trial, attempt 1 of 1: eFuse counter stays 2"
expect_state ota-revert log    "BL: pending app1 ABORTED (trial boots used up), booting app0"
expect_state ota-invalid log   "BL: pending app1 INVALID (image digest mismatch), booting app0"
expect_state ota-forged-active log "BL: app1 refused (security version below eFuse counter), falling back to app0"
# after each cut the device boots the real bootloader again: never bricked, never a second trial
for n in "${cut_points[@]}" invalid; do
  run_case "ota-cut-$n"        "(no verdict)" 120
  again "ota-cut-$n" "ota-cut-$n-next"
  "${tool[@]}" put-bootloader --flash "$out/ota-cut-$n-next/pflash1.img" --image "$img/bl.img"
  # TRYING complete (33 operations) means the trial was counted: the next boot aborts it
  if [ "$n" = 33 ] || [ "$n" = invalid ]; then next="BOOT OK app v3"; else next="BOOT OK app v4 on trial"; fi
  run_case "ota-cut-$n-next"   "$next" 0
done

echo "matrix: $passed passed, $failed failed"
[ "$failed" = 0 ]
