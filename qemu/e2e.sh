#!/usr/bin/env bash
# End to end: emulated devices (QEMU, firmware doing its own TLS) against a running DeviceTrust
# backend: eight scenarios from issue 7, three of TLS session resumption across reboots (issue 12). Settings come from the launcher's environment:
# DEVICETRUST_HOME, DEVICETRUST_PORT_BASE (or the *_PORT variables), DEVICETRUST_ADMIN_PASSWORD.
# Loopback only; every QEMU run is bounded (DEVICETRUST_DEVICE_TIMEOUT, default 90 s).
# Last line: "e2e: N passed, N failed"; exit status non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dev=$here/device.sh
tool=(python3 "$here/flashtool.py")
home=${DEVICETRUST_HOME:-$(cd "$here/.." && pwd)/.devicetrust}
data=${DEVICETRUST_DATA_DIR:-$home/data}
http_port=${DEVICETRUST_HTTP_PORT:-8080}
https_port=${DEVICETRUST_HTTPS_PORT:-8181}
device_port=${DEVICETRUST_DEVICE_PORT:-8443}
admin_port=${DEVICETRUST_ADMIN_PORT:-4848}
if [ -n "${DEVICETRUST_PORT_BASE:-}" ]; then
  http_port=$((DEVICETRUST_PORT_BASE + 80)); https_port=$((DEVICETRUST_PORT_BASE + 81))
  device_port=$((DEVICETRUST_PORT_BASE + 43)); admin_port=$((DEVICETRUST_PORT_BASE + 48))
fi
export DEVICETRUST_HOME=$home
out=$here/out/e2e
rm -rf "$out" && mkdir -p "$out"
run_id=e2e-$(date +%s)
passed=0
failed=0
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

