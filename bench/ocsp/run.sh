#!/usr/bin/env bash
# DeviceTrust OCSP and CRL benchmark: OCSP responses per second and latency, pre-produced (no nonce) and fresh
# (nonce), from the running server with N issued certificates in the database, beside `openssl ocsp -port`
# answering for the same N serials from an index file, measured in the same run by the same load generator;
# then full vs delta CRL size and publication time. Loopback only; figures, never pass/fail.
#
# Expects a running DeviceTrust on PostgreSQL (./devicetrust start) described by the launcher's environment:
# DEVICETRUST_HOME, DEVICETRUST_PORT_BASE, DEVICETRUST_ADMIN_PASSWORD, DEVICETRUST_DB_URL/USER/PASSWORD.
# BENCH_OCSP_CERTS issued certificates (default 100000; the issue's figure is 1000000), BENCH_OCSP_REVOKED of
# them revoked (default a tenth), BENCH_OCSP_SERIALS distinct serials asked about (default 1000),
# BENCH_OCSP_SECONDS per run (default 8), BENCH_OCSP_THREADS (default 4).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DT_HOME="${DEVICETRUST_HOME:?DEVICETRUST_HOME is required}"
DATA_DIR="${DEVICETRUST_DATA_DIR:-$DT_HOME/data}"
PKI="$DATA_DIR/pki"
BASE="${DEVICETRUST_PORT_BASE:?DEVICETRUST_PORT_BASE is required}"
HTTP_PORT=$((BASE + 80)); HTTPS_PORT=$((BASE + 81)); REF_PORT=$((BASE + 45))
CERTS="${BENCH_OCSP_CERTS:-100000}"; REVOKED="${BENCH_OCSP_REVOKED:-$((CERTS / 10))}"
SERIALS="${BENCH_OCSP_SERIALS:-1000}"; SECONDS_PER_RUN="${BENCH_OCSP_SECONDS:-8}"; THREADS="${BENCH_OCSP_THREADS:-4}"
[ "$SERIALS" -le "$CERTS" ] || SERIALS="$CERTS"
[ -n "${DEVICETRUST_DB_URL:-}" ] || { echo "skipped: the OCSP benchmark loads its certificates into PostgreSQL"; exit 0; }
WORK="$(mktemp -d /tmp/devicetrust-ocsp-bench.XXXXXX)"
REF_PID=""
# shellcheck disable=SC2317 # reachable: run by the EXIT trap
cleanup() { [ -n "$REF_PID" ] && kill "$REF_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK" || exit 1

admin() { # method path content-type body
  curl -sS --max-time 600 --cacert "$PKI/root-ca.pem" -u "admin:$DEVICETRUST_ADMIN_PASSWORD" -X "$1" \
    ${3:+-H "Content-Type: $3"} ${4:+--data-binary "$4"} "https://localhost:$HTTPS_PORT$2"
}
sql() {
  local db hostport
  db="${DEVICETRUST_DB_URL##*/}"; hostport="${DEVICETRUST_DB_URL#jdbc:postgresql://}"; hostport="${hostport%%/*}"
  PGPASSWORD="${DEVICETRUST_DB_PASSWORD:-}" psql -qtA -h "${hostport%%:*}" -p "${hostport##*:}" \
    -U "${DEVICETRUST_DB_USER:-devicetrust}" "$db"
}

# ---- one real certificate through the normal issuance path (its issuer DN and its device are reused)
DEVICE_ID="bench-ocsp-$(date +%s)"
admin POST /api/v1/admin/devices application/json "{\"id\":\"$DEVICE_ID\",\"name\":\"OCSP benchmark\"}" >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key -out device.csr \
  -subj "/CN=$DEVICE_ID" 2>/dev/null
issued=""
for _ in 1 2; do
  issued="$(curl -sS --max-time 60 --cacert "$PKI/root-ca.pem" -u "admin:$DEVICETRUST_ADMIN_PASSWORD" \
    -H 'Content-Type: application/x-pem-file' -H 'Accept: application/x-pem-file' --data-binary @device.csr \
    "https://localhost:$HTTPS_PORT/api/v1/admin/devices/$DEVICE_ID/certificates")"
  case "$issued" in *"BEGIN CERTIFICATE"*) break ;; esac
