# Helpers of the over-the-air update scripts (ota.sh, ota-bench.sh), sourced by them: the backend's ports and data
# directory from the launcher's environment (DEVICETRUST_HOME, DEVICETRUST_PORT_BASE or the *_PORT variables,
# DEVICETRUST_ADMIN_PASSWORD), the admin API, releases and rollouts, device boots. The caller sets $out (its
# output directory); release() also needs $approver and $approver_password (a second administrator).
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # settings used by the scripts that source this file, $out etc. set by them
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
dev=$here/device.sh
tool=(python3 "$here/flashtool.py")
home=${DEVICETRUST_HOME:-$root/.devicetrust}
data=${DEVICETRUST_DATA_DIR:-$home/data}
http_port=${DEVICETRUST_HTTP_PORT:-8080}
https_port=${DEVICETRUST_HTTPS_PORT:-8181}
if [ -n "${DEVICETRUST_PORT_BASE:-}" ]; then
  http_port=$((DEVICETRUST_PORT_BASE + 80)); https_port=$((DEVICETRUST_PORT_BASE + 81))
fi
device_port=${DEVICETRUST_DEVICE_PORT:-8443}
[ -n "${DEVICETRUST_PORT_BASE:-}" ] && device_port=$((DEVICETRUST_PORT_BASE + 43))
export DEVICETRUST_HOME=$home
board=${FW_BOARD_DIR:-$root/firmware/build/board/board}
curl_admin() { curl -sS --max-time 60 --cacert "$data/pki/root-ca.pem" -u "${DEVICETRUST_ADMIN_USER:-admin}:$DEVICETRUST_ADMIN_PASSWORD" "$@"; }
admin() { # admin METHOD PATH [JSON] -> body
  local args=(-X "$1")
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl_admin "${args[@]}" "https://localhost:$https_port/api/v1/$2"
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# execution ROLLOUT DEVICE FIELD: one member of the device's update in the rollout (empty when there is none)
execution() {
  admin GET "admin/rollouts/$1/executions" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["deviceId"] == sys.argv[1]:
        print(e[sys.argv[2]])' "$2" "$3" 2>/dev/null
}
# boot ID LOG [options]: one run (unless --runs is given), keeps the log, returns the exit code
boot() { local id=$1 logf=$2; shift 2; "$dev" boot "$id" --runs 1 "$@" > "$logf" 2>&1; }
has() { grep -q -- "$2" "$1"; }
running() { sed -n 's/^APP: .* v\([0-9]*\), security version.*/\1/p' "$1" | head -1; }
resumes_at() { sed -n 's/^DEVICE: update download resumes at byte \([0-9]*\)$/\1/p' "$1" | head -1; }
show() { sed 's/^/    | /' "$1"; }
record() { "${tool[@]}" otadata-show --flash "$home/devices/$1/pflash1.img"; }
counter() { "${tool[@]}" efuse --flash "$home/devices/$1/pflash1.img" | sed -n 's/.*security_version=\([0-9]*\).*/\1/p'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# enrolled ID: a registered device, enrolled, on the factory app (v3), that was offered nothing
enrolled() {
  "$dev" create "$1" > "$out/$1-create.log" 2>&1 && "$dev" boot "$1" --runs 2 > "$out/$1-enroll.log" 2>&1 &&
    has "$out/$1-enroll.log" "DEVICE: no update offered"
}
# payload_release VERSION FILE -> release id, APPROVED: FILE as the app payload (security version 2)
payload_release() {
  local id
  id=$(curl_admin -H 'Content-Type: application/octet-stream' --data-binary "@$2" \
    "https://localhost:$https_port/api/v1/admin/firmware/releases?version=$1&securityVersion=2&loadAddress=0x80200000&buildId=ota-$1" |
    field id) || return 1
  admin POST "admin/firmware/releases/$id/approval" | grep -q '"APPROVED"' && echo "$id"
}
# second_admin NAME: a second administrator (approver, approver_password) for release(); its answer in $out/approver.json
second_admin() {
  approver=$1
  approver_password=$(openssl rand -hex 16)
  admin POST admin/accounts "{\"username\":\"$approver\",\"password\":\"$approver_password\",\"role\":\"admin\"}" > "$out/approver.json"
}
# release VERSION SV -> release id, APPROVED: the board's device app, signed by the backend's firmware key; a
# release that raises the security version is approved by a second administrator (never by its uploader)
release() {
  local id
  id=$(curl_admin -H 'Content-Type: application/octet-stream' --data-binary "@$board/device.bin" \
    "https://localhost:$https_port/api/v1/admin/firmware/releases?version=$1&securityVersion=$2&loadAddress=0x80200000&buildId=ota-$1" |
    field id) || return 1
  if ! admin POST "admin/firmware/releases/$id/approval" | grep -q '"APPROVED"'; then
    curl -sS --max-time 60 --cacert "$data/pki/root-ca.pem" -u "$approver:$approver_password" -X POST \
      "https://localhost:$https_port/api/v1/admin/firmware/releases/$id/approval" | grep -q '"APPROVED"' || return 1
  fi
  echo "$id"
}
# rollout RELEASE DEVICE... -> rollout id, started
rollout() { rollout_with "" "$@"; }
# rollout_with JSON_MEMBERS RELEASE DEVICE... -> rollout id, started; JSON_MEMBERS: more settings, e.g. "chunkSize":1024
rollout_with() {
  local extra=${1:+,$1} rel=$2; shift 2
  local ids; ids=$(printf '"%s",' "$@")
  local r; r=$(admin POST admin/rollouts "{\"releaseId\":$rel,\"deviceIds\":[${ids%,}]$extra}" | field id) || return 1
  admin POST "admin/rollouts/$r/start" > /dev/null && echo "$r"
}
# backend_up: the backend answers and the admin password is set
backend_up() {
  [ -n "${DEVICETRUST_ADMIN_PASSWORD:-}" ] && [ -f "$data/pki/root-ca.pem" ] &&
    curl -sSf --max-time 5 -o /dev/null "http://localhost:$http_port/pki/ca/root-ca.pem"
}
