#!/usr/bin/env bash
# DeviceTrust benchmarks: figures measured side by side with a reference in the same run.
# They never pass or fail on time; a non-zero exit means a benchmark could not run at all.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
section() { printf '\n== %s ==\n' "$*"; }
status=0

section "machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"

section "PKI: reference (OpenSSL, same machine, 1 core)"
openssl speed -seconds 2 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ {printf "openssl ECDSA P-256: %s sign/s, %s verify/s per core\n", $(NF-1), $NF}'

(cd "$ROOT" && mvn -B -q -DskipTests -pl ear,cli -am package) || { echo "build failed"; exit 1; }
CLI=(java -jar "$ROOT/cli/target/devicetrust-cli.jar")

section "PKI: issuance controls and CRL generation (in process)"
"${CLI[@]}" bench pki || status=1

section "device API: the authorization view at 1M certificates and 1M devices (in process)"
"${CLI[@]}" bench view || status=1

section "PKI: issuance through the admin API of a running server (PostgreSQL), single and batch (controls alone: see above)"
BENCH_HOME="$(mktemp -d /tmp/devicetrust-bench.XXXXXX)"
export DEVICETRUST_HOME="$BENCH_HOME" DEVICETRUST_PORT_BASE="${DEVICETRUST_BENCH_PORT_BASE:-19000}"
export DEVICETRUST_ADMIN_PASSWORD; DEVICETRUST_ADMIN_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
if pg_ctlcluster 15 main start >/dev/null 2>&1 || pg_lsclusters | grep -q online; then
  su postgres -c "dropdb --if-exists devicetrust_bench; createdb -O devicetrust devicetrust_bench" 2>/dev/null \
    && export DEVICETRUST_DB_URL=jdbc:postgresql://127.0.0.1:5432/devicetrust_bench \
              DEVICETRUST_DB_USER=devicetrust DEVICETRUST_DB_PASSWORD=devicetrust
fi
if "$ROOT/devicetrust" start >/dev/null; then
  pw="$(mktemp)"; printf '%s' "$DEVICETRUST_ADMIN_PASSWORD" > "$pw"
  "${CLI[@]}" bench issue --url "https://localhost:$((DEVICETRUST_PORT_BASE + 81))" \
      --root-ca "$BENCH_HOME/data/pki/root-ca.pem" --password-file "$pw" --count "${BENCH_ISSUE_COUNT:-2000}" \
      --threads 8 || status=1
  rm -f "$pw"
  section "console with 100,000 devices: each page in headless Chromium vs the same queries alone (goal: < 500 ms)"
  if [ -n "${DEVICETRUST_DB_URL:-}" ]; then
    missing=(); for p in chromium chromium-driver; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
    if (cd "$ROOT" && mvn -B -q -Psystem-tests -pl system-tests verify -Dit.test=ConsoleScaleIT \
          -Ddevicetrust.home="$BENCH_HOME" -Ddevicetrust.console.samples="${BENCH_CONSOLE_SAMPLES:-15}" \
          > "$BENCH_HOME/console-bench.log" 2>&1); then
      cat "$ROOT/system-tests/target/console-scale.txt"
    else
      echo "the console benchmark did not run; see $BENCH_HOME/console-bench.log"; status=1
    fi
  else
    echo "skipped: needs PostgreSQL"
  fi
  section "firmware updates, server side: a 100,000-device rollout; offers and chunks vs static files on the same Payara; threshold to pause"
  if [ -n "${DEVICETRUST_DB_URL:-}" ]; then
    if (cd "$ROOT" && DEVICETRUST_ST_MAY_STOP_DATABASE=false mvn -B -q -Psystem-tests -pl system-tests verify \
          -Dit.test=RolloutScaleIT -Ddevicetrust.bench.ota=true -Ddevicetrust.home="$BENCH_HOME" \
          -Ddevicetrust.console.samples="${BENCH_CONSOLE_SAMPLES:-15}" \
          -Ddevicetrust.bench.ota.seconds="${BENCH_OTA_SECONDS:-10}" \
          > "$BENCH_HOME/ota-server-bench.log" 2>&1); then
      cat "$ROOT/system-tests/target/ota-server-bench.txt"
    else
      echo "the firmware update benchmark did not run; see $BENCH_HOME/ota-server-bench.log"; status=1
    fi
  else
    echo "skipped: needs PostgreSQL"
  fi
  if [ -x "$ROOT/bench/tls/run.sh" ]; then
    section "device API over mutual TLS vs openssl s_server"
    "$ROOT/bench/tls/run.sh" || status=1
  fi
  section "revocation through one server refused by a second on the same database (two Payara domains)"
  if [ -n "${DEVICETRUST_DB_URL:-}" ]; then
    if (cd "$ROOT" && DEVICETRUST_ST_MAY_STOP_DATABASE=false mvn -B -q -Psystem-tests -pl system-tests verify \
          -Dit.test='SecondNodeIT#revocationToRefusalDistributionForTheBenchmark' \
          -Ddevicetrust.bench.revocations="${BENCH_REVOCATIONS:-20}" -Ddevicetrust.home="$BENCH_HOME" \
          -Ddevicetrust.launcher="$ROOT/devicetrust" > "$BENCH_HOME/second-node-bench.log" 2>&1); then
      cat "$ROOT/system-tests/target/second-node-revocations.txt"
    else
      echo "the second-node benchmark did not run; see $BENCH_HOME/second-node-bench.log"; status=1
    fi
  else
    echo "skipped: needs PostgreSQL"
  fi
  if [ -x "$ROOT/bench/ocsp/run.sh" ]; then
    section "OCSP responder vs openssl ocsp -port, full vs delta CRL (BENCH_OCSP_CERTS=${BENCH_OCSP_CERTS:-100000}; 1000000 as in the issue)"
    "$ROOT/bench/ocsp/run.sh" || status=1
  fi
  if [ -x "$ROOT/bench/hsm/run.sh" ]; then
    section "CA signing rate: key in a PKCS#11 token (SoftHSM2) vs in memory"
    "$ROOT/bench/hsm/run.sh" || status=1
  fi
  if [ -x "$ROOT/qemu/device.sh" ]; then
    section "emulated device: mTLS handshake cost"
    "$ROOT/qemu/device.sh" bench || status=1
  fi
  if [ -x "$ROOT/qemu/ota-bench.sh" ]; then
    section "emulated device: update over the air, download vs the raw UART link, the whole update (-icount)"
    "$ROOT/qemu/ota-bench.sh" || status=1
  fi
  "$ROOT/devicetrust" stop >/dev/null
else
  echo "the server did not start; see $BENCH_HOME"
  status=1
fi

section "firmware: verification cost in guest instructions, code sizes"
"$ROOT/firmware/firmware.sh" bench || status=1
exit $status
