#!/usr/bin/env bash
# k8s-check.sh - prove that the cluster of .ci/k8s-up.sh really runs pods, through the REST API
# alone (curl with the admin certificate; no kubectl), as the launcher will use it:
#   1. a hostNetwork pod runs `java -version` from multiprocessing4j/jre:17 (imagePullPolicy
#      Never) and reaches Succeeded with exit code 0; its log, read through the apiserver and the
#      kubelet, says "openjdk version" (run $MP4J_K8S_CHECK_RUNS times, default 3, each timed);
#   2. a pod whose container runs `exit 3` ends Failed with exit code 3 in its terminated state;
#   3. a graceful delete of a Running pod delivers SIGTERM: the container's TERM trap runs within
#      10 s, long before the grace period (20 s) would have ended in SIGKILL;
#   4. a Job whose pod exits 0, with ttlSecondsAfterFinished 0, is deleted with its pod within
#      30 s (the TTLAfterFinished gate the launcher relies on for SPEC R3).
# Everything it makes carries the label mp4j-check and is deleted before it exits.
# Exit 0 and the last line "4 passed, 0 failed" when all hold.
set -uo pipefail

STATE=${MP4J_K8S_STATE:-/var/lib/multiprocessing4j/k8s}
PKI=$STATE/pki
API=https://127.0.0.1:6443
NS=default
IMAGE=${MP4J_JRE_IMAGE:-multiprocessing4j/jre:17}
RUNS=${MP4J_K8S_CHECK_RUNS:-3}
TAG=mp4j-check-$$
[ -f "$PKI/admin.crt" ] || { echo "k8s-check: ERROR: no cluster state in $STATE: run .ci/k8s-up.sh first" >&2; exit 1; }

api() { # method path [json body]: prints the response body
  curl -sS --max-time 10 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "$API$2"
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }
pass=0; failed=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; failed=$((failed + 1)); }
pod() { api GET "/api/v1/namespaces/$NS/pods/$1"; }
pod_field() { pod "$1" | jq -r "$2 // empty" 2>/dev/null; }
wait_for() { # seconds command...: poll every 0.1 s until the command succeeds
  local end=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.1
  done
}
phase_in() { [[ $(pod_field "$1" .status.phase) =~ ^($2)$ ]]; }
terminated() { [ -n "$(pod_field "$1" '.status.containerStatuses[0].state.terminated.exitCode')" ]; }
pod_spec() { # name command-json [extra spec json [extra container json]]: a pod as the launcher makes them
  local extra=${3:-} extra_container=${4:-}
  [ -n "$extra" ] || extra='{}'; [ -n "$extra_container" ] || extra_container='{}'
  jq -nc --arg name "$1" --arg tag "$TAG" --arg image "$IMAGE" --argjson cmd "$2" \
         --argjson extra "$extra" --argjson extra_container "$extra_container" '
    {apiVersion: "v1", kind: "Pod",
     metadata: {name: $name, labels: {"mp4j-check": $tag}},
     spec: ({restartPolicy: "Never", hostNetwork: true, automountServiceAccountToken: false,
             terminationGracePeriodSeconds: 5,
             containers: [{name: "main", image: $image, imagePullPolicy: "Never", command: $cmd} + $extra_container]}
            + $extra)}'
}
create() { # name command-json [extra spec json [extra container json]]: prints the HTTP status
  curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" \
    --key "$PKI/admin.key" -X POST -H 'Content-Type: application/json' \
    --data "$(pod_spec "$@")" "$API/api/v1/namespaces/$NS/pods"
}
cleanup() {
  api DELETE "/apis/batch/v1/namespaces/$NS/jobs?labelSelector=mp4j-check%3D$TAG&propagationPolicy=Background" >/dev/null 2>&1
  api DELETE "/api/v1/namespaces/$NS/pods?labelSelector=mp4j-check%3D$TAG&gracePeriodSeconds=0" >/dev/null 2>&1
}
none_left() {
  [ "$(api GET "/api/v1/namespaces/$NS/pods?labelSelector=mp4j-check%3D$TAG" | jq '.items | length')" = 0 ] &&
  [ "$(api GET "/apis/batch/v1/namespaces/$NS/jobs?labelSelector=mp4j-check%3D$TAG" | jq '.items | length')" = 0 ]
}
trap cleanup EXIT

# ---- 1. java -version, timed from the POST to phase Succeeded
times=(); problem=
for ((r = 1; r <= RUNS; r++)); do
  name=$TAG-java-$r; t0=$(now)
  code=$(create "$name" '["java","-version"]')
  wait_for 120 phase_in "$name" 'Succeeded|Failed'; took=$(since "$t0")
  phase=$(pod_field "$name" .status.phase)
  exit_code=$(pod_field "$name" '.status.containerStatuses[0].state.terminated.exitCode')
  log=$(api GET "/api/v1/namespaces/$NS/pods/$name/log" | head -1)
  echo "  run $r: POST $code, phase ${phase:-none}, exit code ${exit_code:-none}, ${took}s POST->end, log: $log"
  if [ "$code" != 201 ] || [ "$phase" != Succeeded ] || [ "$exit_code" != 0 ] || [[ $log != *"openjdk version"* ]]; then
    problem="run $r: POST $code, phase ${phase:-none}, exit code ${exit_code:-none}"; break
  fi
  times+=("$took")
  api DELETE "/api/v1/namespaces/$NS/pods/$name?gracePeriodSeconds=0" >/dev/null
