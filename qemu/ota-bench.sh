#!/usr/bin/env bash
# Benchmark of an update over the air, device side (docs/ota.md, "Benchmark"), against a running DeviceTrust
# backend given by the launcher's environment like ota.sh (DEVICETRUST_HOME, DEVICETRUST_PORT_BASE or the
# *_PORT variables, DEVICETRUST_ADMIN_PASSWORD). QEMU with -icount shift=0: 1 guest instruction = 1 ns of
# virtual time. The release is the board's device app (the smallest app that passes the trial's self-test),
# signed by the backend; one rollout per chunk size (OTA_BENCH_CHUNKS, default "4096 1024"), each to a device
# of its own, one QEMU at a time.
#  1. Download: payload KiB/s (wall clock and guest virtual time) and guest instructions per payload byte, split
#     into polling the UART for the server and the device's own work (TLS, HTTP, flash programming,
#     checkpoints), beside the raw UART link: the same number of bytes over the same link (QEMU's UART wired
#     to a TCP port of 127.0.0.1, devicerun.py) read by firmware/board/app_link.c, without TLS or HTTP.
#  2. The whole update with the first chunk size: boots and guest instructions from the poll that gets the
#     offer through download, verify, install, reboot, trial self-test, confirm and the SUCCEEDED report;
#     beside it one boot of the updated device that is offered nothing.
# Prints figures only, never fails on them; exit 1 when a run did not reach its figure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ota-lib.sh source-path=SCRIPTDIR
. "$here/ota-lib.sh"
out=$here/out/ota-bench
rm -rf "$out" && mkdir -p "$out"
read -ra sizes <<< "${OTA_BENCH_CHUNKS:-4096 1024}"
stamp=$(date +%s)
run_id=otab-$stamp
status=0

say() { echo "ota-bench: $*"; }
if ! backend_up; then
  say "no running backend (http $http_port, data $data, DEVICETRUST_ADMIN_PASSWORD set?)"
  exit 1
fi
# stamped: every line of stdin prefixed with the wall clock in microseconds
stamped() { local l; while IFS= read -r l; do printf '%s %s\n' "${EPOCHREALTIME/./}" "$l"; done; }
# bench_boot ID LOG: one run with -icount, its log stamped (a line may be stamped late by up to one chunk answer:
# devicerun.py reads the log between its writes to the UART); returns the run's exit code
bench_boot() { "$dev" boot "$1" --runs 1 --icount 2>&1 | stamped > "$2"; return "${PIPESTATUS[0]}"; }
# at LOG TEXT: the stamp (us) of the first line containing TEXT
at() { grep -m1 -F -- "$2" "$1" | cut -d' ' -f1; }
# exit_figures LOG: "instructions polling" of the run's last line (instructions since reset)
exit_figures() {
  sed -n 's/.* DEVICE: peak heap [0-9]* bytes, exit [0-9]*, \([0-9]*\) instructions since reset (\([0-9]*\) polling.*/\1 \2/p' "$1" | tail -1
}
fail() { say "$*"; status=1; }
calc() { awk "BEGIN { $1 }"; }

say "backend: https $https_port; devices $run_id-*; chunk sizes ${sizes[*]}"
for size in "${sizes[@]}"; do
  enrolled "$run_id-c$size" || { say "device $run_id-c$size could not be enrolled:"; sed 's/^/    | /' "$out/$run_id-c$size-enroll.log"; exit 1; }
done
v=$(( (stamp % 100000) * 10 + 9 ))
# A backend's first release raises the security version: approved by a second administrator (release()).
second_admin "ota-bench-approver-$stamp" || say "could not create the second administrator: $(cat "$out/approver.json")"
rel=$(release "$v" 2) || { say "the release could not be made"; exit 1; }
image_len=$(admin GET "admin/firmware/releases/$rel" | field imageLength)
say "release $rel: device app v$v, $(stat -c %s "$board/device.bin")-byte payload, $image_len-byte signed image"

# ---------------------------------------------------------------- 1. the download, per chunk size
declare -A bytes instr waited wall requests rollouts
for size in "${sizes[@]}"; do
  id=$run_id-c$size
  r=$(rollout_with "\"chunkSize\":$size" "$rel" "$id") || { fail "rollout with chunk size $size failed"; continue; }
  rollouts[$size]=$r
  bench_boot "$id" "$out/c$size-1.log"; c=$?
  line=$(grep -m1 'DEVICE: update download: ' "$out/c$size-1.log")
  read -r b n i w <<< "$(echo "$line" |
    sed -n 's/.*download: \([0-9]*\) bytes in \([0-9]*\) chunks, \([0-9]*\) instructions (\([0-9]*\) polling.*/\1 \2 \3 \4/p')"
  if [ "$c" != 10 ] || [ "${b:-0}" != "$image_len" ]; then
    fail "chunk size $size: the download did not complete (exit $c):"; sed 's/^/    | /' "$out/c$size-1.log"; continue
  fi
  bytes[$size]=$b requests[$size]=$n instr[$size]=$i waited[$size]=$w
  wall[$size]=$(( $(at "$out/c$size-1.log" 'DEVICE: update download: ') - $(at "$out/c$size-1.log" 'update report DOWNLOADING: HTTP') ))
