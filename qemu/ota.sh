#!/usr/bin/env bash
# Updates over the air, end to end: emulated devices (QEMU, the device app's own update client over its
# mutual-TLS link) against a running DeviceTrust backend that signs the release and runs the rollout
# (docs/ota.md; the scenarios of the design's table "Tests that prove it in QEMU" this script covers are
# numbered as there). Settings come from the launcher's environment like e2e.sh: DEVICETRUST_HOME,
# DEVICETRUST_PORT_BASE (or the *_PORT variables), DEVICETRUST_ADMIN_PASSWORD. Every QEMU run is bounded
# (DEVICETRUST_DEVICE_TIMEOUT, default 90 s). Power cuts kill QEMU after a number of bytes from the
# backend (devicerun.py --cut-after); a dropped connection closes the link (--close-after); both counted in HTTP
# exchanges instead: --cut-at-request, --drop-answer. Scenario 12's groups 2 and 3 are mutual-TLS clients (curl).
# Last line: "ota: N passed, N failed"; exit status non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ota-lib.sh source-path=SCRIPTDIR
. "$here/ota-lib.sh"
out=$here/out/ota
rm -rf "$out" && mkdir -p "$out"
stamp=$(date +%s)
run_id=ota-$stamp
total=16
passed=0
failed=0

say() { echo "ota: $*"; }
result() { # result N NAME OK DETAIL
  if [ "$3" = 1 ]; then passed=$((passed + 1)); echo "PASS  $1. $2"; else failed=$((failed + 1)); echo "FAIL  $1. $2: $4"; fi
}
if ! backend_up; then
  say "no running backend (http $http_port, data $data, DEVICETRUST_ADMIN_PASSWORD set?)"
  echo "ota: 0 passed, $total failed"
  exit 1
fi
say "backend: https $https_port; devices ${run_id}-*"
second_admin "ota-approver-$stamp" || say "could not create the second administrator: $(cat "$out/approver.json")"
d1=$run_id-1 d2=$run_id-2 d3=$run_id-3 d4=$run_id-4 d6=$run_id-6 d8=$run_id-8 d9=$run_id-9
enroll() { enrolled "$1" || { say "device $1 could not be enrolled:"; show "$out/$1-enroll.log"; }; }
enroll "$d1" # alone: the first one may sign the factory images
for pair in "$d2 $d3" "$d4 $d6" "$d8 $d9"; do
  read -r a b <<< "$pair"
  enroll "$a" & enroll "$b"; wait
done
# Versions unique to this run (a release version is unique per backend); 4 = the next after the factory's 3.
v=$(( (stamp % 100000) * 10 + 4 ))
rel=$(release "$v" 3) || rel=""
say "release $rel: device app v$v, security version 3 ($(stat -c %s "$board/device.bin") bytes of payload)"
image_len=$(admin GET "admin/firmware/releases/$rel" | field imageLength 2>/dev/null || echo 0)
chunks=$(( (image_len + 4095) / 4096 ))

