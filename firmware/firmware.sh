#!/usr/bin/env bash
# DeviceTrust firmware: one entry point for the toolchain, build, tests, boot matrix and benchmark.
#   deps      install toolchain and mbedTLS sources (idempotent, quiet when present)
#   build     host core + tests (ASan/UBSan), fuzz targets (clang), board images (RISC-V), signing CLI
#   board     only the board images (RISC-V) and the signing CLI: what emulated devices need
#   app [--out FILE]   the device app's payload (board/device.bin, built if needed) for a release the
#             backend signs: ./devicetrust firmware release FILE --version N --security-version S
#   app --version N --security-version S [--build-id TEXT] [--out FILE]
#             the device app signed here with the data directory's firmware key, as an offline signer
#             would: ./devicetrust firmware release FILE --signed
#   release FILE --version N --security-version S [--build-id TEXT] [--load-address 0xADDR]
#             a release on the running backend, which signs the payload FILE (admin API; through
#             ./devicetrust, as are the three below); release FILE --signed: an image it verifies
#   releases  the releases; approve ID, revoke ID: approve one (a second administrator when it raises the
#             security version), revoke one for good
#   test      host unit tests + bounded fuzzing + boot matrix; last line "firmware: N passed, N failed"
#   matrix    boot every valid and tampered case in QEMU
#   bench     instruction counts and code sizes next to the goals (never fails on figures)
#   sign ...  sign an image with the firmware signing key (the backend's CLI)
#   boot DIR  boot an assembled device (DIR/pflash0.img, DIR/pflash1.img)
#   format-check  list the C files whose layout differs from .clang-format (non-zero exit if any)
#   format        apply .clang-format to the firmware's own C (never third_party/)
# Environment: FW_FUZZ_SECONDS (default 60 per target), FW_SIGN (signing command override).
set -euo pipefail
fw=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$fw/.." && pwd)
build=$fw/build
mbedtls_version=2.28.3
jobs=${FW_JOBS:-2}

log() { echo "firmware: $*" >&2; }

deps() {
  local pkgs=(gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc clang libclang-rt-14-dev cmake python3 openssl
    clang-format)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  local src=$fw/third_party/mbedtls
  if [ ! -f "$src/library/sha256.c" ]; then
    mkdir -p "$fw/third_party/dl"
    local tarball=$fw/third_party/dl/mbedtls_${mbedtls_version}.orig.tar.gz
    if [ ! -f "$tarball" ]; then
      local srcs=/etc/apt/sources.list.d/debian-src.sources
      if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ /etc/apt/sources.list 2>/dev/null; then
        log "adding deb-src entries ($srcs)"
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$srcs"
        apt-get update -qq
      fi
      (
        cd "$fw/third_party/dl" || exit 1
        apt-get source --download-only -qq "mbedtls=${mbedtls_version}-1" >/dev/null 2>&1 ||
          apt-get source --download-only -qq mbedtls >/dev/null 2>&1
      ) || true
    fi
    [ -f "$tarball" ] || { log "mbedTLS $mbedtls_version source package not found"; exit 1; }
    rm -rf "$src" && mkdir -p "$src"
    tar xzf "$tarball" -C "$src" --strip-components=1
  fi
}

sign_cmd() {
  if [ -n "${FW_SIGN:-}" ]; then echo "$FW_SIGN"; return; fi
  echo "java -jar $root/cli/target/devicetrust-cli.jar firmware"
}

build_cli() {
  [ -n "${FW_SIGN:-}" ] && return 0
  local jar=$root/cli/target/devicetrust-cli.jar
  if [ ! -f "$jar" ] || [ -n "$(find "$root/ejb/src/main/java/org/devicetrust/firmware" "$root/cli/src/main" -newer "$jar" -name '*.java' 2>/dev/null | head -1)" ]; then
    log "building the signing CLI"
    (cd "$root" && mvn -q -pl cli -am package -DskipTests)
  fi
}

build_board() {
  deps
  cmake -S "$fw" -B "$build/board" -DCMAKE_TOOLCHAIN_FILE="$fw/cmake/riscv32-virt.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
  cmake --build "$build/board" -j"$jobs" >/dev/null
  build_cli
}

# The device app as a release is made of (docs/ota.md): its payload, or an image signed with the firmware key of
# the DeviceTrust data directory (DEVICETRUST_DATA_DIR, else DEVICETRUST_HOME/data, else .devicetrust/data).
app() {
  local out="" version="" sv="" build_id=""
  while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { log "$1 needs a value (usage: firmware.sh app [--version N --security-version S [--build-id TEXT]] [--out FILE])"; exit 2; }
    case "$1" in
      --out) out=$2 ;;
      --version) version=$2 ;;
      --security-version) sv=$2 ;;
      --build-id) build_id=$2 ;;
      *) log "unknown option $1 (usage: firmware.sh app [--version N --security-version S [--build-id TEXT]] [--out FILE])"; exit 2 ;;
    esac
    shift 2
  done
  if [ -n "$version$sv$build_id" ] && { [ -z "$version" ] || [ -z "$sv" ]; }; then
    log "a signed app needs both --version and --security-version (the payload alone needs neither)"; exit 2
  fi
  build_board
  local payload=$build/board/board/device.bin
  if [ -z "$version" ]; then
    out=${out:-device-app.bin}
    cp "$payload" "$out"
    echo "device app payload: $out ($(stat -c %s "$out") bytes); the backend signs it at release:"
    echo "  ./devicetrust firmware release $out --version N --security-version S"
    return 0
  fi
  local data=${DEVICETRUST_DATA_DIR:-${DEVICETRUST_HOME:-$root/.devicetrust}/data}
  out=${out:-app-v$version.img}
  read -ra signer <<< "$(sign_cmd)" # a command line: program and leading arguments
  "${signer[@]}" sign --type app --in "$payload" --out "$out" --version "$version" --security-version "$sv" \
    --load-addr 0x80200000 --build-id "${build_id:-device-$version}" --data-dir "$data"
  echo "the backend verifies it at release: ./devicetrust firmware release $out --signed"
}

