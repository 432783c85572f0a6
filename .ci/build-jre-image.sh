#!/usr/bin/env bash
# build-jre-image.sh - make sure the local image multiprocessing4j/jre:17 exists.
#   No registry can be reached, so the image is built from Debian packages:
#   debootstrap (minbase + openjdk-17-jre-headless, bookworm) from the apt mirror
#   this machine already uses, then `docker import` with java on PATH; then
#   a CDS archive of the JDK classes that a child on the network loads before
#   its task (TLS 1.3, HMAC, a class loader over a jar, object streams:
#   .ci/jre-image/ClassListWarmup.java, compiled here with the host's javac)
#   is added at /usr/lib/multiprocessing4j/jdk-classes.jsa, which the
#   kubernetes launcher gives its children's JVMs where an image has it
#   (launcher-kubernetes/README.md). The JVM's default archive is unchanged.
#   Idempotent: does nothing if the image is already there, made by this
#   recipe (its label io.github.multiprocessing4j.jre-recipe). Needs a running
#   engine (.ci/docker-up.sh), root and javac. Prints one line saying what it did.
set -euo pipefail

IMAGE=${MP4J_JRE_IMAGE:-multiprocessing4j/jre:17}
SUITE=bookworm
# Raise when the image's content changes, so that machines that have an older image rebuild it.
RECIPE=2
LABEL=io.github.multiprocessing4j.jre-recipe
t0=$SECONDS
here=$(cd "$(dirname "$0")" && pwd)

present=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$IMAGE" 2>/dev/null || echo missing)
if [ "$present" = "$RECIPE" ]; then
  echo "build-jre-image: $IMAGE already present"; exit 0
fi
command -v javac >/dev/null || { echo "build-jre-image: ERROR: javac is needed (a JDK 17 or newer)" >&2; exit 1; }

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

base="$IMAGE-base"
tar --numeric-owner -C "$dir" -c . | docker import \
  --change "ENV JAVA_HOME=$java_home" \
  --change "ENV PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'CMD ["java", "-version"]' \
  - "$base" >/dev/null

# The children's CDS archive, from the JDK's own class list plus the warm-up's (its own class and
# lambda lines left out); in a container of the imported image, committed as the image.
warm="$dir.warm"
rm -rf "$warm" && mkdir -p "$warm"
javac --release 17 -d "$warm" "$here/jre-image/ClassListWarmup.java"
chmod -R a+rX "$warm"
builder="mp4j-jre-build-$$"
trap 'cleanup; docker rm -f "$builder" >/dev/null 2>&1 || true; docker rmi "$base" >/dev/null 2>&1 || true; rm -rf "$warm"' EXIT
# shellcheck disable=SC2016 # expanded in the container
if ! docker run --name "$builder" --network none -v "$warm:/warm:ro" "$base" sh -c 'set -e
    keytool -genkeypair -keyalg EC -groupname secp256r1 -alias k -dname CN=warmup -validity 2 \
      -keystore /tmp/warm.p12 -storetype PKCS12 -storepass changeit -keypass changeit 2>/dev/null
    java -Xshare:off -XX:DumpLoadedClassList=/tmp/warm.classlist -cp /warm ClassListWarmup /tmp/warm.p12
    { cat "$JAVA_HOME/lib/classlist"; grep -v ClassListWarmup /tmp/warm.classlist; } > /tmp/all.classlist
    mkdir -p /usr/lib/multiprocessing4j
    java -Xshare:dump -XX:SharedClassListFile=/tmp/all.classlist \
      -XX:SharedArchiveFile=/usr/lib/multiprocessing4j/jdk-classes.jsa >/tmp/dump.log 2>&1 || { cat /tmp/dump.log; exit 1; }
    chmod 444 /usr/lib/multiprocessing4j/jdk-classes.jsa
    rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null || true' >"$dir.warm.log" 2>&1; then
  echo "build-jre-image: ERROR: making the image's CDS archive failed:" >&2
  tail -n 30 "$dir.warm.log" >&2; rm -f "$dir.warm.log"; exit 1
fi
rm -f "$dir.warm.log"
old=$(docker image inspect -f '{{ .Id }}' "$IMAGE" 2>/dev/null || true)
docker commit --change 'CMD ["java", "-version"]' --change "LABEL $LABEL=$RECIPE" "$builder" "$IMAGE" >/dev/null
# an image of an older recipe goes too, if this tag was its last (and no container uses it)
if [ -n "$old" ] && [ "$(docker image inspect -f '{{ len .RepoTags }}' "$old" 2>/dev/null)" = 0 ]; then
  docker rmi "$old" >/dev/null 2>&1 || true
fi

ver=$(docker run --rm --network none "$IMAGE" java -Xshare:on -XX:SharedArchiveFile=/usr/lib/multiprocessing4j/jdk-classes.jsa -version 2>&1 || true)
if [[ $ver != *'version "17'* ]]; then   # don't leave a broken image behind
  docker rmi "$IMAGE" >/dev/null 2>&1 || true
  echo "build-jre-image: ERROR: $IMAGE does not run java 17: $ver" >&2; exit 1
fi
echo "build-jre-image: built $IMAGE (recipe $RECIPE, JAVA_HOME=$java_home, mirror ${mirror:-default}, $((SECONDS - t0))s)"
