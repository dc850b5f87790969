"""Times whole processes side by side and prints the tables of BENCHMARKS.md.

Called by compare.sh, which builds the programs, makes the corpus and the virtual environment
and passes their paths. Runs are interleaved (each round runs every program once, in turn) so
that a slow spell of a shared machine falls on all of them alike; the fastest round counts.
Peak memory is each process's maximum resident set as GNU time reports it, the largest seen.
"""

import argparse
import os
import platform
import shutil
import subprocess
import tempfile
import time
import zipfile


TIME = "/usr/bin/time"


def run(cmd, out_root):
    """Runs cmd once ("{out}" becomes a fresh folder); returns (seconds, peak KiB)."""
    out = tempfile.mkdtemp(dir=out_root)
    args = [a.replace("{out}", out) for a in cmd]
    err_path = os.path.join(out_root, "stderr")
    rss_path = os.path.join(out_root, "rss")
    os.sync()
    # GNU time reports the peak of the process it starts itself. (This interpreter's own
    # wait4 would not do: a child's peak counts the pages it shared with its parent before
    # exec, here a Python interpreter's.)
    start = time.perf_counter()
    with open(err_path, "wb") as err:
        code = subprocess.call([TIME, "-f", "%M", "-o", rss_path, *args],
                               stdout=subprocess.DEVNULL, stderr=err)
    secs = time.perf_counter() - start
    if code != 0:
        with open(err_path, errors="replace") as f:
            raise SystemExit(f"compare: {' '.join(args)} failed:\n{f.read()}")
    with open(rss_path) as f:
        return secs, int(f.read().split()[-1])


def best_of(programs, rounds, out_root):
    """programs: [(name, cmd)]. Returns {name: (best seconds, peak KiB)}."""
    best = {name: (float("inf"), 0) for name, _ in programs}
    for _ in range(rounds):
        for name, cmd in programs:
            secs, rss = run(cmd, out_root)
            b, p = best[name]
            best[name] = (min(b, secs), max(p, rss))
    return best


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--big", default="")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cores", type=int, default=os.cpu_count())
    ap.add_argument("--outs", required=True)
    ap.add_argument("--python-version", default="")
    a = ap.parse_args()

    forms = os.path.join(a.corpus, "forms")
    n = sum(1 for f in os.listdir(forms) if f.endswith(".docx"))
    extract = os.path.join(os.path.dirname(__file__), "python", "extract.py")
    programs = [
        ("baseline", [a.baseline, forms]),
        ("blankett --jobs 1", [a.bin, "batch", "--jobs", "1", "--out", "{out}", forms]),
        (f"blankett --jobs {a.cores}",
         [a.bin, "batch", "--jobs", str(a.cores), "--out", "{out}", forms]),
        ("python-docx", [a.python, extract, forms, "{out}"]),
    ]
    r = best_of(programs, a.runs, a.outs)
    base = r["baseline"][0]
    one = r["blankett --jobs 1"][0]
    many = r[f"blankett --jobs {a.cores}"][0]
    py = r["python-docx"][0]
    print(f"## {n} district forms ({platform.machine()}, {a.cores} cores, {cpu_model()}), "
          f"best of {a.runs} interleaved rounds\n")
    print("| run | seconds | forms/s | time ÷ baseline | peak memory |")
    print("|---|---:|---:|---:|---:|")
    for name, _ in programs:
        secs, rss = r[name]
        print(f"| {name} | {secs:.3f} | {n / secs:.0f} | {secs / base:.2f}× | {mib(rss)} |")
    print(f"\nblankett on {a.cores} cores: {one / many:.2f}× its one-core throughput. "
          f"python-docx ({a.python_version}): {py / one:.1f}× the time of blankett --jobs 1, "
          f"{py / many:.1f}× that of blankett --jobs {a.cores}.")

    if a.big:
        big_forms = os.path.join(a.big, "forms")
        nb = sum(1 for f in os.listdir(big_forms) if f.endswith(".docx"))
        secs, rss = run([a.bin, "batch", "--jobs", str(a.cores), "--out", "{out}", big_forms],
                        a.outs)
        print(f"\n## {nb} forms in one batch (--jobs {a.cores})\n")
        print(f"{secs:.2f} s, {nb / secs:.0f} forms/s, peak memory {mib(rss)}")

    # Large forms: the same number of bytes at each size (32 copies of 1x, 8 of 4x, 2 of
    # 16x), so time that grows linearly with size gives the same seconds on every row.
    print("\n## Large forms (every answer 50, 200 or 800 long paragraphs), one job\n")
    print("| size | word/document.xml | copies | baseline s | blankett s | ÷ baseline "
          "| blankett MB/s | peak memory |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for scale in (1, 4, 16):
        src = os.path.join(a.corpus, "large", f"large-{scale:02}x.docx")
        copies = 32 // scale
        folder = tempfile.mkdtemp(dir=a.outs, prefix=f"large-{scale}x-")
        for i in range(copies):
            shutil.copy(src, os.path.join(folder, f"copy-{i}.docx"))
        xml = zipfile.ZipFile(src).getinfo("word/document.xml").file_size
        r = best_of([("baseline", [a.baseline, folder]),
                     ("blankett", [a.bin, "batch", "--jobs", "1", "--out", "{out}", folder])],
                    a.runs, a.outs)
        b, _ = r["baseline"]
        s, rss = r["blankett"]
        print(f"| {scale}x | {xml / 1e6:.2f} MB | {copies} | {b:.3f} | {s:.3f} | {s / b:.2f}× "
              f"| {xml * copies / 1e6 / s:.0f} | {mib(rss)} |")
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