# The hostile-server scenarios need no backend but the signing key: they run beside the backend's ones (one QEMU
# each on two cores), their lines collected in a file and counted at the end.
hostile_scenarios() {
  # ---------------------------------------------------------------- 5, 6, 15. a hostile server (benchserver.py)
  # A device of a throwaway PKI against a stand-in listener that offers a v$((v + 3)) image signed by the backend's
  # firmware key, wrong on purpose. Each scenario: a fresh device; the server's journal says what the device asked.
  hostile_img=$out/hostile-app.img
  java -jar "$root/cli/target/devicetrust-cli.jar" firmware sign --type app --in "$board/device.bin" --out "$hostile_img" \
    --version $((v + 3)) --security-version 2 --load-addr 0x80200000 --data-dir "$data" --build-id ota-hostile > "$out/hostile-sign.log" 2>&1 ||
    say "signing the stand-in's image failed: $(cat "$out/hostile-sign.log")"
  hostile() { # hostile FAULT -> boots a fresh device against the stand-in; $hdir/boot.log, $hdir/journal; returns the exit code
    hdir=$out/hostile-$1
    "$dev" standin "$hdir" "ota-hostile-$1" > "$out/hostile-$1-standin.log" 2>&1 || return 99
    local port; port=$(free_port)
    python3 "$here/benchserver.py" --port "$port" --cert "$hdir/server.pem" --key "$hdir/server.key" --ca "$hdir/root.pem" \
      --device-id "ota-hostile-$1" --image "$hostile_img" --fault "$1" --journal "$hdir/journal" > "$hdir/server.log" 2>&1 &
    local server=$! code=0
    sleep 0.5
    python3 "$here/devicerun.py" --dir "$hdir" --port "$port" --timeout "${DEVICETRUST_DEVICE_TIMEOUT:-90}" > "$hdir/boot.log" 2>&1 || code=$?
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
    touch "$hdir/journal"
    return "$code"
  }
  chunk_gets() { grep -c "^GET /api/v1/device/update/.*/image" "$1/journal"; }
  report_of() { grep -o "\"state\":\"$2\"" "$1/journal" | head -1; }

  hostile corrupt; c=$?
  n=$(chunk_gets "$hdir"); rec=$(python3 "$here/flashtool.py" otadata-show --flash "$hdir/pflash1.img")
  ok=0
  [ "$c" = 0 ] && has "$hdir/boot.log" "update FAILED, never activated" && [ "$n" = "$chunks" ] &&
    [ -n "$(report_of "$hdir" FAILED)" ] && [ -z "$(report_of "$hdir" DOWNLOADED)" ] && [[ $rec == *"active=0"*"state=INVALID"* ]] && ok=1
  result 5 "corrupted payload served (one byte of $image_len): digest mismatch, FAILED, the slot never activated ($rec)" $ok "exit $c, $n chunk requests"
  [ $ok = 1 ] || show "$hdir/boot.log"

  hostile bad-signature; c=$?
  n=$(chunk_gets "$hdir")
  ok=0
  [ "$c" = 0 ] && has "$hdir/boot.log" "update REJECTED before download" && [ "$n" = 0 ] && [ -n "$(report_of "$hdir" REJECTED)" ] &&
    ! grep -q '"state":"DOWNLOADING"' "$hdir/journal" && ok=1
  result 6b "offer with a bad signature: REJECTED before the download, $n chunk requests" $ok "exit $c"
  [ $ok = 1 ] || show "$hdir/boot.log"

  for f in oversize endless wrong-range; do
    hostile "$f"; c=$?
    n=$(chunk_gets "$hdir")
    ok=0
    [ "$c" = 14 ] && [ "$n" = 1 ] && ! has "$hdir/boot.log" "update verified and installed" &&
      [ -z "$(report_of "$hdir" DOWNLOADED)" ] && ok=1
    result "15-$f" "chunk answer $f: the device aborts after $n request, nothing installed" $ok "exit $c, $n chunk requests"
    [ $ok = 1 ] || show "$hdir/boot.log"
  done
}
hostile_scenarios > "$out/hostile.results" 2>&1 &
hostile_pid=$!