done
case "$issued" in *"BEGIN CERTIFICATE"*) ;; *) echo "could not issue the benchmark certificate: $issued"; exit 1 ;; esac
printf '%s\n' "$issued" > device.pem
SERIAL="$(openssl x509 -in device.pem -noout -serial | cut -d= -f2)"

# ---- N issued certificates as rows (status and serial are all OCSP reads), a tenth revoked
PREFIX="benchocsp$(date +%s)"
ID_BASE=$((8000000000000 + ($(date +%s) % 100000) * 10000000))
t0=$(date +%s.%N)
sql <<SQL || { echo "could not load the certificates"; exit 1; }
INSERT INTO issued_certificate (id, issuer_dn, serial_hex, device_id, subject_dn, pem, sha256_fingerprint,
    key_description, not_before, not_after, status, issued_at, issued_by, revoked_at, revocation_reason, revoked_by, version)
  SELECT $ID_BASE + n, (SELECT issuer_dn FROM issued_certificate LIMIT 1), 'c' || substr(md5('$PREFIX' || n), 1, 32),
    '$DEVICE_ID', 'CN=$DEVICE_ID', 'benchmark row', md5('$PREFIX' || n) || md5('o' || n || '$PREFIX'),
    'EC P-256', now() - interval '1 day', now() + interval '365 days',
    CASE WHEN n <= $REVOKED THEN 'REVOKED' ELSE 'ISSUED' END, now(), 'benchmark',
    CASE WHEN n <= $REVOKED THEN now() - interval '1 hour' END, CASE WHEN n <= $REVOKED THEN 'KEY_COMPROMISE' END,
    CASE WHEN n <= $REVOKED THEN 'benchmark' END, 0
  FROM generate_series(1, $CERTS) n;
ANALYZE issued_certificate;
SQL
printf 'loaded %d certificate rows (%d revoked) in %.1f s\n' "$CERTS" "$REVOKED" "$(echo "$(date +%s.%N) - $t0" | bc)"

# ---- the serials asked about, spread over the table, and the reference's index of all N
curl -sS -o device-ca.pem "http://localhost:$HTTP_PORT/pki/ca/device-ca.pem"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ref-ca.key -out ref-ca.pem \
  -subj "/CN=Reference CA" -days 2 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ref-signer.key -out ref-signer.csr \
  -subj "/CN=Reference OCSP signer" 2>/dev/null
printf 'extendedKeyUsage=OCSPSigning\n' > ocsp.ext
openssl x509 -req -in ref-signer.csr -CA ref-ca.pem -CAkey ref-ca.key -CAcreateserial -days 2 -extfile ocsp.ext \
  -out ref-signer.pem 2>/dev/null
sql <<SQL > serials.txt
SELECT substr(md5('$PREFIX' || n), 1, 32) FROM generate_series(1, $CERTS) n;
SQL
EXPIRY="$(date -u -d '+365 days' +%y%m%d%H%M%SZ)"; REVOKED_AT="$(date -u -d '-1 hour' +%y%m%d%H%M%SZ)"
awk -v revoked="$REVOKED" -v expiry="$EXPIRY" -v at="$REVOKED_AT" \
  '{ s = toupper("0C" $1); if (NR <= revoked) printf "R\t%s\t%s,keyCompromise\t%s\tunknown\t/CN=r%d\n", expiry, at, s, NR;
     else printf "V\t%s\t\t%s\tunknown\t/CN=r%d\n", expiry, s, NR }' serials.txt > index.txt
mkdir -p ours-cached ours-nonce ref-cached ref-nonce
step=$((CERTS / SERIALS)); [ "$step" -ge 1 ] || step=1
i=0; taken=0
while read -r hex; do
  if [ $((i % step)) -eq 0 ] && [ "$taken" -lt "$SERIALS" ]; then
    taken=$((taken + 1))
    n=$(printf '%07d' "$i")
    openssl ocsp -issuer device-ca.pem -serial "0xc$hex" -no_nonce -reqout "ours-cached/$n.der" >/dev/null 2>&1
    openssl ocsp -issuer device-ca.pem -serial "0xc$hex" -reqout "ours-nonce/$n.der" >/dev/null 2>&1
    openssl ocsp -issuer ref-ca.pem -serial "0xc$hex" -no_nonce -reqout "ref-cached/$n.der" >/dev/null 2>&1
    openssl ocsp -issuer ref-ca.pem -serial "0xc$hex" -reqout "ref-nonce/$n.der" >/dev/null 2>&1
  fi
  i=$((i + 1))