say() { echo "e2e: $*"; }
result() { # result N NAME OK DETAIL
  if [ "$3" = 1 ]; then passed=$((passed + 1)); echo "PASS  $1. $2"; else failed=$((failed + 1)); echo "FAIL  $1. $2: $4"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
admin() { # admin METHOD PATH [JSON] -> body
  local args=(-sS --max-time 30 --cacert "$data/pki/root-ca.pem" -u "${DEVICETRUST_ADMIN_USER:-admin}:$DEVICETRUST_ADMIN_PASSWORD" -X "$1")
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "https://localhost:$https_port/api/v1/$2"
}
# boot ID LOG [options]: boots, keeps the log, returns the exit code
boot() { local id=$1 logf=$2; shift 2; "$dev" boot "$id" "$@" > "$logf" 2>&1; }
has() { grep -q -- "$2" "$1"; }
handshake() { grep -m1 "^DEVICE: TLS 1.2 handshake with" "$1"; }
resumed() { handshake "$1" | grep -q "session resumed"; }
full() { handshake "$1" | grep -qv "session resumed"; }
serials() { sed -n 's/^DEVICE: presenting certificate serial \(.*\)$/\1/p' "$1"; }
show() { sed 's/^/    | /' "$1"; }

# Preflight: a backend must answer, with its root CA in the data directory.
if [ -z "${DEVICETRUST_ADMIN_PASSWORD:-}" ] || [ ! -f "$data/pki/root-ca.pem" ] ||
   ! curl -sSf --max-time 5 -o /dev/null "http://localhost:$http_port/pki/ca/root-ca.pem"; then
  say "no running backend (http $http_port, data $data, DEVICETRUST_ADMIN_PASSWORD set?)"
  echo "e2e: 0 passed, 11 failed"
  exit 1
fi
say "backend: https $https_port (EST), device listener $device_port; devices ${run_id}-*"

# Scenario 8 needs the backend to accept simplereenroll now: its renewal window is widened
# beyond the certificate lifetime for this run (restored at the end) and the device's clock
# is set 300 days ahead for one boot, inside its own renewal window; the next boot runs on
# today's clock again and must present the new certificate.
asadmin=$home/payara6/bin/asadmin
if [ -x "$asadmin" ]; then
  "$asadmin" --port "$admin_port" --interactive=false create-system-properties \
    devicetrust.est.renewal-window-days=400 > "$out/asadmin.log" 2>&1 || say "could not widen the renewal window (see $out/asadmin.log)"
fi

# ---------------------------------------------------------------- 1. new device
d1=$run_id-1
"$dev" create "$d1" > "$out/1-create.log" 2>&1
boot "$d1" "$out/1.log"; c=$?
tele=0
t=$out/1-tls; mkdir -p "$t"
if "${tool[@]}" identity-get --flash "$home/devices/$d1/pflash1.img" --field cert --out "$t/c.der" 2>/dev/null &&
   "${tool[@]}" identity-get --flash "$home/devices/$d1/pflash1.img" --field key --out "$t/k.der" 2>/dev/null; then
  openssl x509 -inform DER -in "$t/c.der" -out "$t/c.pem" && openssl ec -inform DER -in "$t/k.der" -out "$t/k.pem" 2>/dev/null
  # Read back what the backend stored, with the device's own key and certificate (mutual TLS).
  curl -sS --max-time 20 --cacert "$data/pki/root-ca.pem" --cert "$t/c.pem" --key "$t/k.pem" \
    "https://localhost:$device_port/api/v1/devices/$d1/telemetry" > "$out/1-telemetry.json" 2>&1
  grep -q 'temperatureC' "$out/1-telemetry.json" && grep -q "\"deviceId\":\"$d1\"" "$out/1-telemetry.json" && tele=1
fi
ok=0; [ "$c" = 0 ] && has "$out/1.log" "DEVICE: ENROLLED" && has "$out/1.log" "^AUTH OK $d1" && [ "$tele" = 1 ] && ok=1
result 1 "new device: key generated on the device, EST enrollment, AUTH OK, telemetry stored" $ok "exit $c, telemetry read back: $tele"
[ $ok = 1 ] || { show "$out/1-create.log"; show "$out/1.log"; cat "$out/1-telemetry.json" 2>/dev/null; }

# ---------------------------------------------------------------- 2. reboot
boot "$d1" "$out/2.log"; c=$?
ok=0
[ "$c" = 0 ] && has "$out/2.log" "^AUTH OK $d1" && ! has "$out/2.log" "ENROLLED" && ! has "$out/2.log" "== run 2" &&
  [ -n "$(serials "$out/1.log" | tail -1)" ] && [ "$(serials "$out/2.log")" = "$(serials "$out/1.log" | tail -1)" ] && ok=1
result 2 "reboot: no new enrollment, same certificate ($(serials "$out/2.log")), AUTH OK" $ok "exit $c"
[ $ok = 1 ] || show "$out/2.log"

# ---------------------------------------------------------------- 3. revoked
d3=$run_id-3
"$dev" create "$d3" > "$out/3-create.log" 2>&1
boot "$d3" "$out/3a.log"; c=$?
serial=$(serials "$out/3a.log" | tail -1 | tr -d ':')
admin POST "admin/certificates/$serial/revocation" '{"reason":"keyCompromise"}' > "$out/3-revoke.json" 2>&1
start=$(date +%s)
boot "$d3" "$out/3.log"; c=$?
took=$(( $(date +%s) - start ))
conns=$(grep -c "^LINK: connected" "$out/3.log")
ok=0; [ "$c" = 13 ] && has "$out/3.log" "REFUSED" && [ "$conns" = 1 ] && ok=1
result 3 "revoked certificate ($serial): refused, says so, one connection, no retry (${took}s)" $ok "exit $c, connections $conns"
[ $ok = 1 ] || { show "$out/3a.log"; cat "$out/3-revoke.json"; show "$out/3.log"; }

# ---------------------------------------------------------------- 4. rogue device
d4=$run_id-4
"$dev" create "$d4" > "$out/4-create.log" 2>&1
"$dev" tamper "$d4" rogue-certificate > /dev/null 2>&1
boot "$d4" "$out/4.log"; c=$?
ok=0; [ "$c" = 13 ] && has "$out/4.log" "REFUSED: .*device certificate not accepted" && ! has "$out/4.log" "AUTH OK" && ok=1
result 4 "rogue device (certificate from another CA): refused at the handshake" $ok "exit $c"
[ $ok = 1 ] || show "$out/4.log"

# ---------------------------------------------------------------- 5. tampered app
d5=$run_id-5
"$dev" create "$d5" > "$out/5-create.log" 2>&1
"$dev" tamper "$d5" app-bit-flip > /dev/null 2>&1
lport=$(free_port)
# A listener of our own stands in for the backend and counts every connection attempt.
python3 - "$lport" "$out/5-connections" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); s.settimeout(0.2)
n, end = 0, time.time() + 120
open(sys.argv[2], "w").write("0")
while time.time() < end:
    try:
        c, _ = s.accept(); n += 1; c.close(); open(sys.argv[2], "w").write(str(n))
    except socket.timeout:
        pass