build_all() {
  deps
  cmake -S "$fw" -B "$build/host" -DFW_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build/host" -j"$jobs" >/dev/null
  CC=clang cmake -S "$fw" -B "$build/fuzz" -DFW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build/fuzz" -j"$jobs" >/dev/null
  cmake -S "$fw" -B "$build/board" -DCMAKE_TOOLCHAIN_FILE="$fw/cmake/riscv32-virt.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
  cmake --build "$build/board" -j"$jobs" >/dev/null
  build_cli
  log "built: host tests, fuzz targets, rom/bootloader/app images"
}

# The firmware's own C: everything under these directories; mbedTLS lives in third_party/.
c_sources() {
  find "$fw/src" "$fw/include" "$fw/board" "$fw/crypto" "$fw/test" "$fw/fuzz" -type f \( -name '*.c' -o -name '*.h' \) | sort
}

format_check() {
  local f bad=()
  while IFS= read -r f; do
    clang-format --style=file --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("${f#"$root"/}")
  done < <(c_sources)
  if [ ${#bad[@]} -gt 0 ]; then
    log "layout differs from firmware/.clang-format (fix with: firmware/firmware.sh format):"
    printf '  %s\n' "${bad[@]}" >&2
    return 1
  fi
  log "format-check: $(c_sources | wc -l) C files match firmware/.clang-format"
}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

passed=0
failed=0
record() { if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }

fuzz_one() {
  local t=$1 seconds=$2 rc=0
  local work=$build/fuzz/corpus-$t
  mkdir -p "$work" "$build/fuzz/artifacts-$t"
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz/artifacts-$t/" "$work" "$fw/fuzz/corpus/$t" > "$build/fuzz/$t.log" 2>&1 || rc=$?
  echo "$rc" > "$build/fuzz/$t.rc"
}

# Targets run $jobs at a time (one core each), so adding targets does not stretch the test run.
fuzz_all() {
  local seconds=${FW_FUZZ_SECONDS:-60}
  local targets=(sigblock manifest ptable identity session pkcs7 http est offer otadata progress)
  local i=0
  while [ $i -lt ${#targets[@]} ]; do
    local batch=("${targets[@]:$i:$jobs}")
    for t in "${batch[@]}"; do fuzz_one "$t" "$seconds" & done
    wait
    for t in "${batch[@]}"; do
      local rc runs
      rc=$(cat "$build/fuzz/$t.rc" 2>/dev/null || echo 1)
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz/$t.log" | tail -1)
      echo "fuzz $t: ${seconds}s, ${runs:-?} executions, exit $rc"
      [ "$rc" = 0 ] || tail -30 "$build/fuzz/$t.log"
      record "$rc"
    done
    i=$((i + jobs))
  done
}

host_tests() {
  local out=$build/host/ctest.log rc=0
  (cd "$build/host" && ctest -j"$jobs" --output-on-failure) > "$out" 2>&1 || rc=$?
  tail -3 "$out"
  local n_pass n_fail
  n_fail=$(grep -c -E '\*\*\*Failed|Exception' "$out" || true)
  n_pass=$(grep -c -E 'Passed' "$out" || true)
  passed=$((passed + n_pass))
  failed=$((failed + n_fail))
  [ "$rc" = 0 ] || { [ "$n_fail" -gt 0 ] || failed=$((failed + 1)); cat "$out"; }
}

matrix() {
  local rc=0 out=$build/matrix.log
  FW_SIGN=$(sign_cmd) "$root/qemu/matrix.sh" | tee "$out" || rc=$?
  local p f
  p=$(sed -n 's/^matrix: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out")
  f=$(sed -n 's/^matrix: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-1}))
  [ "$rc" = 0 ] || [ "${f:-1}" != 0 ] || failed=$((failed + 1))
  return 0
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  deps) deps ;;
  build) build_all ;;
  board) build_board; log "built: rom/bootloader/app images in $build/board/board" ;;
  app) app "$@" ;;
  release|releases|approve|revoke)
    log "$cmd talks to the running backend: ./devicetrust firmware $cmd ..."; exit 2 ;;
  test)
    build_all
    echo "== host unit tests (ASan/UBSan)"
    host_tests
    echo "== fuzzing (${FW_FUZZ_SECONDS:-60}s per target)"
    fuzz_all
    echo "== boot matrix"
    matrix
    echo "firmware: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    ;;
  matrix)
    build_all
    FW_SIGN=$(sign_cmd) "$root/qemu/matrix.sh"
    ;;
  bench)
    build_all
    FW_SIGN=$(sign_cmd) "$root/qemu/bench.sh"
    ;;
  sign)
    build_cli
    read -ra signer <<< "$(sign_cmd)" # a command line: program and leading arguments
    "${signer[@]}" sign "$@"
    ;;
  boot)
    "$root/qemu/boot.sh" "${1:?usage: firmware.sh boot IMAGE_DIR}"
    ;;
  format-check)
    command -v clang-format >/dev/null || deps
    format_check
    ;;
  format)
    command -v clang-format >/dev/null || deps
    c_sources | xargs clang-format --style=file -i
    log "formatted $(c_sources | wc -l) C files"
    ;;
  help|-h|--help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
