#!/usr/bin/env bash
# blankett side by side with the limit and with what people use today, in one run.
#
#   bash benches/compare.sh [N]        # N district forms (default 1000)
#
# Builds the release binaries, makes the benchmark corpus (N varied district forms and the large
# forms, 1x/4x/16x), installs python-docx in a virtual environment, then times whole processes on
# the same files: the baseline (inflate word/document.xml and walk it, nothing else), `blankett
# batch` with one job and with every core, and the python-docx script, in $RUNS interleaved
# rounds (default 5; the fastest counts), with each process's peak resident memory
# (benches/compare.py does the timing). Last, a 10,000-form batch for memory and the large forms
# for how time grows with size.
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

command -v python3 >/dev/null || {
    echo "compare: python3 is needed (the timing script and the python-docx comparison)" >&2
    exit 1
}

if [ ! -x /usr/bin/time ]; then
    echo "compare: installing GNU time (for peak memory)" >&2
    (apt-get update -qq && apt-get install -y -qq time) >/dev/null || {
        echo "compare: GNU time (/usr/bin/time) is needed; install the time package" >&2
        exit 1
    }
fi

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
    rm -rf "$OUTS"
    mkdir -p "$OUTS"
fi

trap 'rm -rf "$OUTS"' EXIT

BIGC=""
if [ "$BIG" -gt 0 ]; then
    BIGC="$WORK/corpus-$BIG"
    if [ ! -d "$BIGC/forms" ] || [ "$(find "$BIGC/forms" -name '*.docx' | wc -l)" -ne "$BIG" ]; then
        rm -rf "$BIGC"
        target/release/examples/make_fixtures corpus "$BIGC" "$BIG"
    fi
fi

echo "compare: timing $N forms, best of $RUNS interleaved rounds" >&2
python3 benches/compare.py --bin "$BIN" --baseline "$BASE" --python "$VENV/bin/python" \
    --corpus "$CORPUS" --big "$BIGC" --runs "$RUNS" --cores "$CORES" --outs "$OUTS" \
    --python-version "$PY_VERSION"