printf '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' > "$out/trap.bin"
# rollout_of ID: "state pauseReason group states... failed=N offered=N" (offered: the executions with an offeredAt)
rollout_of() {
  python3 -c '
import json, sys
r, e = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(r["state"], r.get("pauseReason"), "/".join(g["state"] for g in r["groups"]),
      "failed=%d" % r["counters"]["failed"], "offered=%d" % sum(1 for x in e if x.get("offeredAt")))' \
    "$(admin GET "admin/rollouts/$1")" "$(admin GET "admin/rollouts/$1/executions")" 2>/dev/null
}
# The fleet scenarios (12, 13, 14) run beside the others: their own devices and rollouts, one QEMU at a time, and
# the wait for scenario 13's timeout overlaps the rest. Lines collected in a file and counted at the end.
fleet_scenarios() {
  local d12a=$run_id-12a d12b=$run_id-12b d13=$run_id-13 d14=$run_id-14
  for d in "$d13" "$d14" "$d12a" "$d12b"; do enroll "$d"; done

  # ---------------------------------------------------------------- 13. a device silent after the offer
  # The smallest action timeout the admin API takes (1 minute); the device loses power as it begins its first request
  # after the offer (request 4: session, telemetry, poll, then its DOWNLOADING report) and never boots again.
  local rel13 r13 c13 s13
  rel13=$(payload_release $((v + 8)) "$out/trap.bin")
  r13=$(admin POST admin/rollouts "{\"releaseId\":$rel13,\"deviceIds\":[\"$d13\"],\"actionTimeoutMinutes\":1,\"error\":{\"pct\":50,\"minExecuted\":1}}" | field id)
  admin POST "admin/rollouts/$r13/start" > /dev/null
  boot "$d13" "$out/13.log" --cut-at-request 4; c13=$?
  s13=$(execution "$r13" "$d13" state)

  # ---------------------------------------------------------------- 14. a report that reached the server, its answer lost
  # The trapping image: the boot after the trap owes REVERTED; its answer (request 3: session, telemetry, report) is
  # dropped as the backend begins it, so the device keeps the report owed and sends it again on its next boot.
  local rel14 r14 a b c d sa sb fa fb qa qb v14 rec14
  rel14=$(payload_release $((v + 7)) "$out/trap.bin")
  r14=$(rollout "$rel14" "$d14")
  boot "$d14" "$out/14a.log"; a=$?
  boot "$d14" "$out/14b.log"; b=$?
  boot "$d14" "$out/14c.log" --drop-answer 3; c=$?
  sa=$(execution "$r14" "$d14" state); fa=$(execution "$r14" "$d14" finishedAt); qa=$(execution "$r14" "$d14" lastSeq)
  boot "$d14" "$out/14d.log"; d=$?
  sb=$(execution "$r14" "$d14" state); fb=$(execution "$r14" "$d14" finishedAt); qb=$(execution "$r14" "$d14" lastSeq)
  v14=$(rollout_of "$r14"); rec14=$(record "$d14")
  ok=0
  [ "$a" = 10 ] && [ "$b" = 3 ] && [ "$c" = 14 ] && has "$out/14c.log" "closed on purpose as the backend began its answer to request 3" &&
    ! has "$out/14c.log" "update report REVERTED: HTTP" && [ "$sa" = REVERTED ] && [ -n "$fa" ] &&
    [ "$d" = 0 ] && has "$out/14d.log" "update report REVERTED: HTTP 204" && [ "$sb" = REVERTED ] && [ "$fb" = "$fa" ] &&
    [ "$qb" = "$qa" ] && [[ $v14 == *"failed=1 "* ]] && [[ $rec14 == *"flags=0x0" ]] && ok=1
  result 14 "a REVERTED report handled by the server, its answer lost: sent again on the next boot (204), counted once (lastSeq $qb, finished $fb, $v14)" \
    $ok "exits $a/$b/$c/$d, states $sa/$sb, lastSeq $qa/$qb, finishedAt $fa/$fb, rollout $v14, $rec14"
  [ $ok = 1 ] || { show "$out/14c.log"; show "$out/14d.log"; }

  # ---------------------------------------------------------------- 12. 20 devices, groups 10/30/60 %, a failing image
  # Group 1 (2 devices) are QEMU devices; groups 2 and 3 (18) are mutual-TLS clients (curl with keys and CSRs made by
  # openssl, certificates issued by the admin API) that poll the device API as a device does.
  local cdir=$out/fleet clients=() i id csrs
  mkdir -p "$cdir"
  csrs=""
  for i in $(seq -w 1 18); do
    id=$run_id-c$i; clients+=("$id")
    admin POST admin/devices "{\"id\":\"$id\",\"name\":\"mTLS client $i\"}" > /dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$cdir/$id.key" -out "$cdir/$id.csr" \
      -subj "/CN=$id" 2>/dev/null
    csrs+=$(python3 -c 'import json,sys; print(json.dumps({"deviceId": sys.argv[1], "csr": open(sys.argv[2]).read()}))' "$id" "$cdir/$id.csr"),
  done
  admin POST admin/issuances "{\"requests\":[${csrs%,}]}" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["certificate"]:
        open(sys.argv[1] + "/" + r["deviceId"] + ".pem", "w").write(r["certificate"]["pem"])' "$cdir"
  # polls: the answers of the 18 clients to GET /api/v1/device/update, counted by HTTP status ("204x18")
  polls() {
    for id in "${clients[@]}"; do
      curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 --cacert "$data/pki/root-ca.pem" --cert "$cdir/$id.pem" --key "$cdir/$id.key" \
        -H 'Accept: application/vnd.devicetrust.offer' "https://localhost:$device_port/api/v1/device/update"
    done | sort | uniq -c | awk '{printf "%s%sx%s", (NR > 1 ? "," : ""), $2, $1}'
  }
  local rel12 r12 ids p0 p1 p2 p3 v1 v2 v3 e1 e2 e3 e4 e5 e6 e7 res
  rel12=$(payload_release $((v + 6)) "$out/trap.bin")
  ids=$(printf '"%s",' "$d12a" "$d12b" "${clients[@]}")
  r12=$(admin POST admin/rollouts "{\"releaseId\":$rel12,\"deviceIds\":[${ids%,}],\"groups\":[10,30,60],\"error\":{\"pct\":50,\"minExecuted\":1}}" | field id)
  admin POST "admin/rollouts/$r12/start" > /dev/null
  p0=$(polls)
  boot "$d12a" "$out/12a1.log"; e1=$?
  boot "$d12a" "$out/12a2.log"; e2=$?
  boot "$d12a" "$out/12a3.log"; e3=$?
  v1=$(rollout_of "$r12")
  boot "$d12b" "$out/12b1.log"; e4=$?
  p1=$(polls); v2=$(rollout_of "$r12")
  res=$(admin POST "admin/rollouts/$r12/resume" | field state)
  v3=$(rollout_of "$r12")
  boot "$d12b" "$out/12b2.log"; e5=$?
  boot "$d12b" "$out/12b3.log"; e6=$?
  boot "$d12b" "$out/12b4.log"; e7=$?
  p2=$(polls); p3=$(rollout_of "$r12")
  ok=0
  [ "$p0" = 204x18 ] && [ "$e1" = 10 ] && [ "$e2" = 3 ] && [ "$e3" = 0 ] && has "$out/12a3.log" "update report REVERTED: HTTP 204" &&
    [ "$v1" = "PAUSED THRESHOLD FAILED/SCHEDULED/SCHEDULED failed=1 offered=1" ] &&
    [ "$e4" = 0 ] && has "$out/12b1.log" "DEVICE: no update offered" && [ "$p1" = 204x18 ] && [ "$v2" = "$v1" ] &&
    [ "$res" = RUNNING ] && [ "$v3" = "RUNNING None RUNNING/SCHEDULED/SCHEDULED failed=1 offered=1" ] &&
    [ "$e5" = 10 ] && has "$out/12b2.log" "offered: app v$((v + 6))" && [ "$e6" = 3 ] && [ "$e7" = 0 ] &&
    has "$out/12b4.log" "update report REVERTED: HTTP 204" && [ "$p2" = 204x18 ] &&
    [ "$p3" = "PAUSED THRESHOLD FAILED/SCHEDULED/SCHEDULED failed=2 offered=2" ] && ok=1
  result 12 "20 devices in groups of 2/6/12 (group 1 QEMU, 18 mTLS clients), a trapping image: PAUSED by the threshold after 1 offer; after it the group-1 device and the 18 clients were offered nothing; resumed, group 1 ran again and the next failure paused it ($p3)" \
    $ok "polls $p0/$p1/$p2, exits $e1/$e2/$e3 $e4 $e5/$e6/$e7, rollout '$v1' / '$v2' / resume $res '$v3' / '$p3'"
  [ $ok = 1 ] || { show "$out/12a3.log"; show "$out/12b1.log"; show "$out/12b2.log"; }

  # ---------------------------------------------------------------- 13 (checked last: its timeout ran meanwhile)
  local deadline offered fin s v13 waited=0
  offered=$(execution "$r13" "$d13" offeredAt); deadline=$(execution "$r13" "$d13" deadline)
  while s=$(execution "$r13" "$d13" state); [ "$s" != TIMED_OUT ] && [ "$waited" -lt 100 ]; do sleep 5; waited=$((waited + 5)); done
  fin=$(execution "$r13" "$d13" finishedAt); v13=$(rollout_of "$r13")
  ok=0
  [ "$c13" = 137 ] && has "$out/13.log" "offered: app v$((v + 8))" && has "$out/13.log" "power cut as the device began request 4" &&
    [ "$s13" = OFFERED ] && [ "$s" = TIMED_OUT ] && [ -n "$fin" ] && [[ "$fin" > "$deadline" ]] &&
    [ "$v13" = "PAUSED THRESHOLD FAILED failed=1 offered=1" ] && ok=1
  result 13 "a device silent after the offer (power cut, never booted again): TIMED_OUT at $fin (offered $offered, deadline $deadline), counted: $v13" \
    $ok "exit $c13, state after the cut $s13, then $s, rollout '$v13'"
  [ $ok = 1 ] || show "$out/13.log"
}
fleet_scenarios > "$out/fleet.results" 2>&1 &
fleet_pid=$!

