#!/usr/bin/env bash
# The README's first command, second half: the seed tour from the examples' shaded jar, as a
# newcomer runs it (a jar that holds core, the launchers and the examples together), checked
# for the lines of the seed's story. `mvn verify` must have built the jar.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! timeout 300 java -jar examples/target/multiprocessing4j-examples.jar tour >"$out" 2>&1; then
    cat "$out"
    echo "tour-check: the tour failed" >&2
    exit 1
fi
for line in "Process exit code: -15" "[42, null, hello]" "consumed item 4"; do
    if ! grep -qF -- "$line" "$out"; then
        cat "$out"
        echo "tour-check: the tour did not print '$line'" >&2
        exit 1
    fi
done
if grep -q "Could not find or load main class" "$out"; then
    cat "$out"
    echo "tour-check: a child could not start" >&2
    exit 1
fi
echo "tour-check: the tour from the shaded jar printed the seed's story"