done

# The raw link: app_link on a flash of its own (throwaway signing key), a loopback TCP server that sends the same
# number of bytes after the app's hello.
raw=$out/raw
mkdir -p "$raw"
[ -f "$board/app_link.bin" ] || cmake --build "$root/firmware/build/board" -j2 >/dev/null
read -ra sign <<< "${FW_SIGN:-java -jar $root/cli/target/devicetrust-cli.jar firmware}"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$raw/key.pem" 2>/dev/null
"${sign[@]}" sign --type bootloader --in "$board/bootloader.bin" --out "$raw/bl.img" --version 1 --load-addr 0x80100000 \
  --key "$raw/key.pem" >/dev/null
"${sign[@]}" sign --type app --in "$board/app_link.bin" --out "$raw/app.img" --version 1 --load-addr 0x80200000 \
  --key "$raw/key.pem" --build-id link-bench >/dev/null
"${tool[@]}" rom --rom "$board/rom.bin" --digest "$("${tool[@]}" key-digest "$raw/key.pem")" --out "$raw/pflash0.img"
"${tool[@]}" flash --out "$raw/pflash1.img" --bootloader "$raw/bl.img" --app "$raw/app.img"
port=$(free_port)
python3 - "$port" "$image_len" > "$raw/server.log" 2>&1 <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
srv = socket.create_server(("127.0.0.1", port))
srv.settimeout(60)
c, _ = srv.accept()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
hello = b""
while len(hello) < 8:
    part = c.recv(8 - len(hello))
    if not part:
        sys.exit("no hello")
    hello += part
payload = bytes((i * 131 + 17) & 0xFF for i in range(n))
t0 = time.monotonic()
c.sendall(n.to_bytes(4, "little") + payload)
ack = c.recv(1)
print("sent %d bytes, ack %r after %d us" % (n, ack, (time.monotonic() - t0) * 1e6))
PY
server=$!
sleep 0.3
python3 "$here/devicerun.py" --dir "$raw" --port "$port" --icount --timeout 120 2>&1 | stamped > "$raw/boot.log"
c=${PIPESTATUS[0]}
wait "$server" 2>/dev/null
read -r rb ri rw <<< "$(sed -n 's/.*RAWLINK: received \([0-9]*\) of [0-9]* bytes in \([0-9]*\) instructions (\([0-9]*\) polling.*/\1 \2 \3/p' "$raw/boot.log")"
if [ "$c" = 0 ] && [ "${rb:-0}" = "$image_len" ] && grep -q "^sent $image_len bytes, ack b'K'" "$raw/server.log"; then
  bytes[raw]=$rb instr[raw]=$ri waited[raw]=$rw requests[raw]=-
  # timed by the sender, first byte to the app's answer: devicerun.py prints the app's log lines late while it
  # feeds the UART a burst this long, so their stamps would not do here
  wall[raw]=$(sed -n 's/^sent [0-9]* bytes, ack b.K. after \([0-9]*\) us$/\1/p' "$raw/server.log")
else
  fail "the raw link run did not complete (exit $c):"; sed 's/^/    | /' "$raw/boot.log"
fi

# ---------------------------------------------------------------- 2. the whole update, first chunk size
first=${sizes[0]}
id=$run_id-c$first
declare -A boot_instr boot_wait boot_wall
codes=()
boot_wall[1]=$(( ($(tail -1 "$out/c$first-1.log" | cut -d' ' -f1) - $(head -1 "$out/c$first-1.log" | cut -d' ' -f1)) / 1000 ))
for n in 2 3 4; do
  start=$(date +%s%N)
  bench_boot "$id" "$out/c$first-$n.log"; codes[n]=$?
  boot_wall[$n]=$(( ($(date +%s%N) - start) / 1000000 ))
done
for n in 1 2 3 4; do
  read -r bi bw <<< "$(exit_figures "$out/c$first-$n.log")"
  boot_instr[$n]=$bi boot_wait[$n]=$bw