# ---------------------------------------------------------------- 1 + 11. happy path, a report that fails after the commit
r1=$(rollout "$rel" "$d1")
boot "$d1" "$out/1a.log"; c1=$?; s1=$(execution "$r1" "$d1" state)
boot "$d1" "$out/1b.log"; c2=$?; s2=$(execution "$r1" "$d1" state); e2=$(counter "$d1")
boot "$d1" "$out/1c.log" --port "$(free_port)"; c3=$?; s3=$(execution "$r1" "$d1" state)
boot "$d1" "$out/1d.log"; c4=$?; s4=$(execution "$r1" "$d1" state); n1=$(execution "$r1" "$d1" chunkRequests)
e4=$(counter "$d1"); rec=$(record "$d1")
ok=0
[ "$c1" = 10 ] && has "$out/1a.log" "update verified and installed" && [ "$(running "$out/1a.log")" = 3 ] && [ "$s1" = INSTALLING ] &&
  [ "$c2" = 10 ] && [ "$(running "$out/1b.log")" = "$v" ] && has "$out/1b.log" "trial boot passed its self-test" && [ "$s2" = INSTALLING ] &&
  [ "$c3" = 14 ] && [ "$(running "$out/1c.log")" = "$v" ] && [ "$s3" = INSTALLING ] &&
  [ "$c4" = 0 ] && [ "$(running "$out/1d.log")" = "$v" ] && has "$out/1d.log" "update report SUCCEEDED: HTTP 204" && [ "$s4" = SUCCEEDED ] &&
  [ "$n1" = "$chunks" ] && [ "$e2" = 2 ] && [ "$e4" = 3 ] && [[ $rec == *"active=1 pending=- state=NONE"*"flags=0x0" ]] && ok=1