done
[ -z "$problem" ] && ok "java -version pod: Succeeded, exit code 0, log 'openjdk version' (POST->Succeeded: ${times[*]} s)" \
                  || ko "java -version pod: $problem"

# ---- 2. exit 3
name=$TAG-exit-3
code=$(create "$name" '["sh","-c","exit 3"]')
wait_for 60 phase_in "$name" 'Succeeded|Failed'
phase=$(pod_field "$name" .status.phase); exit_code=$(pod_field "$name" '.status.containerStatuses[0].state.terminated.exitCode')
[ "$code" = 201 ] && [ "$phase" = Failed ] && [ "$exit_code" = 3 ] \
  && ok "exit 3 pod: phase Failed, terminated exit code 3" || ko "exit 3 pod: POST $code, phase ${phase:-none}, exit code ${exit_code:-none}"

# ---- 3. SIGTERM on a graceful delete (grace 20 s): the container's TERM trap writes a file on a
# hostPath volume within 10 s, long before the grace period would have ended in SIGKILL. What the pod's status
# then says is printed, not asserted: kubelet 1.20 may remove the dead container before it reports
# it, and then reports "ContainerStatusUnknown" (137) in lastState instead of the trap's exit 42.
name=$TAG-sigterm; mark=$(mktemp -d /tmp/mp4j-k8s-check.XXXXXX)
code=$(create "$name" '["sh","-c","trap \"echo got-SIGTERM > /mark/term; exit 42\" TERM; echo started > /mark/started; sleep 1000 & wait $!"]' \
       "{\"terminationGracePeriodSeconds\": 20, \"volumes\": [{\"name\": \"mark\", \"hostPath\": {\"path\": \"$mark\"}}]}" \
       '{"volumeMounts": [{"name": "mark", "mountPath": "/mark"}]}')
# Deleted before the kubelet reported it Running, a pod may keep running until its next periodic
# sync (kubelet 1.20; k8s-up.sh sets syncFrequency 3s): wait for Running, as a launcher would.
running() { [ -f "$mark/started" ] && phase_in "$name" Running; }
got_term() { [ "$(cat "$mark/term" 2>/dev/null)" = got-SIGTERM ]; }
reported() { # the kubelet's last word on the container: terminated, or lastState after removal
  pod "$name" | jq -r '.status.containerStatuses[0] |
    if .state.terminated then "terminated \(.state.terminated.exitCode) \(.state.terminated.reason)"
    elif .lastState.terminated then "lastState \(.lastState.terminated.exitCode) \(.lastState.terminated.reason)"
    else empty end' 2>/dev/null; }
has_report() { [ -n "$(reported)" ]; }
pod_gone() { pod "$name" | jq -e '.code == 404' >/dev/null 2>&1; }
if [ "$code" = 201 ] && wait_for 60 running; then
  t0=$(now)
  api DELETE "/api/v1/namespaces/$NS/pods/$name" '{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":20}' >/dev/null
  wait_for 10 got_term; took=$(since "$t0")
  wait_for 15 has_report; status=$(reported)
  wait_for 60 pod_gone
  gone=$(since "$t0")
  got_term && ok "graceful delete: SIGTERM trapped ${took}s after the delete; status said '${status:-nothing}'; pod object gone after ${gone}s" \
           || ko "graceful delete: no SIGTERM seen within ${took}s (status: ${status:-nothing})"
else
  ko "graceful delete: the pod did not start (POST $code)"
fi
rm -rf "$mark"

# ---- 4. a finished Job with ttlSecondsAfterFinished 0 goes away with its pod
name=$TAG-ttl
job=$(jq -nc --arg name "$name" --arg tag "$TAG" --argjson pod "$(pod_spec x '["sh","-c","exit 0"]')" '
  {apiVersion: "batch/v1", kind: "Job", metadata: {name: $name, labels: {"mp4j-check": $tag}},
   spec: {ttlSecondsAfterFinished: 0, backoffLimit: 0,
          template: {metadata: {labels: {"mp4j-check": $tag}}, spec: $pod.spec}}}')
t0=$(now)
code=$(api POST "/apis/batch/v1/namespaces/$NS/jobs" "$job" | jq -r '.metadata.uid // .message')
job_gone() { api GET "/apis/batch/v1/namespaces/$NS/jobs/$name" | jq -e '.code == 404' >/dev/null; }
pods_gone() { [ "$(api GET "/api/v1/namespaces/$NS/pods?labelSelector=job-name%3D$name" | jq '.items | length')" = 0 ]; }
seen_pod=0
saw_pod() { [ "$(api GET "/api/v1/namespaces/$NS/pods?labelSelector=job-name%3D$name" | jq '.items | length')" != 0 ]; }
wait_for 60 saw_pod && seen_pod=1
if wait_for 30 job_gone; then
  job_took=$(since "$t0")
  if wait_for 30 pods_gone; then
    ok "TTL job: its pod ran ($seen_pod), the job was gone ${job_took}s and its pod $(since "$t0")s after the POST"
  else ko "TTL job: the job went after ${job_took}s but its pod was still there 30 s later"; fi
else
  ko "TTL job: still there $(since "$t0")s after the POST (uid/message: $code; is the TTLAfterFinished gate on?)"
fi

cleanup
wait_for 60 none_left || ko "objects labelled mp4j-check=$TAG still there 60 s after the delete"
trap - EXIT
echo "$pass passed, $failed failed"
[ $failed = 0 ]
