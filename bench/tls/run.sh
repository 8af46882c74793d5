#!/usr/bin/env bash
# DeviceTrust TLS benchmark: the same Java load generator against (a) the device API on Payara Server and
# (b) openssl s_server -Verify 1 -www with the same server certificate and the same device certificate, with a
# full mutual-TLS handshake per request and with session resumption; then the authorization decision time with
# 100k registered devices and 10k revoked certificates in the database. Loopback only; figures, never pass/fail.
#
# Expects a running DeviceTrust (./devicetrust start) described by the launcher's environment:
# DEVICETRUST_HOME, DEVICETRUST_PORT_BASE, DEVICETRUST_ADMIN_PASSWORD, optionally DEVICETRUST_DB_URL/USER/PASSWORD.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DT_HOME="${DEVICETRUST_HOME:?DEVICETRUST_HOME is required}"
DATA_DIR="${DEVICETRUST_DATA_DIR:-$DT_HOME/data}"
PKI="$DATA_DIR/pki"
BASE="${DEVICETRUST_PORT_BASE:?DEVICETRUST_PORT_BASE is required}"
HTTPS_PORT=$((BASE + 81)); DEVICE_PORT=$((BASE + 43)); REF_PORT=$((BASE + 44))
SECONDS_PER_RUN="${BENCH_TLS_SECONDS:-8}"; THREADS="${BENCH_TLS_THREADS:-4}"
DEVICES="${BENCH_DEVICES:-100000}"; REVOKED="${BENCH_REVOKED:-10000}"
WORK="$(mktemp -d /tmp/devicetrust-tls-bench.XXXXXX)"
S_SERVER_PID=""
# shellcheck disable=SC2317 # reachable: run by the EXIT trap (shellcheck misses it when the script ends in exit)
cleanup() { [ -n "$S_SERVER_PID" ] && kill "$S_SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK" || exit 1

admin() { # method path content-type body
  curl -sS --max-time 60 --cacert "$PKI/root-ca.pem" -u "admin:$DEVICETRUST_ADMIN_PASSWORD" -X "$1" \
    ${3:+-H "Content-Type: $3"} ${4:+--data-binary "$4"} "https://localhost:$HTTPS_PORT$2"
}

# ---- one bench device with a certificate from the CA (the normal issuance path)
DEVICE_ID="bench-tls-$(date +%s)"
admin POST /api/v1/admin/devices application/json "{\"id\":\"$DEVICE_ID\",\"name\":\"TLS benchmark\"}" >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key -out device.csr \
  -subj "/CN=$DEVICE_ID" 2>/dev/null
issued=""
for _ in 1 2; do # the first write to a fresh sequence may fail once; retry
  issued="$(curl -sS --max-time 60 --cacert "$PKI/root-ca.pem" -u "admin:$DEVICETRUST_ADMIN_PASSWORD" \
    -H 'Content-Type: application/x-pem-file' -H 'Accept: application/x-pem-file' --data-binary @device.csr \
    "https://localhost:$HTTPS_PORT/api/v1/admin/devices/$DEVICE_ID/certificates")"
  case "$issued" in *"BEGIN CERTIFICATE"*) break ;; esac
done
case "$issued" in *"BEGIN CERTIFICATE"*) ;; *) echo "could not issue the benchmark certificate: $issued"; exit 1 ;; esac
printf '%s\n' "$issued" > device.pem
P12_PASS="bench-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
openssl pkcs12 -export -inkey device.key -in device.pem -name device -out device.p12 -passout "pass:$P12_PASS"
curl -sS --cacert "$PKI/root-ca.pem" --cert device.pem --key device.key \
  "https://localhost:$DEVICE_PORT/api/v1/device/session" | grep -q "AUTH OK $DEVICE_ID" \
  || { echo "the device API does not accept the benchmark device"; exit 1; }