result 1 "v3 -> v$v: download ($n1 chunks), trial boot, confirm, eFuse counter 2 -> $e4 only after the confirmation; SUCCEEDED only from the confirmed image; a failed report stays owed, no rollback" \
  $ok "exits $c1/$c2/$c3/$c4, server states $s1/$s2/$s3/$s4, chunks $n1 of $chunks, counter $e2/$e4, $rec"
[ $ok = 1 ] || { show "$out/1a.log"; show "$out/1b.log"; show "$out/1d.log"; }

# ---------------------------------------------------------------- 2. power cuts at about 30 % and 70 % of the download
r2=$(rollout "$rel" "$d2")
boot "$d2" "$out/2a.log" --cut-after $((image_len * 30 / 100)); c1=$?
boot "$d2" "$out/2b.log" --cut-after $((image_len * 40 / 100)); c2=$?
boot "$d2" "$out/2c.log"; c3=$?
boot "$d2" "$out/2d.log" --runs 2; c4=$?
at1=$(resumes_at "$out/2b.log"); at2=$(resumes_at "$out/2c.log")
n2=$(execution "$r2" "$d2" chunkRequests); s=$(execution "$r2" "$d2" state)
ok=0
[ "$c1" = 137 ] && [ "$c2" = 137 ] && [ "$c3" = 10 ] && [ "$c4" = 0 ] && [ "${at1:-0}" -gt 0 ] && [ "${at2:-0}" -gt "${at1:-0}" ] &&
  [ $((at1 % 4096)) = 0 ] && [ "$n2" -le $((chunks + 2)) ] && [ "$s" = SUCCEEDED ] && [ "$(running "$out/2d.log")" = "$v" ] && ok=1
result 2 "power cut at 30 % and 70 %: resumed at bytes $at1 and $at2, $n2 chunk requests for $chunks chunks, SUCCEEDED" \
  $ok "exits $c1/$c2/$c3/$c4, resumed at '$at1' '$at2', state $s"
