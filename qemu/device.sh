#!/usr/bin/env bash
# DeviceTrust emulated devices (./devicetrust device ...): each device is a pflash pair under
# $DEVICETRUST_HOME/devices/<id>/ booted by QEMU, its UART wired to the backend on 127.0.0.1.
#   create <id> [name]     register the device (admin API), get a one-time enrollment token, build its flash
#   boot <id> [options]    boot it against the running backend: enrollment run (EST, HTTPS port) when it has
#                          no certificate, then the mutual-TLS run (device port); prints the device log
#        --port N          wire every run to 127.0.0.1:N instead (e.g. a proxy)
#        --clock EPOCH     device clock at power-on (default: now); --clock-days N: now + N days
#        --runs N          at most N runs (default 3: enroll, session, session after a renewal)
#        --cut-after N     power cut: QEMU killed once the backend sent N bytes in a run (exit 137)
#        --close-after N   the backend connection closed once it sent N bytes in a run
#        --cut-at-request N  power cut as the device begins HTTP request N of a run (1 = the session)
#        --drop-answer N   the connection closed as the backend begins its answer to request N of a run
#        --icount          -icount shift=0: 1 guest instruction = 1 ns of virtual time (benchmarks)
#   tamper <id> <how>      app-bit-flip | rogue-certificate | identity-garbage | session-garbage
#   show <id>              identity fields and the stored certificate
#   standin <dir> <id>     a device of a throwaway PKI in <dir>, for stand-in servers (qemu/benchserver.py)
#   bench                  device-side mTLS handshake cost with -icount shift=0, full and resumed after a reboot
#                          (self-contained: openssl s_server on loopback)
#   help
# Exit codes of boot (last run): 0 AUTH OK and telemetry stored, 10 enrolled/renewed (reboot wanted),
# 11 enrollment refused, 12 server certificate rejected (handshake aborted by the device), 13 refused by
# the backend, 14 network/timeout, 15 identity unusable, 16 storage, 17 internal, 3 CPU trap,
# 32+n ROM halt, 64+n bootloader halt (firmware/docs/formats.md), 124 run took too long.
# Environment (as the launcher): DEVICETRUST_HOME, DEVICETRUST_DATA_DIR, DEVICETRUST_PORT_BASE,
# DEVICETRUST_HTTP_PORT, DEVICETRUST_HTTPS_PORT, DEVICETRUST_DEVICE_PORT, DEVICETRUST_ADMIN_PASSWORD
# (admin user DEVICETRUST_ADMIN_USER, default admin); DEVICETRUST_DEVICE_TIMEOUT (seconds per run, 90).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
fw=$root/firmware
board=${FW_BOARD_DIR:-$fw/build/board/board}
tool=(python3 "$here/flashtool.py")

home=${DEVICETRUST_HOME:-$root/.devicetrust}
data=${DEVICETRUST_DATA_DIR:-$home/data}
http_port=${DEVICETRUST_HTTP_PORT:-8080}
https_port=${DEVICETRUST_HTTPS_PORT:-8181}
device_port=${DEVICETRUST_DEVICE_PORT:-8443}
if [ -n "${DEVICETRUST_PORT_BASE:-}" ]; then
  http_port=$((DEVICETRUST_PORT_BASE + 80)); https_port=$((DEVICETRUST_PORT_BASE + 81))
  device_port=$((DEVICETRUST_PORT_BASE + 43))
fi
devices=$home/devices
factory=$devices/.factory
run_timeout=${DEVICETRUST_DEVICE_TIMEOUT:-90}

log() { echo "device: $*" >&2; }
# A constant of the byte formats (qemu/formats.py, checked against the C headers).
fmt() { python3 "$here/formats.py" get "$1"; }
die() { echo "device: $*" >&2; exit "${2:-1}"; }

sign_cmd() { echo "${FW_SIGN:-java -jar $root/cli/target/devicetrust-cli.jar firmware}"; }