# ---- reference: openssl s_server with the same server key and certificate, trusting the same Device CA
TLS_PASS="$(cat "$DATA_DIR/secrets/tls-keystore.pass")"
openssl pkcs12 -in "$PKI/server-keystore.p12" -passin "pass:$TLS_PASS" -nocerts -nodes -out server.key 2>/dev/null
openssl pkcs12 -in "$PKI/server-keystore.p12" -passin "pass:$TLS_PASS" -nokeys -out server-chain.pem 2>/dev/null
chmod 600 server.key
CIPHERS="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
openssl s_server -accept "127.0.0.1:$REF_PORT" -cert server-chain.pem -key server.key -cert_chain server-chain.pem \
  -CAfile "$PKI/device-ca.pem" -partial_chain -Verify 1 -verify_return_error -www -cipher "$CIPHERS" -quiet \
  >/dev/null 2>&1 &
S_SERVER_PID=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$REF_PORT") 2>/dev/null && break; sleep 0.1; done

LOADGEN=(java -Xss512k "$HERE/LoadGenerator.java")
gen() { # label port path mode protocol; prints the result line, or the first line of the failure
  local out
  out="$("${LOADGEN[@]}" "$1" localhost "$2" "$3" device.p12 "$P12_PASS" "$PKI/root-ca.pem" "$4" "$5" "$THREADS" \
    "$SECONDS_PER_RUN" 2>&1)"
  if printf '%s\n' "$out" | tail -1 | grep -q 'req/s'; then
    printf '%s\n' "$out" | tail -1
  else
    printf '%-48s could not run: %s\n' "$1" "$(printf '%s\n' "$out" | grep -v '^\s*at ' | head -1)"
  fi
}

echo "one request per TLS connection, $THREADS client threads, $SECONDS_PER_RUN s per run after 2 s warm-up, P-256 certificates, loopback"
for proto in TLSv1.3 TLSv1.2; do
  for mode in full resume; do
    gen "device API (Payara)  $proto $mode" "$DEVICE_PORT" /api/v1/device/session "$mode" "$proto"
    gen "openssl s_server -www $proto $mode" "$REF_PORT" / "$mode" "$proto"
  done
done
kill "$S_SERVER_PID" 2>/dev/null; S_SERVER_PID=""