[ $ok = 1 ] || { show "$out/2b.log"; show "$out/2c.log"; }

# ---------------------------------------------------------------- 3. the connection drops mid-chunk
r3=$(rollout "$rel" "$d3")
boot "$d3" "$out/3a.log" --close-after $((image_len / 2 + 1000)); c1=$?
boot "$d3" "$out/3b.log"; c2=$?
at=$(resumes_at "$out/3b.log"); s=$(execution "$r3" "$d3" state)
ok=0
[ "$c1" = 14 ] && has "$out/3a.log" "update download stopped" && [ "$c2" = 10 ] && [ "${at:-0}" -gt 0 ] &&
  has "$out/3b.log" "update verified and installed" && [ "$s" = INSTALLING ] && ok=1
result 3 "connection dropped mid-chunk: exit 14, the next boot resumes at byte $at and installs" $ok "exits $c1/$c2, state $s"
[ $ok = 1 ] || { show "$out/3a.log"; show "$out/3b.log"; }

# ---------------------------------------------------------------- 4. the release replaced during the download
r4=$(rollout "$rel" "$d4")
boot "$d4" "$out/4a.log" --cut-after $((image_len * 30 / 100)); c1=$?
admin POST "admin/rollouts/$r4/stop" > /dev/null
s4=$(execution "$r4" "$d4" state)
rel2=$(release $((v + 2)) 3)
r4b=$(rollout "$rel2" "$d4")
boot "$d4" "$out/4b.log"; c2=$?
boot "$d4" "$out/4c.log" --runs 2; c3=$?
n=$(execution "$r4b" "$d4" chunkRequests); s=$(execution "$r4b" "$d4" state)
ok=0
[ "$c1" = 137 ] && [ "$s4" = CANCELED ] && [ "$c2" = 10 ] && has "$out/4b.log" "offered: app v$((v + 2))" &&
  [ -z "$(resumes_at "$out/4b.log")" ] && [ "$n" = "$chunks" ] && [ "$c3" = 0 ] &&
  [ "$(running "$out/4c.log")" = $((v + 2)) ] && [ "$s" = SUCCEEDED ] && ok=1
result 4 "rollout stopped at 30 % (update $s4), another release rolled out: downloaded from byte 0 ($n chunks), SUCCEEDED" $ok \
  "exits $c1/$c2/$c3, first update $s4, second $s, chunks $n of $chunks"
[ $ok = 1 ] || { show "$out/4a.log"; show "$out/4b.log"; }

# ---------------------------------------------------------------- 6/7. below the eFuse counter: refused before one payload byte
rel1=$(release $((v + 1)) 1)
r6=$(rollout "$rel1" "$d6")
boot "$d6" "$out/6.log"; c=$?
n=$(execution "$r6" "$d6" chunkRequests); s=$(execution "$r6" "$d6" state)
ok=0
[ "$c" = 0 ] && has "$out/6.log" "update REJECTED before download" && has "$out/6.log" "update report REJECTED: HTTP 204" &&
  [ "$n" = 0 ] && [ "$s" = REJECTED ] && [ "$(running "$out/6.log")" = 3 ] && ok=1
result 6 "security version 1 under the device's counter 2: REJECTED before the download, $n chunk requests" $ok \
  "exit $c, chunks '$n', state $s"
[ $ok = 1 ] || show "$out/6.log"

# ---------------------------------------------------------------- 7. below the counter the device reported: never offered
# Device 1 reported its counter 3 with scenario 1's SUCCEEDED: the server keeps the release of security version 1
# from it altogether, ending the update REJECTED with the device's own code for it (-13, FW_ERR_ROLLBACK).
r7=$(rollout "$rel1" "$d1")
boot "$d1" "$out/7.log"; c=$?
n=$(execution "$r7" "$d1" chunkRequests); s=$(execution "$r7" "$d1" state); code=$(execution "$r7" "$d1" lastCode)
ok=0
[ "$c" = 0 ] && has "$out/7.log" "DEVICE: no update offered" && [ "$n" = 0 ] && [ "$s" = REJECTED ] && [ "$code" = -13 ] &&
  [ "$(running "$out/7.log")" = "$v" ] && [ "$(counter "$d1")" = 3 ] && ok=1
