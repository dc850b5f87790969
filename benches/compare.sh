#!/usr/bin/env bash
# blankett side by side with the limit and with what people use today, in one run.
#
#   bash benches/compare.sh [N]        # N district forms (default 1000)
#
# Builds the release binaries, makes the benchmark corpus (N varied district forms and the large
# forms, 1x/4x/16x), installs python-docx in a virtual environment, then times whole processes on
# the same files: the baseline (inflate word/document.xml and walk it, nothing else), `blankett
# batch` with one job and with every core, and the python-docx script. Each is run $RUNS times
# (default 5) and the fastest run counts. Peak memory is the resident set GNU time reports. Last,
# a 10,000-form batch for memory and the large forms for how time grows with size.
#
# Environment: RUNS (default 5), BIG (forms in the memory run, default 10000; 0 skips it),
# WORK (the work folder, default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000}
RUNS=${RUNS:-5}
BIG=${BIG:-10000}
WORK=${WORK:-target/bench}
CORES=$(nproc)

need() { command -v "$1" >/dev/null 2>&1; }
if [ ! -x /usr/bin/time ]; then
    echo "compare: installing GNU time (for peak memory)" >&2
    (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi
need python3 || { echo "compare: python3 is needed for the python-docx comparison" >&2; exit 1; }

echo "compare: building" >&2
cargo build --release --locked -q --bin blankett --example baseline --example make_fixtures

BIN=target/release/blankett
BASE=target/release/examples/baseline
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# The corpus: made once per N and kept (delete the work folder to make it again).
CORPUS="$WORK/corpus-$N"
if [ ! -d "$CORPUS/forms" ] || [ "$(find "$CORPUS/forms" -name '*.docx' | wc -l)" -ne "$N" ]; then
    rm -rf "$CORPUS"
    target/release/examples/make_fixtures corpus "$CORPUS" "$N"
fi

VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ]; then
    echo "compare: installing python-docx in $VENV" >&2
    python3 -m venv "$VENV" || {
        echo "compare: python3 -m venv failed; install python3-venv" >&2
        exit 1
    }
    "$VENV/bin/pip" install -q "python-docx==1.1.2"
fi
PY_VERSION=$("$VENV/bin/python" -c 'from importlib.metadata import version as v; print("python-docx", v("python-docx") + ", lxml", v("lxml"))')

