#!/usr/bin/env bash
# k8s-up.sh - a real single-node Kubernetes (v1.20.2) on this machine, for the tests of
# launcher-kubernetes. Offline: Kubernetes is built from Debian's `kubernetes` source package and
# its kubelet runs pods on the machine's dockerd through its built-in dockershim; no image is
# pulled from any registry. Everything listens on 127.0.0.1. Run as root, after .ci/docker-up.sh.
#
#   bash .ci/k8s-up.sh           bring the cluster up; idempotent (about 2 s when it is up and
#                                healthy). Progress goes to stderr; stdout is one line, the path
#                                of the kubeconfig to use: KUBECONFIG=$(bash .ci/k8s-up.sh)
#   bash .ci/k8s-up.sh --build   only make sure the binaries are built (the long cold step)
#
# Cache, kept between runs:  $MP4J_K8S_CACHE, default /var/cache/multiprocessing4j/k8s
#   bin/  the four server binaries, kubelet, kubectl (for humans only) and pause, complete when
#         bin/.complete exists; src/ the source tree and its Go build cache (only to rebuild).
# Runtime state:             $MP4J_K8S_STATE, default /var/lib/multiprocessing4j/k8s
#   pki/, *.kubeconfig, etcd/, kubelet/, log/ (one log per process), run/ (pid files).
# What runs, the ports and the timings: .ci/KUBERNETES.md. Stop it all: .ci/k8s-down.sh.
set -euo pipefail

CACHE=${MP4J_K8S_CACHE:-/var/cache/multiprocessing4j/k8s}
STATE=${MP4J_K8S_STATE:-/var/lib/multiprocessing4j/k8s}
BIN=$CACHE/bin
PKI=$STATE/pki
LOGS=$STATE/log
RUN=$STATE/run
NODE=localhost                     # the node's name: the apiserver reaches the kubelet through it
API=https://127.0.0.1:6443
ETCD=http://127.0.0.1:12379        # not 2379: never clash with a system etcd
ETCD_PEER=http://127.0.0.1:12380
PAUSE_IMAGE=multiprocessing4j/pause:3.2
# TTLAfterFinished is alpha in 1.20: with it, a finished Job that has ttlSecondsAfterFinished is
# deleted with its pods, which the launcher relies on to leave nothing behind a killed parent (R3).
FEATURES=TTLAfterFinished=true
BINARIES="kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl"
SRC_LIST=/etc/apt/sources.list.d/multiprocessing4j-src