# Board images (and the signing CLI) when missing or older than their sources.
ensure_firmware() {
  if [ ! -f "$board/device.bin" ] || [ ! -f "$board/bootloader.bin" ] || [ ! -f "$root/cli/target/devicetrust-cli.jar" ] ||
     [ -n "$(find "$fw/board" "$fw/src" "$fw/include" "$fw/crypto" -newer "$board/device.bin" -type f 2>/dev/null | head -1)" ]; then
    if [ -d "$fw/build/board" ] && [ -f "$root/cli/target/devicetrust-cli.jar" ]; then
      cmake --build "$fw/build/board" -j2 >/dev/null
    else
      "$fw/firmware.sh" board >&2
    fi
  fi
}

# The factory: signed bootloader and device app, and a ROM with the signing key's digest burnt in. The key is the
# backend's firmware-signing key (PKI key store of this DeviceTrust home, certified by the root CA for code
# signing) when the home has a PKI, as on a real line; a local test key otherwise. Images are signed again when
# the board images change or the key does.
ensure_factory() {
  ensure_firmware
  mkdir -p "$factory"
  local s key digest
  read -ra s <<< "$(sign_cmd)" # a command line: program and leading arguments
  if [ -f "$data/pki/devicetrust-ca.p12" ]; then
    key=(--data-dir "$data")
  else
    if [ ! -f "$factory/firmware-key.pem" ]; then
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$factory/firmware-key.pem" 2>/dev/null
      chmod 600 "$factory/firmware-key.pem"
    fi
    key=(--key "$factory/firmware-key.pem")
  fi
  digest=$("${s[@]}" key-digest "${key[@]}") || die "cannot read the firmware signing key (${key[*]})"
  if [ ! -f "$factory/app.img" ] || [ "$board/device.bin" -nt "$factory/app.img" ] ||
     [ "$(cat "$factory/key-digest" 2>/dev/null)" != "$digest" ]; then
    log "signing the bootloader and device app (firmware key ${digest:0:16}...)"
    "${s[@]}" sign --type bootloader --in "$board/bootloader.bin" --out "$factory/bootloader.img" --version 1 \
      --load-addr 0x80100000 "${key[@]}" --build-id bootloader-1 >/dev/null
    "${s[@]}" sign --type app --in "$board/device.bin" --out "$factory/app.img" --version 3 --security-version 2 \
      --load-addr 0x80200000 "${key[@]}" --build-id device-3 >/dev/null
    "${tool[@]}" rom --rom "$board/rom.bin" --digest "$digest" --out "$factory/pflash0.img"
    printf '%s\n' "$digest" > "$factory/key-digest"
  fi
}

root_ca() {
  local pem=$data/pki/root-ca.pem
  if [ ! -f "$pem" ]; then
    pem=$factory/root-ca.pem
    curl -sSf --max-time 10 "http://localhost:$http_port/pki/ca/root-ca.pem" -o "$pem" ||
      die "root CA not found in $data/pki and not served on port $http_port: is the backend running?"
  fi
  echo "$pem"
}

# admin METHOD PATH [JSON]: prints the body, fails on HTTP >= 400.
admin() {
  local method=$1 path=$2 body=${3:-}
  [ -n "${DEVICETRUST_ADMIN_PASSWORD:-}" ] || die "DEVICETRUST_ADMIN_PASSWORD is not set (the administrator's password)"
  local args=(-sS --max-time 30 --cacert "$(root_ca)" -u "${DEVICETRUST_ADMIN_USER:-admin}:$DEVICETRUST_ADMIN_PASSWORD"
    -X "$method" -w '\n%{http_code}' -H 'Accept: application/json')
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  local out code
  out=$(curl "${args[@]}" "https://localhost:$https_port/api/v1/$path") || die "admin API unreachable on port $https_port"
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  if [ "$code" -ge 400 ]; then
    echo "$out" >&2
    return 22
  fi
  echo "$out"
}

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# The server's rule (DeviceId) and the firmware's (fw_identity_device_id_valid): test/vectors/device-ids.txt.
valid_id() { [[ $1 =~ ^[a-z0-9][a-z0-9-]{2,63}$ ]] || die "device id must be 3-64 characters of a-z, 0-9 and '-', starting with a letter or digit" 2; }

