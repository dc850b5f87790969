#!/usr/bin/env bash
# `blankett serve` under load: POST /api/v1/convert with the typical district form, on loopback.
#
#   bash benches/serve-load.sh            # 10,000 requests, 4 at a time, 3 runs
#   N=2000 RUNS=1 bash benches/serve-load.sh
#
# Builds the release binary, starts `blankett serve` on a free loopback port with a temporary
# output folder, checks one answer by hand and warms the server up, then sends the form as a raw
# body (the .docx media type, ?filename=) over CONCURRENCY keep-alive connections, each sending
# its next request when the last is answered, without compression (oha's --disable-compression;
# the server compresses nothing anyway): N requests a run, RUNS runs on the same server. The client
# is oha (installed with `cargo install oha --locked` when missing), or else
# benches/serve_load_client.rs built with rustc (CLIENT=own chooses it): both are Rust, where a
# Python client would take its share of the same few cores and measure itself. Meanwhile the
# server's resident memory (VmRSS in /proc/PID/status) is sampled every 100 ms; its peak
# (VmHWM) is read at the end. Prints, per run, conversions per second and the p50/p99 latency,
# then the memory, and whether the target holds in every run: at least 1,000 conversions a
# second, p99 under 50 ms, every response 200, memory flat (the last run's peak no more than
# 2 MiB or 10% above the first run's: a leak of 1 KiB a request would add 10 MiB a run).
#
# Not part of `cargo test` or CI: the numbers depend on the machine and on what else runs on it
# (the load average is printed before and after). Loopback only (any other HOST is refused, and
# the own client refuses other addresses too), bounded in count (N at most 100,000, RUNS at most
# 10, CONCURRENCY at most 64) and in time (a run is stopped after LIMIT seconds). Exits 1 when a
# response was not 200 or a run did not finish, 0 otherwise, target met or not; when there is no
# client (oha missing and not installable, and rustc failing), says so and exits 0.
#
# Environment: N (default 10000), CONCURRENCY (4), RUNS (3), LIMIT (seconds a run, 120),
# HOST (127.0.0.1 or ::1), FORM (default examples/forms/kungsholmen-2022-T1.docx, the typical
# district committee's answer, 7,967 bytes), WORKERS (the server's --workers; default its own,
# one per core), WARMUP (requests before measuring, 200), CLIENT (oha or own), NO_INSTALL=1
# (do not install oha), BLANKETT (a blankett binary to serve instead of building one, to
# compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10000}
CONCURRENCY=${CONCURRENCY:-4}
RUNS=${RUNS:-3}
LIMIT=${LIMIT:-120}
HOST=${HOST:-127.0.0.1}
FORM=${FORM:-examples/forms/kungsholmen-2022-T1.docx}
WARMUP=${WARMUP:-200}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
DOCX=application/vnd.openxmlformats-officedocument.wordprocessingml.document

say() { echo "serve-load: $*" >&2; }
fail() {
    say "$*"
    exit 1
}

case "$HOST" in
127.0.0.1 | ::1) ;;
*) fail "HOST must be 127.0.0.1 or ::1: this script only loads a server on this machine's loopback" ;;
esac
for v in N CONCURRENCY RUNS LIMIT WARMUP; do
    [[ ${!v} =~ ^[0-9]+$ ]] || fail "$v must be a whole number"
done
[ "$N" -ge 1 ] && [ "$N" -le 100000 ] || fail "N must be 1 to 100000"
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 10 ] || fail "RUNS must be 1 to 10"
[ "$CONCURRENCY" -ge 1 ] && [ "$CONCURRENCY" -le 64 ] || fail "CONCURRENCY must be 1 to 64"
[ "$LIMIT" -ge 1 ] && [ "$LIMIT" -le 600 ] || fail "LIMIT must be 1 to 600 seconds"
[ -f "$FORM" ] || fail "no form at $FORM"
for tool in curl jq timeout; do
    command -v "$tool" >/dev/null || fail "$tool is needed"
done

# The load client: oha, installed with cargo when missing; failing that (or with CLIENT=own),
# benches/serve_load_client.rs (standard library only), built with rustc.
OHA=""
if [ "${CLIENT:-oha}" = oha ]; then
    OHA=$(command -v oha || true)
    if [ -z "$OHA" ] && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/oha" ]; then
        OHA="${CARGO_HOME:-$HOME/.cargo}/bin/oha"
    fi
    if [ -z "$OHA" ] && [ -z "${NO_INSTALL:-}" ]; then
        say "installing oha (cargo install oha --locked; minutes, more on a busy machine)"
        if cargo install oha --locked >&2; then
            OHA="${CARGO_HOME:-$HOME/.cargo}/bin/oha"
        fi
    fi
    if [ -n "$OHA" ] && ! "$OHA" --version >/dev/null 2>&1; then
        OHA=""
    fi
fi
OWN=""
if [ -z "$OHA" ]; then
    mkdir -p "$TARGET_DIR/bench"
    OWN="$TARGET_DIR/bench/serve_load_client"
    if ! rustc -O --edition 2024 -o "$OWN" benches/serve_load_client.rs >&2; then
        say "skipped: no load client: oha is not installed and could not be (cargo install oha --locked), and benches/serve_load_client.rs did not build with rustc; nothing was measured"
        exit 0
    fi
    say "load client: benches/serve_load_client.rs (oha is not installed)"
else
    say "load client: $("$OHA" --version)"
fi

if [ -n "${BLANKETT:-}" ]; then
    BIN=$BLANKETT
else
    say "building the release binary"
    cargo build --release --locked -q --bin blankett
    BIN="$TARGET_DIR/release/blankett"
fi

