#!/usr/bin/env bash
# k8s-down.sh - stop the cluster of .ci/k8s-up.sh: the kubelet, every pod container it made, the
# scheduler, controller-manager, apiserver and etcd; then remove the runtime state (certificates,
# etcd data, logs). Idempotent. The build cache and the pause image stay, so the next k8s-up.sh
# takes about 20 s; --purge removes them too (and the deb-src entry k8s-up.sh added).
set -uo pipefail

CACHE=${MP4J_K8S_CACHE:-/var/cache/multiprocessing4j/k8s}
STATE=${MP4J_K8S_STATE:-/var/lib/multiprocessing4j/k8s}
RUN=$STATE/run
PAUSE_IMAGE=multiprocessing4j/pause:3.2
PURGE=0
case "${1:-}" in
  "") ;;
  --purge) PURGE=1 ;;
  *) echo "k8s-down: ERROR: unknown argument '$1' (usage: k8s-down.sh [--purge])" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "k8s-down: ERROR: run as root" >&2; exit 1; }
t0=$SECONDS; did=()

ours() { # pid name: a live process running that program, from our binaries or on our state
  local cmd
  kill -0 "$1" 2>/dev/null || return 1
  cmd=$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}
stop() { # name: by its pid file; TERM, then KILL after 15 s
  local name=$1 pid i
  [ -f "$RUN/$name.pid" ] || return 0
  pid=$(cat "$RUN/$name.pid")
  if ours "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 75; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null && did+=("killed $name after 15 s") || did+=("stopped $name")
  fi
  rm -f "$RUN/$name.pid"
}

# The second node of k8s-node2.sh, if it was brought up: its kubelet and its own dockerd.
if [ -d "$STATE/node2" ] || [ -e /run/mp4j-k8s-node2 ]; then
  bash "$(dirname "$0")/k8s-node2.sh" down 2>/dev/null && did+=("removed node localhost2")
fi
# The kubelet first, so that it does not start again the containers removed next.
stop kubelet
if docker info >/dev/null 2>&1; then
  # dockershim labels every container of a pod (sandbox included) with the pod's uid.
  ids=$(docker ps -aq --filter label=io.kubernetes.pod.uid)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null && did+=("removed $(echo $ids | wc -w) pod containers")
  fi
  [ $PURGE = 0 ] || { docker rmi "$PAUSE_IMAGE" >/dev/null 2>&1 && did+=("removed image $PAUSE_IMAGE"); }
fi
for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done

if [ -d "$STATE" ]; then
  # Pods' secret and projected volumes are tmpfs mounts under the kubelet's root dir.
  grep -o " $STATE/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
  rm -rf "$STATE" && did+=("removed $STATE")
fi
# Paths kubelet 1.20 uses whatever its --root-dir: pod logs and the device-plugin directory.
rm -rf /var/log/pods /var/log/containers /var/lib/kubelet/device-plugins
rmdir /var/lib/kubelet 2>/dev/null
# The kubelet's pod cgroups (cgroupfs driver), empty once their containers are gone.
for d in /sys/fs/cgroup/*/kubepods; do
  [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
done
if [ $PURGE = 1 ]; then
  [ -d "$CACHE" ] && rm -rf "$CACHE" && did+=("removed $CACHE")
  rm -f /etc/apt/sources.list.d/multiprocessing4j-src.sources /etc/apt/sources.list.d/multiprocessing4j-src.list
fi
[ ${#did[@]} -gt 0 ] || did=("nothing was running")
echo "k8s-down: $(IFS=';'; echo "${did[*]}") ($((SECONDS - t0))s)"
