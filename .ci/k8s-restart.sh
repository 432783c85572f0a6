#!/usr/bin/env bash
# k8s-restart.sh - restart one part of the cluster of .ci/k8s-up.sh while it is in use, for tests of
# what a client sees then (the reliability suite's "API server restarting in the middle of a run").
#
#   bash .ci/k8s-restart.sh apiserver|kubelet [--kill]
#
# Stops the process (SIGTERM, as a service manager does, and SIGKILL if it still runs 15 s later;
# --kill: SIGKILL at once, as a crash), waits until it is gone, then runs k8s-up.sh, which starts it again and returns once the cluster is healthy
# (API ready, node Ready). Pods keep running through both: their containers belong to dockerd.
# Prints one line: what it did and how long the part was down. Exit 1 with the reason otherwise.
set -euo pipefail
cd "$(dirname "$0")"

STATE=${MP4J_K8S_STATE:-/var/lib/multiprocessing4j/k8s}
RUN=$STATE/run
case "${1:-}" in
  apiserver) name=kube-apiserver ;;
  kubelet) name=kubelet ;;
  *) echo "k8s-restart: ERROR: usage: k8s-restart.sh apiserver|kubelet [--kill]" >&2; exit 2 ;;
esac
signal=TERM
case "${2:-}" in "") ;; --kill) signal=KILL ;; *) echo "k8s-restart: ERROR: unknown option '$2'" >&2; exit 2 ;; esac

pid=$(cat "$RUN/$name.pid" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "$name"; then
  echo "k8s-restart: ERROR: $name is not running (no live pid in $RUN/$name.pid): run .ci/k8s-up.sh" >&2; exit 1
fi
t0=$(date +%s.%N)
kill "-$signal" "$pid"
# kube-apiserver's graceful shutdown waits for requests in flight and can hang while clients hold
# streams open (seen: still running 80 s after SIGTERM): after 15 s it gets SIGKILL, as a service
# manager would do.
for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL "$pid"; signal="$signal, then SIGKILL after 15 s,"
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
t1=$(date +%s.%N)
out=$(mktemp)
if ! bash ./k8s-up.sh >/dev/null 2>"$out"; then cat "$out" >&2; rm -f "$out"; exit 1; fi
rm -f "$out"
t2=$(date +%s.%N)
awk -v n="$name" -v s="$signal" -v a="$t0" -v b="$t1" -v c="$t2" -v p="$(cat "$RUN/$name.pid")" \
  'BEGIN { printf "k8s-restart: %s stopped by SIG%s in %.1fs, back and healthy %.1fs later (down %.1fs, new pid %s)\n", n, s, b - a, c - b, c - a, p }'