done < serials.txt
echo "$taken distinct serials asked about, round robin, POST over HTTP/1.1 on loopback"

# ---- reference: openssl ocsp -port with the same serials in an index file (one process per core)
openssl ocsp -index index.txt -port "$REF_PORT" -rsigner ref-signer.pem -rkey ref-signer.key \
  -CA ref-ca.pem -nmin 10 -multi "$(nproc)" >/dev/null 2>&1 &
REF_PID=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$REF_PORT") 2>/dev/null && break; sleep 0.1; done
check="$(openssl ocsp -issuer ref-ca.pem -serial "0xc$(head -1 serials.txt)" -url "http://127.0.0.1:$REF_PORT" \
  -CAfile ref-ca.pem -no_nonce 2>&1 | head -1)"
echo "reference answers: $check"
check="$(openssl ocsp -issuer device-ca.pem -serial "0xc$(head -1 serials.txt)" \
  -url "http://localhost:$HTTP_PORT/pki/ocsp" -CAfile "$PKI/root-ca.pem" -no_nonce 2>&1 | sed -n 2p)"
echo "DeviceTrust answers: $check"

load() { java "$HERE/OcspLoad.java" "$1" "$2" "$SECONDS_PER_RUN" "$THREADS" "$3"; }
load "http://localhost:$HTTP_PORT/pki/ocsp" ours-cached "DeviceTrust, pre-produced (no nonce), warm-up" >/dev/null
load "http://localhost:$HTTP_PORT/pki/ocsp" ours-cached "DeviceTrust, pre-produced (no nonce)"
load "http://127.0.0.1:$REF_PORT" ref-cached "openssl ocsp -port, no nonce (reference)"
load "http://localhost:$HTTP_PORT/pki/ocsp" ours-nonce "DeviceTrust, fresh (nonce)"
load "http://127.0.0.1:$REF_PORT" ref-nonce "openssl ocsp -port, nonce (reference)"
kill "$REF_PID" 2>/dev/null; REF_PID=""

# ---- full vs delta CRL with the revoked rows: size and publication time (sign, self-check, store)
t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 600 --cacert "$PKI/root-ca.pem" \
  -u "admin:$DEVICETRUST_ADMIN_PASSWORD" -X POST "https://localhost:$HTTPS_PORT/api/v1/admin/crl")
curl -sS -o full.crl "http://localhost:$HTTP_PORT/pki/crl/device-ca.crl"
printf 'full CRL:  %d entries, %d bytes, published in %.2f s (POST /admin/crl: full CRL plus its empty delta)\n' \
  "$(openssl crl -inform DER -in full.crl -noout -text | grep -c 'Serial Number')" "$(stat -c %s full.crl)" "$t"
t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 600 --cacert "$PKI/root-ca.pem" \
  -u "admin:$DEVICETRUST_ADMIN_PASSWORD" -H 'Content-Type: application/json' -d '{"reason":"keyCompromise"}' \
  -X POST "https://localhost:$HTTPS_PORT/api/v1/admin/certificates/$SERIAL/revocation")
curl -sS -o delta.crl "http://localhost:$HTTP_PORT/pki/crl/device-ca-delta.crl"
printf 'delta CRL: %d entries, %d bytes, revoke call with its delta CRL in %.2f s\n' \
  "$(openssl crl -inform DER -in delta.crl -noout -text | grep -c 'Serial Number')" "$(stat -c %s delta.crl)" "$t"

# ---- leave the database as it was (the CRLs above keep their numbers)
sql <<SQL >/dev/null
DELETE FROM issued_certificate WHERE id > $ID_BASE AND id <= $ID_BASE + $CERTS;
SQL