cmd_create() {
  local id=${1:?usage: device.sh create <id> [name]} name=${2:-Emulated device $1}
  valid_id "$id"
  ensure_factory
  local dir=$devices/$id
  admin POST admin/devices "{\"id\":\"$id\",\"name\":\"$name\"}" >/dev/null || die "registering $id failed"
  local token
  token=$(admin POST admin/enrollment-tokens "{\"deviceId\":\"$id\"}" | json_field token) || die "no enrollment token for $id"
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$factory/pflash0.img" "$dir/pflash0.img"
  "${tool[@]}" flash --out "$dir/pflash1.img" --bootloader "$factory/bootloader.img" --app "$factory/app.img" --efuse-secver 2
  "${tool[@]}" identity --flash "$dir/pflash1.img" --device-id "$id" --token="$token" --root-ca "$(root_ca)" --server-name localhost
  echo "device $id registered, flash in $dir (one-time enrollment token provisioned, root CA pinned)"
}

device_dir() {
  local dir=$devices/${1:?device id}
  [ -f "$dir/pflash1.img" ] || die "no device $1 (run: ./devicetrust device create $1)" 2
  echo "$dir"
}

cmd_boot() {
  local id=${1:?usage: device.sh boot <id> [--port N] [--clock EPOCH|--clock-days N] [--runs N]}; shift
  local dir; dir=$(device_dir "$id")
  local port="" clock="" runs=3 fault=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --cut-after|--close-after|--cut-at-request|--drop-answer) fault+=("$1" "$2"); shift 2 ;;
      --icount) fault+=(--icount); shift ;;
      --port) port=$2; shift 2 ;;
      --clock) clock=$2; shift 2 ;;
      --clock-days) clock=$(( $(date +%s) + $2 * 86400 )); shift 2 ;;
      --runs) runs=$2; shift 2 ;;
      *) die "unknown option $1" 2 ;;
    esac
  done
  local run=1 code=0 target
  while :; do
    if [ -n "$clock" ]; then "${tool[@]}" identity-clock --flash "$dir/pflash1.img" --epoch "$clock"
    else "${tool[@]}" identity-clock --flash "$dir/pflash1.img"; fi
    if "${tool[@]}" identity-get --flash "$dir/pflash1.img" --field cert --out /dev/null 2>/dev/null; then
      target=${port:-$device_port}; echo "== run $run: certificate present, UART wired to 127.0.0.1:$target (device listener, mutual TLS)"
    else
      target=${port:-$https_port}; echo "== run $run: no certificate yet, UART wired to 127.0.0.1:$target (EST enrollment, server-auth TLS)"
    fi
    code=0
    python3 "$here/devicerun.py" --dir "$dir" --port "$target" --timeout "$run_timeout" "${fault[@]}" || code=$?
    echo "== run $run: exit $code"
    # 10 = the device enrolled or renewed and wants a fresh boot for a new TLS session; anything else ends.
    if [ "$code" != 10 ] || [ "$run" -ge "$runs" ]; then break; fi
    run=$((run + 1))
  done
  return "$code"
}

