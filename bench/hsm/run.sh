#!/usr/bin/env bash
# DeviceTrust CA signing rate: ECDSA signatures per second with the key in a PKCS#11 token (SoftHSM2, a fresh
# token in a temporary directory) beside the same curves in memory (SunEC, BouncyCastle). One thread; figures,
# never pass/fail. BENCH_HSM_SECONDS per measurement (default 3), BENCH_HSM_LIBRARY (default SoftHSM2's module).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIBRARY="${BENCH_HSM_LIBRARY:-/usr/lib/softhsm/libsofthsm2.so}"
SECONDS_PER_RUN="${BENCH_HSM_SECONDS:-3}"
if ! command -v softhsm2-util >/dev/null || [ ! -f "$LIBRARY" ]; then echo "skipped: SoftHSM2 is not installed"; exit 0; fi
WORK="$(mktemp -d /tmp/devicetrust-hsm-bench.XXXXXX)"
# shellcheck disable=SC2317 # reachable: run by the EXIT trap
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
mkdir "$WORK/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/tokens" > "$WORK/softhsm2.conf"
export SOFTHSM2_CONF="$WORK/softhsm2.conf"
PIN="bench-$RANDOM-$RANDOM"
slot="$(softhsm2-util --init-token --free --label bench --so-pin "so-$PIN" --pin "$PIN" | grep -o 'slot [0-9]*' | cut -d' ' -f2)"
[ -n "$slot" ] || { echo "softhsm2-util could not initialize a token"; exit 1; }
bcprov="$(find "${HOME}/.m2/repository/org/bouncycastle/bcprov-jdk18on" -name 'bcprov-jdk18on-*.jar' 2>/dev/null | sort | tail -1)"
java ${bcprov:+-cp "$bcprov"} "$HERE/SigningRate.java" "$LIBRARY" "$slot" "$PIN" "$SECONDS_PER_RUN"