PY
pids+=($!)
sleep 0.3
boot "$d5" "$out/5.log" --port "$lport"; c=$?
sleep 0.5
n=$(cat "$out/5-connections" 2>/dev/null || echo "?")
ok=0; [ "$c" = 79 ] && has "$out/5.log" "BOOT HALTED: app image digest mismatch" && ! has "$out/5.log" "^APP: " && [ "$n" = 0 ] &&
  has "$out/5.log" "LINK: no connection was made" && ok=1
result 5 "tampered app: boot halted, no TCP connection made ($n seen by the listener)" $ok "exit $c"
[ $ok = 1 ] || show "$out/5.log"

# ---------------------------------------------------------------- 6. MITM
m=$out/6-mitm; mkdir -p "$m"
openssl ecparam -name prime256v1 -genkey -noout -out "$m/key.pem" 2>/dev/null
openssl req -new -x509 -key "$m/key.pem" -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -days 30 -out "$m/cert.pem" 2>/dev/null
mport=$(free_port)
openssl s_server -accept "127.0.0.1:$mport" -cert "$m/cert.pem" -key "$m/key.pem" -www -quiet > "$m/s_server.log" 2>&1 &
pids+=($!)
sleep 0.5
boot "$d1" "$out/6.log" --port "$mport"; c=$?
ok=0; [ "$c" = 12 ] && has "$out/6.log" "handshake aborted, server certificate rejected" && ! has "$out/6.log" "AUTH OK" && ok=1
result 6 "MITM with another server certificate: the device aborts the handshake" $ok "exit $c"
[ $ok = 1 ] || show "$out/6.log"

# ---------------------------------------------------------------- 7. suspended, reinstated
admin POST "admin/devices/$d1/status" '{"status":"SUSPENDED","reason":"e2e: suspended"}' > "$out/7-suspend.json" 2>&1
boot "$d1" "$out/7a.log"; c1=$?
admin POST "admin/devices/$d1/status" '{"status":"ACTIVE","reason":"e2e: reinstated"}' > "$out/7-reinstate.json" 2>&1
boot "$d1" "$out/7b.log"; c2=$?
ok=0; [ "$c1" = 13 ] && has "$out/7a.log" "REFUSED" && [ "$c2" = 0 ] && has "$out/7b.log" "^AUTH OK $d1" && ok=1
result 7 "suspended: refused; reinstated: AUTH OK" $ok "exits $c1 / $c2"
[ $ok = 1 ] || { cat "$out/7-suspend.json"; show "$out/7a.log"; show "$out/7b.log"; }

# ---------------------------------------------------------------- 8. expiring certificate
old=$(serials "$out/7b.log" | tail -1)
boot "$d1" "$out/8a.log" --clock-days 300 --runs 1; c1=$?
renewed=$(sed -n 's/^DEVICE: RENEWED, new certificate serial \(.*\)$/\1/p' "$out/8a.log")
boot "$d1" "$out/8.log"; c=$?
new=$(serials "$out/8.log" | tail -1)
ok=0; [ "$c1" = 10 ] && [ "$c" = 0 ] && has "$out/8a.log" "renewing with simplereenroll" && has "$out/8.log" "^AUTH OK $d1" &&
  [ -n "$new" ] && [ "$new" != "$old" ] && [ "$new" = "$renewed" ] && ! has "$out/8.log" "RENEWED" && ok=1
result 8 "expiring certificate: simplereenroll, then AUTH OK with the new serial ($old -> $new)" $ok "exits $c1 / $c"
[ $ok = 1 ] || { show "$out/8a.log"; show "$out/8.log"; }

