#!/usr/bin/env bash
# k8s-node2.sh - a second node for the cluster of .ci/k8s-up.sh, on this same machine, so that a
# Pool's workers can be spread over two nodes. Opt-in: CI does not run it.
#
#   bash .ci/k8s-node2.sh up     # after k8s-up.sh; idempotent
#   bash .ci/k8s-node2.sh down   # removes the node, its pods and its dockerd (k8s-down.sh calls it)
#
# Node `localhost2` is a second kubelet with its own dockerd: two kubelets on one dockerd would
# each kill the other's pod containers as orphans. Its dockerd has its own socket, data and exec
# roots and its own bridge (mp4j-node2-br, no NAT: pods on this node should use hostNetwork, as the
# launcher's do); the JRE and pause images are copied into it. The kubelet has its own ports (10350 API, 10348 healthz), root
# dir and cgroup root (/mp4j-node2, so that neither kubelet removes the other's pod cgroups).
# The API server reaches a kubelet by its node's host name, so /etc/hosts gets
# "127.0.0.1 localhost2" (with a marker; `down` removes it).
set -euo pipefail

CACHE=${MP4J_K8S_CACHE:-/var/cache/multiprocessing4j/k8s}
STATE=${MP4J_K8S_STATE:-/var/lib/multiprocessing4j/k8s}
BIN=$CACHE/bin
PKI=$STATE/pki
NODE=localhost2
DIR=$STATE/node2
RUN=$DIR/run
LOGS=$DIR/log
DOCKER_DATA=$CACHE/node2-docker        # images survive a `down`: copying them in takes a while
DOCKER_EXEC=/run/mp4j-k8s-node2
SOCK=$DOCKER_EXEC/docker.sock
DOCKER2=(docker -H "unix://$SOCK")
BRIDGE=mp4j-node2-br
API=https://127.0.0.1:6443
CGROUP_ROOT=mp4j-node2
HOSTS_MARK="# multiprocessing4j k8s node2"
IMAGES="${MP4J_JRE_IMAGE:-multiprocessing4j/jre:17} multiprocessing4j/pause:3.2"

