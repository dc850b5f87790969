#!/usr/bin/env bash
# Instructions per form under callgrind: the machine-independent measure of blankett's own work.
#
#   bash benches/instructions.sh [N]     # N district forms (default 100), one job
#
# Builds the release binary, makes N varied district forms (kept in target/bench/corpus-N), then
# runs `blankett batch --jobs 1` under valgrind's callgrind and prints the instructions per form.
# The run's own setup (questionnaire, registry, index) is spread over the N forms; SHA-256 is
# counted too (valgrind runs it without the CPU's SHA instructions, so it weighs more here than
# natively). Compare runs on one machine with one valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100}
WORK=${WORK:-target/bench}
command -v valgrind >/dev/null || {
    echo "instructions: valgrind is needed (apt-get install valgrind)" >&2
    exit 1
}
cargo build --release --locked -q --bin blankett --example make_fixtures
mkdir -p "$WORK"
CORPUS="$WORK/corpus-$N"
if [ ! -d "$CORPUS/forms" ] || [ "$(find "$CORPUS/forms" -name '*.docx' | wc -l)" -ne "$N" ]; then
    rm -rf "$CORPUS"
    target/release/examples/make_fixtures corpus "$CORPUS" "$N" >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" \
    target/release/blankett batch "$CORPUS/forms" --out "$out/out" --jobs 1 >/dev/null 2>"$out/vg.log"
total=$(grep -o 'Collected : [0-9]*' "$out/vg.log" | grep -o '[0-9]*$')
awk -v t="$total" -v n="$N" 'BEGIN { printf "%d forms: %.0f instructions in all, %.3f million per form\n", n, t, t / n / 1e6 }'