# ---------------------------------------------------------------- 9. revoked, on a resumed session
# Resumption skips the certificates, so the refusal must come from the backend's check on every request.
d9=$run_id-9
"$dev" create "$d9" > "$out/9-create.log" 2>&1
boot "$d9" "$out/9a.log"; c1=$?
serial=$(serials "$out/9a.log" | tail -1 | tr -d ':')
admin POST "admin/certificates/$serial/revocation" '{"reason":"keyCompromise"}' > "$out/9-revoke.json" 2>&1
boot "$d9" "$out/9.log"; c=$?
ok=0; [ "$c1" = 0 ] && has "$out/9a.log" "TLS session stored" && [ "$c" = 13 ] && resumed "$out/9.log" &&
  has "$out/9.log" "REFUSED: session: HTTP 401 .*certificate-revoked" && ! has "$out/9.log" "AUTH OK" && ok=1
result 9 "revoked ($serial) after its session was stored: resumed handshake, then 401 certificate-revoked" $ok \
  "exits $c1 / $c"
[ $ok = 1 ] || { show "$out/9a.log"; cat "$out/9-revoke.json"; show "$out/9.log"; }

# ---------------------------------------------------------------- 10. resumed after reboot
d10=$run_id-10
"$dev" create "$d10" > "$out/10-create.log" 2>&1
boot "$d10" "$out/10a.log"; c1=$?
boot "$d10" "$out/10.log"; c=$?
sent() { sed -n 's/^LINK: device finished (\([0-9]*\) bytes sent.*/\1/p' "$1" | tail -1; }
ok=0; [ "$c1" = 0 ] && full "$out/10a.log" && has "$out/10a.log" "TLS session stored" && [ "$c" = 0 ] &&
  has "$out/10.log" "offering the stored TLS session" && resumed "$out/10.log" && has "$out/10.log" "^AUTH OK $d10" &&
  has "$out/10.log" "telemetry: HTTP 201" && ! has "$out/10.log" "== run 2" && ok=1
result 10 "reboot: the stored TLS session is resumed, AUTH OK ($(sent "$out/10a.log" | tail -1) -> $(sent "$out/10.log") bytes sent)" \
  $ok "exits $c1 / $c"
[ $ok = 1 ] || { show "$out/10a.log"; show "$out/10.log"; }

# ---------------------------------------------------------------- 11. damaged or foreign session record
# A damaged record, then the record of another device (its certificate differs): neither is offered,
# the device makes a full handshake, is accepted and stores a session of its own.
"$dev" tamper "$d10" session-garbage > /dev/null 2>&1
boot "$d10" "$out/11a.log"; c1=$?
session_at=$(( $(python3 "$here/formats.py" get IDENTITY_PART_OFFSET) + $(python3 "$here/formats.py" get SESSION_RECORD_OFFSET) ))
dd if="$home/devices/$d1/pflash1.img" of="$home/devices/$d10/pflash1.img" bs=4096 skip=$((session_at / 4096)) \
  seek=$((session_at / 4096)) count=1 conv=notrunc status=none
boot "$d10" "$out/11.log"; c=$?
ok=0; [ "$c1" = 0 ] && has "$out/11a.log" "stored TLS session not offered: TLS session record invalid" &&
  full "$out/11a.log" && has "$out/11a.log" "^AUTH OK $d10" && has "$out/11a.log" "TLS session stored" &&
  [ "$c" = 0 ] && has "$out/11.log" "stored TLS session not offered: TLS session made with another" &&
  ! has "$out/11.log" "offering the stored" && full "$out/11.log" && has "$out/11.log" "^AUTH OK $d10" && ok=1
result 11 "damaged or another device's stored session: not offered, full handshake, AUTH OK" $ok "exits $c1 / $c"
[ $ok = 1 ] || { show "$out/11a.log"; show "$out/11.log"; }

if [ -x "$asadmin" ]; then
  "$asadmin" --port "$admin_port" --interactive=false delete-system-property devicetrust.est.renewal-window-days >> "$out/asadmin.log" 2>&1 || true
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