T0=$(date +%s.%N)
say() { printf 'k8s-up [%5.1fs] %s\n' "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*" >&2; }
# One clear line, then the tail of the log that explains it.
fail() { # message [log file]
  echo "k8s-up: ERROR: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then echo "k8s-up: last lines of $2:" >&2; tail -n 25 "$2" | sed 's/^/  | /' >&2; fi
  exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (it installs Debian packages and runs a kubelet)"
mkdir -p "$CACHE"

# ------------------------------------------------------------------------------- packages
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
apt_updated=0
apt_update() { # at most once a run, and only when forced or when the lists are older than a day
  [ $apt_updated = 1 ] && return 0
  if [ "${1:-}" = force ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    apt-get update -q >>"$CACHE/apt.log" 2>&1 || fail "apt-get update failed" "$CACHE/apt.log"
  fi
  apt_updated=1
}
ensure_packages() { # package...
  local missing=() p own_policy=0
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} = 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  apt_update
  # etcd-server's maintainer script would start the system's etcd: a policy-rc.d that answers 101
  # keeps it stopped (ours runs on other ports and data). One that exists already is left alone.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$CACHE/apt.log" 2>&1; then
    [ $own_policy = 0 ] || rm -f /usr/sbin/policy-rc.d
    fail "apt-get install ${missing[*]} failed" "$CACHE/apt.log"
  fi
  [ $own_policy = 0 ] || rm -f /usr/sbin/policy-rc.d
}

# Source entries for `apt-get source`, made from this machine's own Debian entries (the same
# mirror, suites and keys), since machines here list binary packages only.
add_debian_sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$SRC_LIST.sources" ] || continue
    awk 'BEGIN { RS = "" }
      { n = split($0, line, "\n"); bin = 0; debian = 0; off = 0; out = ""
        for (i = 1; i <= n; i++) {
          if (line[i] ~ /^[ \t]*#/) continue
          if (line[i] ~ /^Types:/) { if ((" " line[i] " ") ~ / deb /) bin = 1; out = out "Types: deb-src\n"; continue }
          if (line[i] ~ /^Signed-By:.*debian-archive-keyring/) debian = 1
          if (line[i] ~ /^Enabled:[ \t]*[Nn]o/) off = 1
          out = out line[i] "\n"
        }
        if (bin && debian && !off) printf "%s\n", out }' "$f"
  done > "$SRC_LIST.sources.tmp"
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -v "^#" | sed -n 's/^deb\([ \t].*debian.*\)$/deb-src\1/p' > "$SRC_LIST.list.tmp" || true
  [ -s "$SRC_LIST.sources.tmp" ] || [ -s "$SRC_LIST.list.tmp" ] \
    || { rm -f "$SRC_LIST".*.tmp; fail "found no Debian archive in /etc/apt to fetch the kubernetes source package from"; }
  mv "$SRC_LIST.sources.tmp" "$SRC_LIST.sources"; mv "$SRC_LIST.list.tmp" "$SRC_LIST.list"
  [ -s "$SRC_LIST.sources" ] || rm -f "$SRC_LIST.sources"
  [ -s "$SRC_LIST.list" ] || rm -f "$SRC_LIST.list"
}

# ------------------------------------------------------------------------------- the binaries
build_binaries() {
  [ -f "$BIN/.complete" ] && return 0
  mkdir -p "$CACHE/src" "$BIN"
  ensure_packages golang-go jq rsync dpkg-dev make gcc libc6-dev golang-github-modern-go-reflect2-dev
  local src what="" b
  src=$(ls -d "$CACHE"/src/kubernetes-*/ 2>/dev/null | head -1 || true); src=${src%/}
  if [ -z "$src" ] || [ ! -d "$src/cmd" ]; then
    if ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package: kubernetes'; then
      add_debian_sources
      apt_updated=0; apt_update force
    fi
    rm -rf "$CACHE"/src/kubernetes[-_]*
    (cd "$CACHE/src" && apt-get source -q kubernetes) >"$CACHE/apt-source.log" 2>&1 \
      || fail "apt-get source kubernetes failed" "$CACHE/apt-source.log"
    src=$(ls -d "$CACHE"/src/kubernetes-*/ | head -1); src=${src%/}
    say "source: $(basename "$src")"
  fi
  # The build wants the tree in a GOPATH as k8s.io/kubernetes, as debian/rules lays it out.
  mkdir -p "$src/.go/src/k8s.io"
  [ -L "$src/.go/src/k8s.io/kubernetes" ] || ln -s ../../.. "$src/.go/src/k8s.io/kubernetes"
  # Root on these VMs lacks CAP_SYS_RESOURCE, so no process may lower its oom_score_adj and runc
  # fails to create any container that asks for a negative one. The kubelet asks -998 for every pod
  # sandbox and -997 for Guaranteed pods: both become 0 (its own -999 is set to 0 in its config).
  # Where the capability exists this only makes those containers less protected from the OOM killer.
  sed -i 's/^\(\s*defaultSandboxOOMAdj int = \)-998$/\10/' "$src/pkg/kubelet/dockershim/docker_sandbox.go"
  sed -i 's|^\(\s*\)return guaranteedOOMScoreAdj$|\1return 0 // multiprocessing4j: was guaranteedOOMScoreAdj (-997)|' "$src/pkg/kubelet/qos/policy.go"
  grep -q 'defaultSandboxOOMAdj int = 0$' "$src/pkg/kubelet/dockershim/docker_sandbox.go" \
    || fail "the oom_score_adj change to docker_sandbox.go did not apply (another kubernetes source?)"
  [ "$(grep -c 'return 0 // multiprocessing4j' "$src/pkg/kubelet/qos/policy.go")" = 2 ] \
    || fail "the oom_score_adj change to qos/policy.go did not apply (another kubernetes source?)"
  # Kubernetes 1.20 vendors reflect2 1.0.1, whose map iteration faults in programs built by Go 1.18
  # and later ("fatal error: fault" under reflect2.UnsafeMapType.UnsafeIterate: kube-apiserver died
  # so within seconds here). reflect2 1.0.2 fixes that, and Debian packages it: it replaces the
  # vendored copy (json-iterator calls the same API in both).
  local reflect2=/usr/share/gocode/src/github.com/modern-go/reflect2 vendored=$src/vendor/github.com/modern-go/reflect2
  [ -f "$reflect2/go_above_118.go" ] || fail "$reflect2 is not reflect2 1.0.2 or later (golang-github-modern-go-reflect2-dev)"
  if [ ! -f "$vendored/go_above_118.go" ]; then
    rm -f "$vendored"/*.go "$vendored"/*.s
    cp "$reflect2"/*.go "$reflect2"/*.s "$vendored/"
  fi
  say "building $BINARIES (cold: ~13 min on 2 idle cores; log $CACHE/build.log)"
  for b in $BINARIES; do what+="cmd/$b "; done
  (cd "$src" && env GOPATH="$src/.go" CGO_ENABLED=0 HOME=/root make WHAT="$what") >"$CACHE/build.log" 2>&1 \
    || fail "the kubernetes build failed" "$CACHE/build.log"
  for b in $BINARIES; do install -m 0755 "$src/_output/bin/$b" "$BIN/$b"; done
  # The pod sandbox ("pause") image, from the same source: nothing may come from a registry.
  gcc -Os -Wall -static -DVERSION=v3.2-multiprocessing4j -o "$BIN/pause" "$src/build/pause/linux/pause.c" \
    >>"$CACHE/build.log" 2>&1 || fail "building pause failed" "$CACHE/build.log"
  strip "$BIN/pause"
  basename "$src" > "$BIN/.complete"
  say "build done"
}

build_binaries
if [ "${1:-}" = --build ]; then say "binaries ok: $(cat "$BIN/.complete")"; exit 0; fi
[ $# = 0 ] || fail "unknown argument '$1' (usage: k8s-up.sh [--build])"

ensure_packages etcd-server openssl curl jq
docker -H unix:///var/run/docker.sock info >/dev/null 2>&1 || fail "no Docker engine answers on /var/run/docker.sock (the kubelet's): run .ci/docker-up.sh first"

# ------------------------------------------------------------------------------- health
curl_admin() { curl -sf --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
alive() { # name: its pid file names a live process running that program
  local pid
  [ -f "$RUN/$1.pid" ] || return 1
  pid=$(cat "$RUN/$1.pid")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$1"
}
dockerd_pid() { cat /var/run/docker.pid 2>/dev/null || echo none; }
node_ready() { # its kubelet healthy and started on the dockerd that runs now; Ready, untainted
  [ "$(cat "$RUN/kubelet.dockerd" 2>/dev/null)" = "$(dockerd_pid)" ] || return 1
  curl -sf --max-time 2 http://127.0.0.1:10248/healthz >/dev/null || return 1
  curl_admin "$API/api/v1/nodes/$NODE" | jq -e \
    '([.status.conditions[] | select(.type == "Ready") | .status] == ["True"]) and ((.spec.taints // []) | length == 0)' >/dev/null
}
sa_ready() { # the ServiceAccount admission plugin rejects pods until the default SA has its token
  curl_admin "$API/api/v1/namespaces/default/serviceaccounts/default" | jq -e '(.secrets // []) | length > 0' >/dev/null
}
# This script as it is now: a cluster that another version of it brought up (other flags, another
# kubelet configuration) is not taken as up; the steps below restart what runs with other settings.
SCRIPT_SUM=$(md5sum < "${BASH_SOURCE[0]}" | cut -d' ' -f1)
healthy() {
  local p
  [ "$(cat "$RUN/script.sum" 2>/dev/null)" = "$SCRIPT_SUM" ] || return 1
  for p in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet; do alive $p || return 1; done
  curl_admin "$API/readyz" >/dev/null && node_ready && sa_ready
}
done_up() { # how
  say "cluster $1: node $NODE Ready; kubectl for humans: $BIN/kubectl"
  echo "export KUBECONFIG=$STATE/admin.kubeconfig" >&2
  echo "$STATE/admin.kubeconfig"
  exit 0
}
healthy && done_up "already up"

# No process of the cluster runs, but a previous one left its state (the machine or the session
# that ran it ended): its pods, and Jobs that would make their pods again, would start anew from
# it. Start from a clean state instead; a cluster of which some part still runs is repaired.
for p in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet; do
  if alive "$p"; then leftover=0; break; fi
  leftover=1
done
if [ "$leftover" = 1 ] && [ -d "$STATE/etcd/member" ]; then
  say "nothing of the last cluster runs: removing what it left"
  bash "$(dirname "$0")/k8s-down.sh" >&2
fi

# ------------------------------------------------------------------------------- pause image
if ! docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
  tmp=$(mktemp -d); cp "$BIN/pause" "$tmp/pause"
  tar -C "$tmp" -c pause | docker import -c 'ENTRYPOINT ["/pause"]' - "$PAUSE_IMAGE" >/dev/null \
    || { rm -rf "$tmp"; fail "could not import the pause image $PAUSE_IMAGE into docker"; }
  rm -rf "$tmp"
  say "pause image imported: $PAUSE_IMAGE"
fi

# ------------------------------------------------------------------------------- PKI, kubeconfigs
# One CA signs every certificate; all are made once and kept with the state (10 years).
mkdir -p "$PKI" "$LOGS" "$RUN" "$STATE/etcd" "$STATE/kubelet"
chmod 700 "$PKI" "$STATE/etcd"
sign() { # name CN O(or -) SANs(or -: a client certificate)
  local name=$1 cn=$2 org=$3 sans=$4 subject
  [ -f "$PKI/$name.crt" ] && return 0
  subject="/CN=$cn"; [ "$org" = - ] || subject="/O=$org/CN=$cn"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ "$sans" = - ]; then echo "extendedKeyUsage=clientAuth"
    else echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$sans"; fi
  } > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null \
    || fail "openssl could not sign the $name certificate"
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
kubeconfig() { # file user certificate
  cat > "$STATE/$1.kubeconfig.tmp" <<KC
apiVersion: v1
kind: Config
clusters:
- name: multiprocessing4j
  cluster:
    server: $API
    certificate-authority: $PKI/ca.crt
users:
- name: $2
  user:
    client-certificate: $PKI/$3.crt
    client-key: $PKI/$3.key
contexts:
- name: multiprocessing4j
  context: {cluster: multiprocessing4j, user: $2, namespace: default}
current-context: multiprocessing4j
KC
  mv "$STATE/$1.kubeconfig.tmp" "$STATE/$1.kubeconfig"
}
(
  umask 077
  if [ ! -f "$PKI/ca.crt" ]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=multiprocessing4j-ca" -days 3650 -sha256 -out "$PKI/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null \
      || fail "openssl could not make the cluster's CA"
  fi
  if [ ! -f "$PKI/sa.pub" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  sign apiserver kube-apiserver - \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1"
  sign apiserver-kubelet-client kube-apiserver-kubelet-client system:masters -
  sign admin admin system:masters -
  sign controller-manager system:kube-controller-manager - -
  sign scheduler system:kube-scheduler - -
  sign kubelet-client "system:node:$NODE" system:nodes -     # Node authorizer + NodeRestriction
  sign kubelet "$NODE" - "DNS:$NODE,IP:127.0.0.1"             # the kubelet's serving certificate
  kubeconfig admin admin admin
  kubeconfig controller-manager system:kube-controller-manager controller-manager
  kubeconfig scheduler system:kube-scheduler scheduler
  kubeconfig kubelet "system:node:$NODE" kubelet-client
)

# ------------------------------------------------------------------------------- processes
start() { # name program args...: start it detached (log, pid file) unless it runs with these settings
  local name=$1 settings; shift
  # What it runs with: its arguments, and the content of its config file if it has one.
  settings=$({ printf '%s\n' "$*"; [ -z "${config_file:-}" ] || cat "$config_file"; } | md5sum | cut -d' ' -f1)
  if alive "$name"; then
    if [ ! -f "$RUN/$name.settings" ]; then echo "$settings" > "$RUN/$name.settings"; fi
    [ "$(cat "$RUN/$name.settings")" != "$settings" ] || return 0
    say "$name runs with other settings than this script's: restarting it"
    stop "$name"
  fi
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  local pid=$! i
  echo "$pid" > "$RUN/$name.pid"
  echo "$settings" > "$RUN/$name.settings"
  started+=("$name")
  # until the forked shell has exec'd the program, its command line is this script's, and alive()
  # would take it for dead (seen under load: "kube-apiserver exited" for one that then ran)
  for ((i = 0; i < 100; i++)); do
    if alive "$name" || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
}
started=()
exited() { # name: the process this run started under that name is gone (a zombie counts as gone)
  # Not !alive: while setsid execs the program, /proc/<pid>/cmdline reads empty for a moment, the
  # longer the colder the binary (seen on a machine's first start: "kubelet exited" for one that ran).
  local pid
  pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 0
  ! kill -0 "$pid" 2>/dev/null || grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}
wait_until() { # what seconds log command...: polls; fails at once if a process we started died
  local what=$1 secs=$2 log=$3 end name; shift 3
  end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    for name in "${started[@]}"; do ! exited "$name" || fail "$name exited (while waiting: $what)" "$LOGS/$name.log"; done
    [ $SECONDS -lt $end ] || fail "no $what within ${secs}s" "$log"
    sleep 0.2
  done
}
stop() { # name: TERM, then KILL after 10 s
  local pid i
  alive "$1" || { rm -f "$RUN/$1.pid"; return 0; }
  pid=$(cat "$RUN/$1.pid"); kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$1.pid"
}

start etcd etcd --name multiprocessing4j --data-dir "$STATE/etcd" \
  --listen-client-urls "$ETCD" --advertise-client-urls "$ETCD" \
  --listen-peer-urls "$ETCD_PEER" --initial-advertise-peer-urls "$ETCD_PEER" \
  --initial-cluster "multiprocessing4j=$ETCD_PEER" --initial-cluster-state new
wait_until "etcd answering on $ETCD/health" 30 "$LOGS/etcd.log" curl -sf --max-time 2 "$ETCD/health"
say "etcd up"

# No insecure port (off by default in 1.20). --endpoint-reconciler-type=none: Endpoints may not
# hold a loopback address, so the `kubernetes` Service keeps none.
start kube-apiserver "$BIN/kube-apiserver" \
  --bind-address=127.0.0.1 --secure-port=6443 --advertise-address=127.0.0.1 \
  --endpoint-reconciler-type=none --etcd-servers="$ETCD" --service-cluster-ip-range=10.0.0.0/24 \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=Hostname \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
  --feature-gates="$FEATURES" --v=1
wait_until "kube-apiserver ready on $API/readyz" 90 "$LOGS/kube-apiserver.log" curl_admin "$API/readyz"
say "kube-apiserver up"

# The controller-manager makes the default ServiceAccount and its token, lifts the node's
# not-ready taint, collects finished pods and (with the gate) deletes finished Jobs at their TTL.
start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --port=0 --secure-port=10257 \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --use-service-account-credentials=true \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --feature-gates="$FEATURES" --leader-elect=false --v=1
start kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$STATE/scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --port=0 --secure-port=10259 --leader-elect=false --v=1

# The kubelet, on the running dockerd. When dockerd is restarted (the reliability suite's engine
# faults do that), the kubelet reconnects by itself: its node was Ready again ~6 s after dockerd
# came back (measured with k8s-node2.sh's own dockerd). Should it not have, a kubelet older than the
# running dockerd is restarted here anyway: that costs ~5 s and no pod, as dockerd's stop ended them.
if alive kubelet && [ "$(cat "$RUN/kubelet.dockerd" 2>/dev/null)" != "$(dockerd_pid)" ]; then
  say "dockerd was restarted since the kubelet started: restarting the kubelet"
  stop kubelet
fi
cat > "$STATE/kubelet-config.yaml" <<KC
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: AlwaysAllow}   # its API listens on loopback only
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
cgroupDriver: cgroupfs               # dockerd's
failSwapOn: false
oomScoreAdj: 0                       # it may not lower its own (no CAP_SYS_RESOURCE)
nodeStatusUpdateFrequency: 2s        # Ready within ~5 s of registering, not ~13 s
# Every pod is synced again at this period (default 1 min). A pod deleted before the kubelet has
# reported it Running is taken as terminal by kubelet 1.20, whose container then keeps running until
# the next periodic sync: 60-90 s after the delete with the default, 3-5 s with this.
syncFrequency: 3s
makeIPTablesUtilChains: false
imageGCHighThresholdPercent: 100     # never collect the JRE or pause image: nothing can pull them back
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%"}
resolvConf: /etc/resolv.conf
volumePluginDir: $STATE/kubelet/volume-plugins
KC
alive kubelet || dockerd_pid > "$RUN/kubelet.dockerd"
config_file=$STATE/kubelet-config.yaml start kubelet "$BIN/kubelet" \
  --config="$STATE/kubelet-config.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
  --root-dir="$STATE/kubelet" --cert-dir="$STATE/kubelet/pki" \
  --experimental-dockershim-root-directory="$STATE/dockershim" \
  --hostname-override="$NODE" \
  --container-runtime=docker --docker-endpoint=unix:///var/run/docker.sock \
  --pod-infra-container-image="$PAUSE_IMAGE" --v=1

wait_until "node $NODE Ready and untainted" 120 "$LOGS/kubelet.log" node_ready
wait_until "the default ServiceAccount's token" 60 "$LOGS/kube-controller-manager.log" sa_ready
wait_until "kube-scheduler's /healthz" 30 "$LOGS/kube-scheduler.log" curl -skf --max-time 2 https://127.0.0.1:10259/healthz
wait_until "kube-controller-manager's /healthz" 30 "$LOGS/kube-controller-manager.log" curl -skf --max-time 2 https://127.0.0.1:10257/healthz
echo "$SCRIPT_SUM" > "$RUN/script.sum"
done_up "up"