# ---- where a device request's server CPU goes: a JFR recording of the server during one more run
SERVER_PID="$(cat "$DT_HOME/domains/devicetrust/config/pid" 2>/dev/null)"
thread_cpu() { # pid -> "java-threads-ms jit-gc-ms" (utime+stime of every thread; comm may hold spaces)
  local hz t comm ticks java=0 jit=0
  hz="$(getconf CLK_TCK)"
  for t in /proc/"$1"/task/*; do
    comm="$(cat "$t/comm" 2>/dev/null)" || continue
    ticks="$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')" || continue
    case "$comm" in
      C1\ CompilerThre*|C2\ CompilerThre*|GC\ Thread*|G1\ *|VM\ Thread|Sweeper\ thread) jit=$((jit + ${ticks:-0})) ;;
      *) java=$((java + ${ticks:-0})) ;;
    esac
  done
  echo "$((java * 1000 / hz)) $((jit * 1000 / hz))"
}
breakdown() { # mode protocol
  local before after requests SECONDS_PER_RUN="${BENCH_TLS_PROFILE_SECONDS:-20}" # more samples: a longer run
  admin DELETE /api/v1/admin/device-access/metrics/times >/dev/null
  read -r -a before <<< "$(thread_cpu "$SERVER_PID")"
  jcmd "$SERVER_PID" JFR.start name=devicetrust-bench settings=profile >/dev/null || return 1
  gen "device API (Payara)  $2 $1, recorded" "$DEVICE_PORT" /api/v1/device/session "$1" "$2"
  jcmd "$SERVER_PID" JFR.dump name=devicetrust-bench filename="$WORK/requests.jfr" >/dev/null
  jcmd "$SERVER_PID" JFR.stop name=devicetrust-bench >/dev/null
  read -r -a after <<< "$(thread_cpu "$SERVER_PID")"
  requests="$(admin GET /api/v1/admin/device-access/metrics "" "" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["authentication"]["samples"])')"
  java "$HERE/CpuBreakdown.java" "$WORK/requests.jfr" "$requests" "$((after[0] - before[0]))" \
    "$((after[1] - before[1]))"
}
echo
echo "server CPU per device request by kind of code (JFR execution samples; warm-up requests included):"
if [ -n "$SERVER_PID" ] && [ -d "/proc/$SERVER_PID" ] && command -v jcmd >/dev/null; then
  breakdown full TLSv1.3 || echo "  could not record the server with JFR"
  breakdown resume TLSv1.3 || echo "  could not record the server with JFR"
else
  echo "  skipped: the server's process (domains/devicetrust/config/pid) is not on this machine"
fi

# ---- authorization decision time with a large registry
echo
echo "authorization decision with $DEVICES registered devices and $REVOKED revoked certificates in the database:"
PREFIX="benchfleet$(date +%s)"
ID_BASE=$((9000000000000 + ($(date +%s) % 100000) * 1000000)) # far above the sequences' range
SQL_COMMON_DEVICES="INSERT INTO device (id, name, status, created_at, updated_at, version)"
if [ -n "${DEVICETRUST_DB_URL:-}" ]; then
  db="${DEVICETRUST_DB_URL##*/}"; hostport="${DEVICETRUST_DB_URL#jdbc:postgresql://}"; hostport="${hostport%%/*}"
  PGPASSWORD="${DEVICETRUST_DB_PASSWORD:-}" psql -q -h "${hostport%%:*}" -p "${hostport##*:}" \
    -U "${DEVICETRUST_DB_USER:-devicetrust}" "$db" <<SQL || { echo "could not load the fleet"; exit 1; }
$SQL_COMMON_DEVICES
  SELECT '$PREFIX-' || n, 'fleet ' || n, 'ACTIVE', now(), now(), 0 FROM generate_series(1, $DEVICES) n;
INSERT INTO issued_certificate (id, issuer_dn, serial_hex, device_id, subject_dn, pem, sha256_fingerprint,
    key_description, not_before, not_after, status, issued_at, issued_by, revoked_at, revocation_reason, revoked_by, version)
  SELECT $ID_BASE + n,
    (SELECT issuer_dn FROM issued_certificate LIMIT 1), 'b' || substr(md5('$PREFIX' || n), 1, 32),
    '$PREFIX-' || n, 'CN=$PREFIX-' || n, 'benchmark row', md5('$PREFIX' || n) || md5('f' || n || '$PREFIX'),
    'EC P-256', now(), now() + interval '365 days',
    CASE WHEN n <= $REVOKED THEN 'REVOKED' ELSE 'ISSUED' END, now(), 'benchmark',
    CASE WHEN n <= $REVOKED THEN now() END, CASE WHEN n <= $REVOKED THEN 'KEY_COMPROMISE' END,
    CASE WHEN n <= $REVOKED THEN 'benchmark' END, 0
  FROM generate_series(1, $DEVICES) n;
INSERT INTO authorization_change (seq, kind, device_id, status, recorded_at)
  SELECT nextval('authorization_change_seq'), 'DEVICE_STATUS', '$PREFIX-' || n, 'ACTIVE', now()
  FROM generate_series(1, $DEVICES) n;
INSERT INTO authorization_change (seq, kind, serial_hex, revoked_at, revocation_reason, recorded_at)
  SELECT nextval('authorization_change_seq'), CASE WHEN n <= $REVOKED THEN 'CERTIFICATE_REVOKED' ELSE 'CERTIFICATE_ISSUED' END,
    'b' || substr(md5('$PREFIX' || n), 1, 32), CASE WHEN n <= $REVOKED THEN now() END,
    CASE WHEN n <= $REVOKED THEN 'KEY_COMPROMISE' END, now()
  FROM generate_series(1, $DEVICES) n;
ANALYZE device; ANALYZE issued_certificate;
SQL
else
  H2_JARS=("$DT_HOME"/payara6/h2db/bin/h2*.jar); H2_JAR="${H2_JARS[0]}"
  cat > fleet.sql <<SQL
$SQL_COMMON_DEVICES
  SELECT '$PREFIX-' || X, 'fleet ' || X, 'ACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0 FROM SYSTEM_RANGE(1, $DEVICES);
INSERT INTO issued_certificate (id, issuer_dn, serial_hex, device_id, subject_dn, pem, sha256_fingerprint,
    key_description, not_before, not_after, status, issued_at, issued_by, revoked_at, revocation_reason, revoked_by, version)
  SELECT $ID_BASE + X,
    (SELECT issuer_dn FROM issued_certificate LIMIT 1), 'b' || SUBSTRING(RAWTOHEX(HASH('SHA-256', '$PREFIX' || X)), 1, 32),
    '$PREFIX-' || X, 'CN=$PREFIX-' || X, 'benchmark row', LOWER(RAWTOHEX(HASH('SHA-256', 'f$PREFIX' || X))),
    'EC P-256', CURRENT_TIMESTAMP, DATEADD(DAY, 365, CURRENT_TIMESTAMP),
    CASE WHEN X <= $REVOKED THEN 'REVOKED' ELSE 'ISSUED' END, CURRENT_TIMESTAMP, 'benchmark',
    CASE WHEN X <= $REVOKED THEN CURRENT_TIMESTAMP END, CASE WHEN X <= $REVOKED THEN 'KEY_COMPROMISE' END,
    CASE WHEN X <= $REVOKED THEN 'benchmark' END, 0
  FROM SYSTEM_RANGE(1, $DEVICES);
INSERT INTO authorization_change (seq, kind, device_id, status, recorded_at)
  SELECT NEXT VALUE FOR authorization_change_seq, 'DEVICE_STATUS', '$PREFIX-' || X, 'ACTIVE', CURRENT_TIMESTAMP
  FROM SYSTEM_RANGE(1, $DEVICES);
INSERT INTO authorization_change (seq, kind, serial_hex, revoked_at, revocation_reason, recorded_at)
  SELECT NEXT VALUE FOR authorization_change_seq, CASE WHEN X <= $REVOKED THEN 'CERTIFICATE_REVOKED' ELSE 'CERTIFICATE_ISSUED' END,
    'b' || SUBSTRING(RAWTOHEX(HASH('SHA-256', '$PREFIX' || X)), 1, 32), CASE WHEN X <= $REVOKED THEN CURRENT_TIMESTAMP END,
    CASE WHEN X <= $REVOKED THEN 'KEY_COMPROMISE' END, CURRENT_TIMESTAMP
  FROM SYSTEM_RANGE(1, $DEVICES);
ANALYZE;
SQL
  java -cp "$H2_JAR" org.h2.tools.RunScript -url "jdbc:h2:file:$DATA_DIR/db/devicetrust;AUTO_SERVER=TRUE" \
    -user devicetrust -password "$(cat "$DATA_DIR/secrets/h2-database.pass")" -script fleet.sql \
    || { echo "could not load the fleet"; exit 1; }
fi
sleep 3 # the fleet reaches the authorization view through the change feed, like another node's changes
admin DELETE /api/v1/admin/device-access/metrics/times >/dev/null
gen "device API (Payara)  TLSv1.3 resume, large DB" "$DEVICE_PORT" /api/v1/device/session resume TLSv1.3
admin GET /api/v1/admin/device-access/metrics "" "" | python3 -c '
import json, sys
m = json.load(sys.stdin)
a, z = m["authentication"], m["authorization"]
print("  authentication (certificate checks once per certificate, dates, revocation in the view): p50 %.1f us, p99 %.1f us, max %.1f us over %d decisions" % (a["p50Micros"], a["p99Micros"], a["maxMicros"], a["samples"]))
print("  authorization (device status in the view, ACTIVE, own resource):                    p50 %.1f us, p99 %.1f us, max %.1f us over %d decisions" % (z["p50Micros"], z["p99Micros"], z["maxMicros"], z["samples"]))
print("  sum of p99s: %.2f ms (goal < 1 ms; audit write excluded)" % ((a["p99Micros"] + z["p99Micros"]) / 1000))
'
exit 0
