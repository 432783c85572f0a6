#!/usr/bin/env bash
# docker-up.sh - make sure a Docker engine answers on /var/run/docker.sock.
#   * installs Debian's docker.io (and debootstrap) if dockerd is missing;
#   * starts dockerd in the background (log: $MP4J_DOCKERD_LOG) if the engine
#     does not answer, retrying without the default bridge if that start fails;
#   * idempotent: does nothing when the engine already answers.
# Run as root (the CI machine is). Prints one line saying what it did.
set -euo pipefail

LOG=${MP4J_DOCKERD_LOG:-/var/log/dockerd-mp4j.log}
SOCK=/var/run/docker.sock
DEADLINE=${MP4J_DOCKERD_TIMEOUT:-60}
# The engine in Debian 12 speaks API 1.41; the client in /usr/local/bin
# negotiates down to it, /usr/bin/docker (docker.io) matches it exactly.
engine_up() { docker -H "unix://$SOCK" info >/dev/null 2>&1; }
t0=$SECONDS; did=()

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  pkgs=(); command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || pkgs+=(debootstrap)
  out=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } >"$out" 2>&1; then
    echo "docker-up: ERROR: apt-get install ${pkgs[*]} failed:" >&2; tail -n 30 "$out" >&2; exit 1
  fi
  rm -f "$out"
  did+=("installed ${pkgs[*]}")
fi

DPID=
start_dockerd() {   # $@: extra dockerd flags; sets DPID
  setsid nohup dockerd --host "unix://$SOCK" "$@" >>"$LOG" 2>&1 </dev/null &
  DPID=$!
  local end=$((SECONDS + DEADLINE))
  while [ $SECONDS -lt $end ]; do
    engine_up && return 0
    kill -0 "$DPID" 2>/dev/null || return 1   # it died: no point waiting
    sleep 0.5
  done
  return 1
}

if ! engine_up; then
  if start_dockerd; then
    did+=("started dockerd")
  else
    echo "docker-up: normal dockerd start failed; retrying with --bridge=none --iptables=false" >&2
    tail -n 15 "$LOG" >&2 || true
    if kill "$DPID" 2>/dev/null; then   # ours, hung: stop it before retrying
      for _ in $(seq 20); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.5; done
    fi
    if start_dockerd --bridge=none --iptables=false; then
      did+=("started dockerd (--bridge=none --iptables=false)")
    else
      echo "docker-up: ERROR: Docker engine did not come up within ${DEADLINE}s; tail of $LOG:" >&2
      tail -n 40 "$LOG" >&2 || true
      exit 1
    fi
  fi
fi

[ ${#did[@]} -gt 0 ] || did=("engine already running")
echo "docker-up: $(IFS=';'; echo "${did[*]}") ($((SECONDS - t0))s, engine API $(docker version -f '{{.Server.APIVersion}}'))"
