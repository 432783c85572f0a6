#!/usr/bin/env bash
# build-jre-image.sh - make sure the local image multiprocessing4j/jre:17 exists.
#   No registry can be reached, so the image is built from Debian packages:
#   debootstrap (minbase + openjdk-17-jre-headless, bookworm) from the apt mirror
#   this machine already uses, then `docker import` with java on PATH.
#   Idempotent: does nothing if the image is already there. Needs a running
#   engine (.ci/docker-up.sh) and root. Prints one line saying what it did.
set -euo pipefail

IMAGE=${MP4J_JRE_IMAGE:-multiprocessing4j/jre:17}
SUITE=bookworm
t0=$SECONDS

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-jre-image: $IMAGE already present"; exit 0
fi

# First enabled "deb" source for $SUITE in this machine's apt config (deb822 or
# one-line format); empty means debootstrap's own default mirror.
mirror=$(awk -v s="$SUITE" '
  function flush() { if (!f && t ~ /(^| )deb( |$)/ && (" " su " ") ~ (" " s " ") && en != "no" && u != "") { split(u, a, " "); print a[1]; f = 1; exit } t = su = u = en = "" }
  FNR == 1 || /^[ \t]*$/ { flush() }
  tolower($1) == "types:"   { $1 = ""; t = $0 }
  tolower($1) == "suites:"  { $1 = ""; su = $0 }
  tolower($1) == "uris:"    { $1 = ""; sub(/^ +/, ""); u = $0 }
  tolower($1) == "enabled:" { en = tolower($2) }
  END { flush() }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -E 's/\[[^]]*\]//' | awk -v s="$SUITE" '$1 == "deb" && $3 == s { print $2; exit }')
fi

dir=$(mktemp -d "${TMPDIR:-/var/tmp}/mp4j-jre.XXXXXX")
cleanup() {   # unmount anything debootstrap left mounted, then remove (same fs only)
  awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$dir"
}
trap cleanup EXIT

log="$dir.log"
if ! debootstrap --variant=minbase --include=openjdk-17-jre-headless \
     "$SUITE" "$dir" ${mirror:+"$mirror"} >"$log" 2>&1; then
  echo "build-jre-image: ERROR: debootstrap failed (mirror: ${mirror:-default}); tail of $log:" >&2
  tail -n 30 "$log" >&2; exit 1
fi
rm -f "$log"
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/tmp/* 2>/dev/null || true

java_home=$(dirname "$(dirname "$(chroot "$dir" readlink -f /usr/bin/java)")")
[ -x "$dir$java_home/bin/java" ] || { echo "build-jre-image: ERROR: no java in rootfs" >&2; exit 1; }

tar --numeric-owner -C "$dir" -c . | docker import \
  --change "ENV JAVA_HOME=$java_home" \
  --change "ENV PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'CMD ["java", "-version"]' \
  - "$IMAGE" >/dev/null

ver=$(docker run --rm --network none "$IMAGE" java -version 2>&1 || true)
if [[ $ver != *'version "17'* ]]; then   # don't leave a broken image behind
  docker rmi "$IMAGE" >/dev/null 2>&1 || true
  echo "build-jre-image: ERROR: $IMAGE does not run java 17: $ver" >&2; exit 1
fi
echo "build-jre-image: built $IMAGE (JAVA_HOME=$java_home, mirror ${mirror:-default}, $((SECONDS - t0))s)"