cmd_tamper() {
  local id=${1:?usage: device.sh tamper <id> app-bit-flip|rogue-certificate|identity-garbage|session-garbage} how=${2:?how}
  local dir; dir=$(device_dir "$id")
  case "$how" in
    app-bit-flip)
      # One bit of the app code (after the manifest): the bootloader must refuse it.
      "${tool[@]}" flip --file "$dir/pflash1.img" --offset $(($(fmt APP0_OFFSET) + $(fmt MANIFEST_SIZE) + 0x200)) --bit 2
      echo "flipped one bit of the app code in $id's flash" ;;
    rogue-certificate)
      # A key and certificate from a CA the backend never heard of, in place of the real ones.
      local t; t=$(mktemp -d)
      openssl ecparam -name prime256v1 -genkey -noout -out "$t/ca.key" 2>/dev/null
      openssl req -new -x509 -key "$t/ca.key" -subj "/CN=Rogue Device CA" -days 30 -out "$t/ca.pem" 2>/dev/null
      openssl ecparam -name prime256v1 -genkey -noout -out "$t/dev.key" 2>/dev/null
      openssl req -new -key "$t/dev.key" -subj "/CN=$id" -out "$t/dev.csr" 2>/dev/null
      openssl x509 -req -in "$t/dev.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -set_serial 0x7e57 -days 30 \
        -outform DER -out "$t/dev.der" 2>/dev/null
      openssl ec -in "$t/dev.key" -outform DER -out "$t/key.der" 2>/dev/null
      "${tool[@]}" identity-put --flash "$dir/pflash1.img" --field key --in "$t/key.der"
      "${tool[@]}" identity-put --flash "$dir/pflash1.img" --field cert --in "$t/dev.der"
      rm -rf "$t"
      echo "identity of $id now holds a key and certificate from a rogue CA" ;;
    identity-garbage)
      "${tool[@]}" garbage --file "$dir/pflash1.img" --offset $(($(fmt IDENTITY_PART_OFFSET) + 40)) --length 64
      echo "identity partition of $id overwritten with garbage" ;;
    session-garbage)
      # Inside the stored TLS session (its data): the device must refuse the record and do a full handshake.
      "${tool[@]}" garbage --file "$dir/pflash1.img" \
        --offset $(($(fmt IDENTITY_PART_OFFSET) + $(fmt SESSION_RECORD_OFFSET) + $(fmt SESSION_OFF_DATA) + 16)) --length 64
      echo "TLS session record of $id overwritten with garbage" ;;
    *) die "unknown tampering '$how' (app-bit-flip, rogue-certificate, identity-garbage, session-garbage)" 2 ;;
  esac
}

cmd_show() {
  local dir; dir=$(device_dir "${1:?usage: device.sh show <id>}")
  "${tool[@]}" identity-show --flash "$dir/pflash1.img"
  local t; t=$(mktemp)
  if "${tool[@]}" identity-get --flash "$dir/pflash1.img" --field cert --out "$t" 2>/dev/null; then
    openssl x509 -inform DER -in "$t" -noout -serial -subject -issuer -startdate -enddate
  fi
  rm -f "$t"
}

# A device of its own PKI in DIR (the current directory's files), for stand-in servers (benchserver.py): a throwaway
# PKI shaped like the backend's (P-384 root, P-256 server "localhost" and device keys), the factory's signed images,
# the device's key and certificate already in its identity. Server side: DIR/server.pem, server.key, root.pem.
cmd_standin() {
  local dir=${1:?usage: device.sh standin <dir> <id>} id=${2:?usage: device.sh standin <dir> <id>}
  valid_id "$id"
  ensure_factory
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl ecparam -name secp384r1 -genkey -noout -out root.key
    openssl req -new -x509 -key root.key -subj "/CN=Stand-in Root CA" -days 30 -out root.pem 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out server.key
    openssl req -new -key server.key -subj "/CN=localhost" -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA root.pem -CAkey root.key -set_serial 2 -days 30 -extfile server.ext -out server.pem 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out device.key
    openssl req -new -key device.key -subj "/CN=$id" -out device.csr 2>/dev/null
    openssl x509 -req -in device.csr -CA root.pem -CAkey root.key -set_serial 3 -days 30 -outform DER -out device.der 2>/dev/null
    openssl ec -in device.key -outform DER -out device-key.der 2>/dev/null
    cp "$factory/pflash0.img" pflash0.img
    "${tool[@]}" flash --out pflash1.img --bootloader "$factory/bootloader.img" --app "$factory/app.img" --efuse-secver 2
    "${tool[@]}" identity --flash pflash1.img --device-id "$id" --root-ca root.pem
    "${tool[@]}" identity-put --flash pflash1.img --field key --in device-key.der
    "${tool[@]}" identity-put --flash pflash1.img --field cert --in device.der
  )
}