WORK=$(mktemp -d)
SERVER=""
SAMPLER=""
stop() {
    if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
    if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop EXIT

args=(serve "$WORK/out" --addr "$( [ "$HOST" = ::1 ] && echo '[::1]' || echo "$HOST"):0")
[ -n "${WORKERS:-}" ] && args+=(--workers "$WORKERS")
: >"$WORK/server.log"
"$BIN" "${args[@]}" 2>"$WORK/server.log" &
SERVER=$!

# Port 0: the server says the port it got on its first line.
URL=""
for _ in $(seq 100); do
    URL=$(sed -n '1s|^serve: listening on \(http://[^ ]*\) .*|\1|p' "$WORK/server.log")
    [ -n "$URL" ] && break
    kill -0 "$SERVER" 2>/dev/null || fail "the server did not start: $(cat "$WORK/server.log")"
    sleep 0.1
done
[ -n "$URL" ] || fail "the server did not say its address within 10 s"
URL="$URL/api/v1/convert?filename=$(basename "$FORM")"

# One request by hand: it must convert, and its answer is what every run's answers should be.
code=$(curl -s -o "$WORK/answer.json" -w '%{http_code}' -H "Content-Type: $DOCX" \
    --data-binary "@$FORM" "$URL")
[ "$code" = 200 ] || fail "POST /api/v1/convert answered $code: $(head -c 300 "$WORK/answer.json")"
jq -e '.formatVersion' "$WORK/answer.json" >/dev/null || fail "the answer is not a submission"

load() { # requests, output file: the client's summary as JSON (oha's fields)
    if [ -n "$OHA" ]; then
        timeout "$LIMIT" "$OHA" -n "$1" -c "$CONCURRENCY" --no-tui --output-format json \
            --disable-compression -m POST -T "$DOCX" -D "$FORM" "$URL" >"$2"
    else
        timeout "$LIMIT" "$OWN" "$1" "$CONCURRENCY" "$URL" "$DOCX" "$FORM" >"$2"
    fi
}
load "$WARMUP" "$WORK/warmup.json" || fail "the warm-up did not finish within $LIMIT s"

rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER/status"; }
RSS_START=$(rss VmRSS)
(
    while kill -0 "$SERVER" 2>/dev/null; do
        awk '$1 == "VmRSS:" { print $2 }' "/proc/$SERVER/status" 2>/dev/null || true
        sleep 0.1
    done
) >"$WORK/rss" &
SAMPLER=$!

KB=$(stat -c %s "$FORM")
say "$(basename "$FORM") ($KB bytes) to $URL: $N requests, $CONCURRENCY at a time, $RUNS runs; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %10s %9s %9s %9s %8s\n' run conv/s p50_ms p99_ms max_ms not200
bad=0
for run in $(seq "$RUNS"); do
    marks_before=$(wc -l <"$WORK/rss")
    load "$N" "$WORK/run$run.json" || fail "run $run did not finish within $LIMIT s"
    wc -l <"$WORK/rss" >"$WORK/mark$run"
    echo "$marks_before" >>"$WORK/mark$run"
    jq -r --arg run "$run" --argjson n "$N" '
        (.statusCodeDistribution["200"] // 0) as $ok
        | [$run, (.summary.requestsPerSec | floor),
           (.latencyPercentiles.p50 * 1000 * 100 | round / 100),
           (.latencyPercentiles.p99 * 1000 * 100 | round / 100),
           (.summary.slowest * 1000 * 100 | round / 100),
           ($n - $ok)] | @tsv' "$WORK/run$run.json" |
        awk -F'\t' '{ printf "%-4s %10s %9s %9s %9s %8s\n", $1, $2, $3, $4, $5, $6 }'
    notok=$(jq --argjson n "$N" '$n - (.statusCodeDistribution["200"] // 0)' "$WORK/run$run.json")
    if [ "$notok" -ne 0 ]; then
        bad=1
        say "run $run: $notok responses were not 200: $(jq -c '.statusCodeDistribution, .errorDistribution' "$WORK/run$run.json" | tr '\n' ' ')"
    fi
done
HWM=$(rss VmHWM)
RSS_END=$(rss VmRSS)
THREADS=$(rss Threads)
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""
say "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"

# Memory: the peak of each run's samples; flat when the last run's is within 2 MiB or 10% of
# the first's.
peaks=()
for run in $(seq "$RUNS"); do
    { read -r to; read -r from; } <"$WORK/mark$run"
    peaks+=("$(sed -n "$((from + 1)),${to}p" "$WORK/rss" | sort -n | tail -1)")
done
first=${peaks[0]:-0}
last=${peaks[$((RUNS - 1))]:-0}
echo "memory (KiB): VmRSS after warm-up $RSS_START, peak per run ${peaks[*]}, at the end $RSS_END; VmHWM $HWM ($(wc -l <"$WORK/rss") samples); $THREADS threads"

verdict=$(jq -rs --argjson first "${first:-0}" --argjson last "${last:-0}" --argjson bad "$bad" '
    (map(.summary.requestsPerSec) | min) as $rps
    | (map(.latencyPercentiles.p99) | max * 1000) as $p99
    | ($last - $first <= ([2048, $first / 10] | max)) as $flat
    | [ (if $rps >= 1000 then empty else "\($rps | floor) conversions/s in the slowest run (< 1000)" end),
        (if $p99 < 50 then empty else "p99 \($p99 * 100 | round / 100) ms in the worst run (>= 50)" end),
        (if $flat then empty else "memory grew from \($first) to \($last) KiB" end),
        (if $bad == 0 then empty else "responses that were not 200" end) ]
    | if length == 0 then "target met: >= 1000 conversions/s, p99 < 50 ms, memory flat, every response 200 (in every run)"
      else "target not met: " + join("; ") end' "$WORK"/run[0-9]*.json)
echo "$verdict"
exit "$bad"