T0=$(date +%s.%N)
say() { printf 'k8s-node2 [%5.1fs] %s\n' "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*" >&2; }
fail() {
  echo "k8s-node2: ERROR: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then echo "k8s-node2: last lines of $2:" >&2; tail -n 25 "$2" | sed 's/^/  | /' >&2; fi
  exit 1
}
alive() { # name
  local pid
  [ -f "$RUN/$1.pid" ] || return 1
  pid=$(cat "$RUN/$1.pid")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$1"
}
stop() { # name [seconds before KILL]
  local pid i
  alive "$1" || { rm -f "$RUN/$1.pid"; return 0; }
  pid=$(cat "$RUN/$1.pid"); kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < ${2:-15} * 5; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$1.pid"
}
curl_admin() { curl -sf --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
node_ready() {
  curl -sf --max-time 2 http://127.0.0.1:10348/healthz >/dev/null || return 1
  curl_admin "$API/api/v1/nodes/$NODE" | jq -e \
    '([.status.conditions[] | select(.type == "Ready") | .status] == ["True"]) and
     ([.spec.taints[]? | select(.key != "node.kubernetes.io/unschedulable")] | length == 0)' >/dev/null
}
wait_until() { # what seconds log command...
  local what=$1 secs=$2 log=$3 end; shift 3
  end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || fail "no $what within ${secs}s" "$log"
    sleep 0.2
  done
}

down() {
  stop kubelet
  if [ -S "$SOCK" ] && "${DOCKER2[@]}" info >/dev/null 2>&1; then
    ids=$("${DOCKER2[@]}" ps -aq --filter label=io.kubernetes.pod.uid)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || "${DOCKER2[@]}" rm -f $ids >/dev/null
  fi
  stop dockerd 60
  if [ -f "$PKI/admin.crt" ]; then curl_admin -X DELETE "$API/api/v1/nodes/$NODE" >/dev/null 2>&1 || true; fi
  if [ -d "$DIR" ]; then
    grep -o " $DIR/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
    rm -rf "$DIR"
  fi
  grep -o " $DOCKER_EXEC/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
  rm -rf "$DOCKER_EXEC"
  ! ip link show "$BRIDGE" >/dev/null 2>&1 || ip link del "$BRIDGE"
  if grep -q "$HOSTS_MARK" /etc/hosts; then
    # /etc/hosts may be a bind mount: rewrite it in place rather than replace it.
    grep -v "$HOSTS_MARK" /etc/hosts > /tmp/mp4j-hosts.$$ && cat /tmp/mp4j-hosts.$$ > /etc/hosts; rm -f /tmp/mp4j-hosts.$$
  fi
  for d in /sys/fs/cgroup/*/"$CGROUP_ROOT"; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  echo "k8s-node2: node $NODE removed" >&2
}

up() {
  [ -f "$BIN/.complete" ] && [ -f "$STATE/admin.kubeconfig" ] || fail "no cluster: run .ci/k8s-up.sh first"
  curl_admin "$API/readyz" >/dev/null || fail "the API server does not answer: run .ci/k8s-up.sh first"
  mkdir -p "$RUN" "$LOGS" "$DIR/kubelet" "$DOCKER_DATA" "$DOCKER_EXEC"

  # Its own dockerd (and with it its own containerd, which dockerd starts under its exec root), on
  # a bridge of its own that it may not create itself. Never --bridge=none: a dockerd started so
  # deletes the host's docker0, which the main dockerd's containers need (it did here once).
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add name "$BRIDGE" type bridge \
    || fail "could not create the bridge $BRIDGE for the second dockerd"
  if ! alive dockerd; then
    setsid dockerd --host "unix://$SOCK" --data-root "$DOCKER_DATA" --exec-root "$DOCKER_EXEC/exec" \
      --pidfile "$DOCKER_EXEC/docker.pid" --bridge="$BRIDGE" --iptables=false --ip-masq=false --ip-forward=false \
      >>"$LOGS/dockerd.log" 2>&1 </dev/null &
    echo $! > "$RUN/dockerd.pid"
  fi
  wait_until "second dockerd on $SOCK" 60 "$LOGS/dockerd.log" "${DOCKER2[@]}" info
  for image in $IMAGES; do
    if ! "${DOCKER2[@]}" image inspect "$image" >/dev/null 2>&1; then
      docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is missing from the main dockerd (.ci/build-jre-image.sh, .ci/k8s-up.sh)"
      say "copying $image into the second dockerd"
      docker save "$image" | "${DOCKER2[@]}" load >/dev/null || fail "could not copy $image into the second dockerd"
    fi
  done
  say "dockerd for $NODE up ($SOCK)"

  grep -q "$HOSTS_MARK" /etc/hosts || echo "127.0.0.1 $NODE $HOSTS_MARK" >> /etc/hosts
  for d in /sys/fs/cgroup/*/; do
    case "$d" in */unified/) continue ;; esac
    mkdir -p "$d$CGROUP_ROOT"
  done

  (
    umask 077
    sign() { # name CN O SANs|-
      [ -f "$PKI/$1.crt" ] && return 0
      openssl genrsa -out "$PKI/$1.key" 2048 2>/dev/null
      openssl req -new -key "$PKI/$1.key" -subj "$( [ "$3" = - ] && echo "/CN=$2" || echo "/O=$3/CN=$2")" -out "$PKI/$1.csr" 2>/dev/null
      { echo "basicConstraints=CA:FALSE"; echo "keyUsage=critical,digitalSignature,keyEncipherment"
        if [ "$4" = - ]; then echo "extendedKeyUsage=clientAuth"
        else echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$4"; fi; } > "$PKI/$1.ext"
      openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
        -days 3650 -sha256 -extfile "$PKI/$1.ext" -out "$PKI/$1.crt" 2>/dev/null || fail "openssl could not sign $1"
      rm -f "$PKI/$1.csr" "$PKI/$1.ext"
    }
    sign kubelet2-client "system:node:$NODE" system:nodes -
    sign kubelet2 "$NODE" - "DNS:$NODE,IP:127.0.0.1"
    cat > "$DIR/kubelet.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: multiprocessing4j
  cluster: {server: $API, certificate-authority: $PKI/ca.crt}
users:
- name: system:node:$NODE
  user: {client-certificate: $PKI/kubelet2-client.crt, client-key: $PKI/kubelet2-client.key}
contexts:
- name: multiprocessing4j
  context: {cluster: multiprocessing4j, user: "system:node:$NODE"}
current-context: multiprocessing4j
KC
  )
  # The first node's kubelet settings, but for its ports, certificate, cgroup root and dirs.
  sed -e 's/^port: 10250$/port: 10350/' -e 's/^healthzPort: 10248$/healthzPort: 10348/' \
      -e "s|^tlsCertFile: .*|tlsCertFile: $PKI/kubelet2.crt|" -e "s|^tlsPrivateKeyFile: .*|tlsPrivateKeyFile: $PKI/kubelet2.key|" \
      -e "s|^volumePluginDir: .*|volumePluginDir: $DIR/kubelet/volume-plugins|" \
      "$STATE/kubelet-config.yaml" > "$DIR/kubelet-config.yaml"
  echo "cgroupRoot: /$CGROUP_ROOT" >> "$DIR/kubelet-config.yaml"
  grep -q '^port: 10350$' "$DIR/kubelet-config.yaml" && grep -q '^healthzPort: 10348$' "$DIR/kubelet-config.yaml" \
    || fail "could not derive the second kubelet's config from $STATE/kubelet-config.yaml"
  if ! alive kubelet; then
    setsid "$BIN/kubelet" --config="$DIR/kubelet-config.yaml" --kubeconfig="$DIR/kubelet.kubeconfig" \
      --root-dir="$DIR/kubelet" --cert-dir="$DIR/kubelet/pki" \
      --experimental-dockershim-root-directory="$DIR/dockershim" \
      --hostname-override="$NODE" \
      --container-runtime=docker --docker-endpoint="unix://$SOCK" \
      --pod-infra-container-image=multiprocessing4j/pause:3.2 --v=1 \
      >>"$LOGS/kubelet.log" 2>&1 </dev/null &
    echo $! > "$RUN/kubelet.pid"
  fi
  wait_until "node $NODE Ready and untainted" 120 "$LOGS/kubelet.log" node_ready
  say "node $NODE Ready"
}

[ "$(id -u)" = 0 ] || fail "run as root"
case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: k8s-node2.sh up|down" >&2; exit 2 ;;
esac