cmd_bench() {
  ensure_factory
  local out=$here/out/device-bench
  rm -rf "$out" && mkdir -p "$out"
  cd "$out"
  cmd_standin . bench-device
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # Answers like the device listener and keeps sessions for resumption (the second boot offers its session).
  python3 "$here/benchserver.py" --port "$port" --cert server.pem --key server.key --ca root.pem > server.log 2>&1 &
  local server=$!
  sleep 0.5
  local start end code=0 code2=0 wall wall2
  start=$(date +%s%N)
  python3 "$here/devicerun.py" --dir . --port "$port" --timeout 300 --icount > boot.log 2>&1 || code=$?
  end=$(date +%s%N)
  wall=$(( (end - start) / 1000000 ))
  python3 "$here/flashtool.py" identity-clock --flash pflash1.img
  start=$(date +%s%N)
  python3 "$here/devicerun.py" --dir . --port "$port" --timeout 300 --icount > boot-resumed.log 2>&1 || code2=$?
  end=$(date +%s%N)
  wall2=$(( (end - start) / 1000000 ))
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  # figure LOG full|resumed: "instructions waiting ms" of the log's handshake line, if it is of that kind
  figure() {
    local line
    line=$(grep -m1 'handshake with' "$1" || true)
    case "$line" in *"session resumed"*) [ "$2" = resumed ] || line="" ;; *) [ "$2" = full ] || line="" ;; esac
    echo "$line" | sed -n 's/.*: \([0-9]*\) instructions (\([0-9]*\) polling[^)]*), \([0-9]*\) ms.*/\1 \2 \3/p'
  }
  local instr wait ms rinstr rwait rms heap rheap text
  read -r instr wait ms <<< "$(figure boot.log full)"
  read -r rinstr rwait rms <<< "$(figure boot-resumed.log resumed)"
  heap=$(sed -n 's/^DEVICE: peak heap \([0-9]*\) bytes.*/\1/p' boot.log)
  rheap=$(sed -n 's/^DEVICE: peak heap \([0-9]*\) bytes.*/\1/p' boot-resumed.log)
  text=$(riscv64-unknown-elf-size "$board/device.elf" | awk 'NR==2 {print $1}')
  printf '%-48s %14s %14s  %s\n' FIGURE FULL "RESUMED" GOAL
  printf '%-48s %14s %14s  %s\n' "mTLS 1.2 handshake, guest instructions" "${instr:-n/a}" "${rinstr:-n/a}" \
    "full <= 100000000"
  printf '%-48s %14s %14s  %s\n' "  of which polling the UART for the server" "${wait:-n/a}" "${rwait:-n/a}" "-"
  printf '%-48s %14s %14s  %s\n' "  the device's own work (total - polling)" "$(( ${instr:-0} - ${wait:-0} ))" \
    "$(( ${rinstr:-0} - ${rwait:-0} ))" "-"
  printf '%-48s %14s %14s  %s\n' "mTLS 1.2 handshake, virtual time (icount)" "${ms:-n/a} ms" "${rms:-n/a} ms" "-"
  printf '%-48s %14s %14s  %s\n' "whole boot + handshake + request, wall time" "$wall ms" "$wall2 ms" "-"
  printf '%-48s %14s %14s  %s\n' "peak heap (of 65536)" "${heap:-?} bytes" "${rheap:-?} bytes" "-"
  printf '%-48s %14s  %s\n' "device app code+rodata (text)" "${text:-?} bytes" "-"
  printf '%-48s %14s  %s\n' "device app signed image" "$(stat -c %s "$factory/app.img") bytes" "-"
  if [ -n "$instr" ]; then
    if [ "$instr" -le 100000000 ]; then echo "handshake goal: met"; else echo "handshake goal: NOT met"; fi
  else
    echo "bench: no full-handshake figure (exit $code); device log:"; sed 's/^/    | /' boot.log
  fi
  if [ -z "$rinstr" ]; then
    echo "bench: no resumed-handshake figure (exit $code2); device log:"; sed 's/^/    | /' boot-resumed.log
  fi
  return 0
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  create) cmd_create "$@" ;;
  boot) cmd_boot "$@" ;;
  tamper) cmd_tamper "$@" ;;
  show) cmd_show "$@" ;;
  bench) cmd_bench "$@" ;;
  standin) cmd_standin "$@" ;;
  help|-h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