# Outputs go to a memory file system (/dev/shm) when there is one: on disk, how fast a file is
# created depends on what the file system did in the seconds before (ext4 searches long for a
# free inode right after thousands were deleted, as every earlier run's outputs are), and the
# numbers would time the disk's journal more than the programs. OUT_ON_DISK=1 writes under WORK.
if [ -z "${OUT_ON_DISK:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    OUTS=$(mktemp -d -p /dev/shm blankett-bench.XXXXXX)
else
    OUTS="$WORK/out"
fi

# time_best NAME CMD...: runs CMD $RUNS times; "{out}" in CMD becomes a fresh output folder
# each time (all removed at the end). Prints "NAME seconds peak_kib" for the fastest run (and
# the largest peak seen).
time_best() {
    local name=$1
    shift
    local best="" peak=0
    for _ in $(seq "$RUNS"); do
        mkdir -p "$OUTS"
        local out
        out=$(mktemp -d -p "$OUTS")
        local args=()
        for a in "$@"; do args+=("${a//\{out\}/$out}"); done
        sync
        local start=$EPOCHREALTIME
        /usr/bin/time -f %M -o "$WORK/rss" "${args[@]}" >/dev/null 2>"$WORK/stderr" || {
            echo "compare: $name failed:" >&2
            cat "$WORK/stderr" >&2
            exit 1
        }
        local end=$EPOCHREALTIME
        local secs
        secs=$(echo "$end - $start" | bc -l)
        local rss
        rss=$(tail -1 "$WORK/rss")
        if [ -z "$best" ] || [ "$(echo "$secs < $best" | bc -l)" = 1 ]; then best=$secs; fi
        if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
    done
    echo "$name $best $peak"
}
trap 'rm -rf "$OUTS"' EXIT
need bc || { (apt-get update -qq && apt-get install -y -qq bc) >/dev/null; }

FORMS="$CORPUS/forms"
echo "compare: timing $N forms, best of $RUNS runs each" >&2
RESULTS=()
RESULTS+=("$(time_best baseline "$BASE" "$FORMS")")
RESULTS+=("$(time_best "blankett --jobs 1" "$BIN" batch --jobs 1 --out "{out}" "$FORMS")")
RESULTS+=("$(time_best "blankett --jobs $CORES" "$BIN" batch --jobs "$CORES" --out "{out}" "$FORMS")")
RESULTS+=("$(time_best "python-docx" "$VENV/bin/python" benches/python/extract.py "$FORMS" "{out}")")

base_s=$(echo "${RESULTS[0]}" | awk '{print $2}')
one_s=$(echo "${RESULTS[1]}" | awk '{print $(NF-1)}')

echo
echo "## $N district forms ($(uname -m), $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo
echo "| run | seconds | forms/s | time ÷ baseline | peak memory |"
echo "|---|---:|---:|---:|---:|"
for r in "${RESULTS[@]}"; do
    peak=$(echo "$r" | awk '{print $NF}')
    secs=$(echo "$r" | awk '{print $(NF-1)}')
    name=$(echo "$r" | awk '{$NF=""; $(NF-1)=""; print}' | sed 's/ *$//')
    printf '| %s | %.3f | %.0f | %.2f× | %.1f MiB |\n' "$name" "$secs" \
        "$(echo "$N / $secs" | bc -l)" "$(echo "$secs / $base_s" | bc -l)" \
        "$(echo "$peak / 1024" | bc -l)"
done
all_s=$(echo "${RESULTS[2]}" | awk '{print $(NF-1)}')
printf '\nblankett on %d cores: %.2f× its one-core throughput. python-docx (%s): %.1f× the time of blankett --jobs 1.\n' \
    "$CORES" "$(echo "$one_s / $all_s" | bc -l)" "$PY_VERSION" \
    "$(echo "$(echo "${RESULTS[3]}" | awk '{print $(NF-1)}') / $one_s" | bc -l)"

# Memory does not grow with the number of forms: a batch of $BIG.
if [ "$BIG" -gt 0 ]; then
    BIGC="$WORK/corpus-$BIG"
    if [ ! -d "$BIGC/forms" ] || [ "$(find "$BIGC/forms" -name '*.docx' | wc -l)" -ne "$BIG" ]; then
        rm -rf "$BIGC"
        target/release/examples/make_fixtures corpus "$BIGC" "$BIG"
    fi
    r=$(RUNS=1 time_best big "$BIN" batch --jobs "$CORES" --out "{out}" "$BIGC/forms")
    printf '\n## %d forms in one batch (--jobs %d)\n\n%.2f s, %.0f forms/s, peak memory %.1f MiB\n' \
        "$BIG" "$CORES" "$(echo "$r" | awk '{print $2}')" \
        "$(echo "$BIG / $(echo "$r" | awk '{print $2}')" | bc -l)" \
        "$(echo "$(echo "$r" | awk '{print $3}') / 1024" | bc -l)"
fi

# Large forms: the same number of bytes at each size (32 copies of 1x, 8 of 4x, 2 of 16x), so
# time that grows linearly with size gives the same seconds on every row.
echo
echo "## Large forms (answers of 50, 200 and 800 long paragraphs), one job"
echo
echo "| size | word/document.xml | copies | baseline s | blankett s | blankett MB/s | peak memory |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for scale in 01 04 16; do
    dir="$WORK/large-$scale"
    copies=$((32 / 10#$scale))
    rm -rf "$dir"
    mkdir -p "$dir"
    for i in $(seq "$copies"); do cp "$CORPUS/large/large-${scale}x.docx" "$dir/copy-$i.docx"; done
    xml_bytes=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("word/document.xml").file_size)' "$CORPUS/large/large-${scale}x.docx")
    b=$(time_best base "$BASE" "$dir" | awk '{print $2}')
    r=$(time_best large "$BIN" batch --jobs 1 --out "{out}" "$dir")
    s=$(echo "$r" | awk '{print $2}')
    printf '| %dx | %.2f MB | %d | %.3f | %.3f | %.1f | %.1f MiB |\n' "$((10#$scale))" \
        "$(echo "$xml_bytes / 1000000" | bc -l)" "$copies" "$b" "$s" \
        "$(echo "$xml_bytes * $copies / 1000000 / $s" | bc -l)" \
        "$(echo "$(echo "$r" | awk '{print $3}') / 1024" | bc -l)"
    rm -rf "$dir"
done