result 7 "security version 1 under the counter 3 device 1 reported: not offered, REJECTED by the server (code $code), $n chunk requests" $ok \
  "exit $c, chunks '$n', state $s, code '$code'"
[ $ok = 1 ] || show "$out/7.log"

# ---------------------------------------------------------------- 8. the trial's self-test fails: back to v3, REVERTED
r8=$(rollout "$rel" "$d8")
boot "$d8" "$out/8a.log"; c1=$?
admin POST "admin/devices/$d8/status" '{"status":"SUSPENDED"}' > /dev/null
boot "$d8" "$out/8b.log"; c2=$?
admin POST "admin/devices/$d8/status" '{"status":"ACTIVE"}' > /dev/null
boot "$d8" "$out/8c.log"; c3=$?
s=$(execution "$r8" "$d8" state); e=$(counter "$d8")
ok=0
[ "$c1" = 10 ] && [ "$c2" = 13 ] && [ "$(running "$out/8b.log")" = "$v" ] && has "$out/8b.log" "trial boot failed its self-test" &&
  [ "$c3" = 0 ] && [ "$(running "$out/8c.log")" = 3 ] && has "$out/8c.log" "update report REVERTED: HTTP 204" && [ "$s" = REVERTED ] && [ "$e" = 2 ] && ok=1
result 8 "trial refused by the backend (device suspended): the next boot runs v3 again, reports REVERTED, eFuse counter stays $e" $ok \
  "exits $c1/$c2/$c3, state $s, counter $e"
[ $ok = 1 ] || { show "$out/8b.log"; show "$out/8c.log"; }

# ---------------------------------------------------------------- 9. the new image traps, then one that hangs
# Signed, valid images whose code is one instruction: an illegal one (the CPU traps: exit 3) and a jump to itself
# (the run times out: 124). Neither can confirm its trial, so the bootloader's next boot returns to v3.
printf '\x6f\x00\x00\x00\x6f\x00\x00\x00\x6f\x00\x00\x00\x6f\x00\x00\x00' > "$out/hang.bin"
rel_trap=$(payload_release $((v + 4)) "$out/trap.bin")
rel_hang=$(payload_release $((v + 5)) "$out/hang.bin")
r9=$(rollout "$rel_trap" "$d9")
boot "$d9" "$out/9a.log"; c1=$?
boot "$d9" "$out/9b.log"; c2=$?
boot "$d9" "$out/9c.log"; c3=$?
s1=$(execution "$r9" "$d9" state)
r9b=$(rollout "$rel_hang" "$d9")
boot "$d9" "$out/9d.log"; c4=$?
DEVICETRUST_DEVICE_TIMEOUT=40 boot "$d9" "$out/9e.log"; c5=$?
boot "$d9" "$out/9f.log"; c6=$?
s2=$(execution "$r9b" "$d9" state)
ok=0
[ "$c1" = 10 ] && [ "$c2" = 3 ] && [ "$c3" = 0 ] && [ "$(running "$out/9c.log")" = 3 ] && [ "$s1" = REVERTED ] &&
  [ "$c4" = 10 ] && [ "$c5" = 124 ] && [ "$c6" = 0 ] && [ "$(running "$out/9f.log")" = 3 ] && [ "$s2" = REVERTED ] &&
  has "$out/9f.log" "update report REVERTED: HTTP 204" && ok=1
result 9 "a trapping image (exit $c2) and a hanging one (exit $c5): the next boot runs v3 again and reports REVERTED" $ok \
  "exits $c1/$c2/$c3 then $c4/$c5/$c6, states $s1/$s2"
[ $ok = 1 ] || { show "$out/9b.log"; show "$out/9c.log"; show "$out/9e.log"; show "$out/9f.log"; }

wait "$hostile_pid" "$fleet_pid"
for f in hostile fleet; do
  cat "$out/$f.results"
  passed=$((passed + $(grep -c '^PASS' "$out/$f.results")))
  failed=$((failed + $(grep -c '^FAIL' "$out/$f.results")))
done
echo "ota: $passed passed, $failed failed in $((SECONDS)) s"
[ "$failed" = 0 ] && [ "$passed" = "$total" ]
