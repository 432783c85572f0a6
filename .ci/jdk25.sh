#!/usr/bin/env bash
# jdk25.sh - make sure a JDK 25 is installed; print its home (for JAVA_HOME) on stdout.
#   * $MP4J_JDK25 if set, else /usr/lib/jvm/temurin-25-jdk-amd64 (this machine kind's
#     image ships Temurin 25 there, outside dpkg), else any /usr/lib/jvm/*25* JDK;
#   * if none, installs the first Debian package that apt offers: temurin-25-jdk (where
#     Adoptium's apt source is configured), then openjdk-25-jdk-headless;
#   * idempotent: does nothing when a JDK 25 is there. Fails, saying so, when none is
#     there and no package provides one.
# Run as root (the CI machine is). Says what it did on stderr.
set -euo pipefail

is_jdk25() { [ -x "$1/bin/javac" ] && "$1/bin/javac" -version 2>&1 | grep -q '^javac 25'; }

find_jdk25() {
  local candidate
  for candidate in ${MP4J_JDK25:+"$MP4J_JDK25"} /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    if is_jdk25 "$candidate"; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if home=$(find_jdk25); then
  echo "jdk25: $home already present" >&2
  echo "$home"; exit 0
fi

out=$(mktemp)
if ! apt-get update -qq >"$out" 2>&1; then
  echo "jdk25: ERROR: apt-get update failed:" >&2; tail -n 30 "$out" >&2; exit 1
fi
for pkg in temurin-25-jdk openjdk-25-jdk-headless; do
  candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >"$out" 2>&1; then
      echo "jdk25: ERROR: apt-get install $pkg failed:" >&2; tail -n 30 "$out" >&2; exit 1
    fi
    rm -f "$out"
    if home=$(find_jdk25); then
      echo "jdk25: installed $pkg $candidate at $home" >&2
      echo "$home"; exit 0
    fi
    echo "jdk25: ERROR: installed $pkg $candidate, but no JDK 25 is under /usr/lib/jvm" >&2; exit 1
  fi
done
rm -f "$out"
echo "jdk25: ERROR: no JDK 25 in /usr/lib/jvm and no apt source offers temurin-25-jdk or" \
  "openjdk-25-jdk-headless: install one, or set MP4J_JDK25 to a JDK 25's home" >&2
exit 1