done
read -r polled poll_wait <<< "$(sed -n 's/.*offered: .*(polled at instruction \([0-9]*\), \([0-9]*\) of them polling.*/\1 \2/p' "$out/c$first-1.log" | head -1)"
state=$(execution "${rollouts[$first]}" "$id" state)
if [ "${codes[2]}" != 10 ] || ! grep -q "trial boot passed its self-test" "$out/c$first-2.log" || [ "${codes[3]}" != 0 ] ||
   ! grep -q "update report SUCCEEDED: HTTP 204" "$out/c$first-3.log" || [ "$state" != SUCCEEDED ] ||
   [ "${codes[4]}" != 0 ] || ! grep -q "no update offered" "$out/c$first-4.log" || [ -z "$polled" ]; then
  fail "the update did not complete (exits ${codes[2]}/${codes[3]}/${codes[4]}, server state $state):"
  for n in 2 3 4; do sed 's/^/    | /' "$out/c$first-$n.log"; done
fi

# ---------------------------------------------------------------- the tables
cols=("${sizes[@]}" raw)
row() { local label=$1; shift; printf '%-56s' "$label"; printf ' %15s' "$@"; printf '\n'; }
figure() { # figure KIND COLUMN
  local k=$2
  [ -n "${bytes[$k]:-}" ] || { echo n/a; return; }
  case "$1" in
    wall) calc "printf \"%.1f\", ${bytes[$k]} / 1024 / (${wall[$k]} / 1e6)" ;;
    virtual) calc "printf \"%.1f\", ${bytes[$k]} / 1024 / (${instr[$k]} / 1e9)" ;;
    own-rate) calc "printf \"%.1f\", ${bytes[$k]} / 1024 / ((${instr[$k]} - ${waited[$k]}) / 1e9)" ;;
    per-byte) calc "printf \"%.1f\", ${instr[$k]} / ${bytes[$k]}" ;;
    polling) calc "printf \"%.1f\", ${waited[$k]} / ${bytes[$k]}" ;;
    own) calc "printf \"%.1f\", (${instr[$k]} - ${waited[$k]}) / ${bytes[$k]}" ;;
    ms) calc "printf \"%.0f\", ${wall[$k]} / 1000" ;;
    requests) echo "${requests[$k]}" ;;
  esac
}
row_of() { # row_of LABEL KIND: the figure for every chunk size and the raw link
  local label=$1 vals=() k
  for k in "${cols[@]}"; do vals+=("$(figure "$2" "$k")"); done
  row "$label" "${vals[@]}"
}
echo
echo "update download, device side: $image_len bytes (the signed image) into the other slot, -icount shift=0"
heads=(); for s in "${sizes[@]}"; do heads+=("chunk $s"); done
row "FIGURE" "${heads[@]}" "REF: raw UART"
row_of "payload KiB/s, wall clock" wall
row_of "payload KiB/s, guest virtual time (1 instr = 1 ns)" virtual
row_of "payload KiB/s, the device's own work alone" own-rate
row_of "guest instructions per payload byte" per-byte
row_of "  of which polling the UART for the server" polling
row_of "  the device's own work (total - polling)" own
row_of "download wall time (ms)" ms
row_of "HTTP range requests" requests

# mega INSTRUCTIONS: in millions, one decimal
mega() { [ -n "${1:-}" ] && calc "printf \"%.1f M\", $1 / 1e6" || echo n/a; }
u1=$(( ${boot_instr[1]:-0} - ${polled:-0} )) w1=$(( ${boot_wait[1]:-0} - ${poll_wait:-0} ))
total=$(( u1 + ${boot_instr[2]:-0} + ${boot_instr[3]:-0} ))
total_wait=$(( w1 + ${boot_wait[2]:-0} + ${boot_wait[3]:-0} ))
echo
echo "the whole update ($image_len-byte image, chunk $first): from the poll that gets the offer to the SUCCEEDED report"
row "FIGURE" MEASURED "REF: boot, no offer"
row "boots (QEMU runs)" 3 1
row "guest instructions" "$(mega "$total")" "$(mega "${boot_instr[4]:-}")"
row "  of which polling the UART for the server" "$(mega "$total_wait")" "$(mega "${boot_wait[4]:-}")"
row "  the device's own work (total - polling)" "$(mega $((total - total_wait)))" \
  "$(mega $(( ${boot_instr[4]:-0} - ${boot_wait[4]:-0} )))"
row "  boot 1 from the poll: offer, download, verify, install" "$(mega "$u1")" -
row "  boot 2, reset to exit: trial, self-test, confirm" "$(mega "${boot_instr[2]:-}")" -
row "  boot 3, reset to exit: SUCCEEDED reported, poll" "$(mega "${boot_instr[3]:-}")" -
row "  boot 1 before the poll (reset, handshake, session)" "$(mega "${polled:-}")" -
row "guest virtual time, the update (ms)" "$(calc "printf \"%.0f\", $total / 1e6")" \
  "$(calc "printf \"%.0f\", ${boot_instr[4]:-0} / 1e6")"
row "wall time, boots 1-3 whole, QEMU starts included (ms)" \
  "$(( ${boot_wall[1]:-0} + ${boot_wall[2]:-0} + ${boot_wall[3]:-0} ))" "${boot_wall[4]:-n/a}"
exit "$status"
