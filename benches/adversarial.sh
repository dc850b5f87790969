#!/usr/bin/env bash
# How time and peak memory grow with the size of hostile forms, one shape at a time, and what
# the default limits do with them.
#
#   bash benches/adversarial.sh            # sizes 10k, 40k, 160k, 640k
#   SIZES="1000 4000" bash benches/adversarial.sh
#
# For each shape of examples/hostile.rs and each size N (4x apart), makes the form and runs
# `blankett convert` on it under GNU time, with the per-form budgets raised out of the way, so
# that the reading and mapping themselves are timed: linear growth shows as time and memory
# growing 4x from row to row. Then the largest form of each shape again with the default
# limits, to show what a user meets. Prints markdown tables (BENCHMARKS.md takes them as they
# are). Forms are stored, not deflated (see examples/hostile.rs), so no ratio limit is in the way.
#
# Environment: SIZES (default "10000 40000 160000 640000"), SHAPES (default all), WORK (default
# target/adversarial).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 40000 160000 640000"}
WORK=${WORK:-target/adversarial}
SHAPES=${SHAPES:-"empty-controls same-tag paragraphs empty-paragraphs table-rows nested deep-text header-aliases"}
RAISED=(--max-controls 1000000000 --max-elements 1000000000 --max-part-size 1024
    --max-total-size 4096)

[ -x /usr/bin/time ] || {
    echo "adversarial: GNU time (/usr/bin/time) is needed; install the time package" >&2
    exit 1
}

echo "adversarial: building" >&2
cargo build --release --locked -q --bin blankett --example hostile
BIN=target/release/blankett
MAKE=target/release/examples/hostile
mkdir -p "$WORK"

# The largest inflated part of a form, in bytes.
largest_part() {
    python3 -c 'import sys, zipfile; print(max(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$1"
}

# Runs blankett convert on $1 with the flags that follow; prints "seconds KB exit-code".
measure() {
    local form=$1
    shift
    local out="$WORK/out.json" stats="$WORK/time.txt" code=0
    /usr/bin/time -f "%e %M" -o "$stats" "$BIN" convert "$form" -o "$out" "$@" \
        >/dev/null 2>"$WORK/stderr.txt" || code=$?
    rm -f "$out"
    echo "$(tail -1 "$stats") $code"
}

echo "| shape | N | largest part (MB) | time (s) | peak RSS (MB) | RSS / part |"
echo "|---|---:|---:|---:|---:|---:|"
for shape in $SHAPES; do
    for n in $SIZES; do
        form="$WORK/$shape-$n.docx"
        [ -f "$form" ] || "$MAKE" "$shape" "$n" "$form"
        part=$(largest_part "$form")
        read -r secs kb code < <(measure "$form" "${RAISED[@]}")
        [ "$code" = 0 ] || echo "adversarial: $shape $n exited with $code: $(cat "$WORK/stderr.txt")" >&2
        awk -v s="$shape" -v n="$n" -v p="$part" -v t="$secs" -v k="$kb" 'BEGIN {
            printf "| %s | %d | %.1f | %.2f | %.0f | %.1f |\n", s, n, p / 1048576, t, k / 1024, k * 1024 / p }'
    done
done

echo
echo "With the default limits, the largest form of each shape:"
echo
echo "| shape | N | time (s) | peak RSS (MB) | exit | error code |"
echo "|---|---:|---:|---:|---:|---|"
for shape in $SHAPES; do
    n=${SIZES##* }
    form="$WORK/$shape-$n.docx"
    read -r secs kb code < <(measure "$form")
    err=$(grep -o '([a-z-]*)\|over the limit; raise it with --[a-z-]*' "$WORK/stderr.txt" | head -1 || true)
    printf "| %s | %d | %.2f | %.0f | %s | %s |\n" "$shape" "$n" "$secs" "$((kb / 1024))" "$code" "${err:--}"
done
