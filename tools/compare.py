#!/usr/bin/env python3
"""Compare ocrfix with what a user would otherwise reach for, on the same pages.

Tools, all run over the same dev-corpus OCR pages (the flavours tesseract,
rapidocr, rapidocr-md and loops; 160 pages):
  ocrfix       the release binary, full default pipeline
  autocorrect  autocorrect-py (`pip install autocorrect-py`), the Rust CJK
               formatter behind a Python binding: autocorrect_py.format(text)
  regex        the naive one-liner: join the lines of every block (runs of
               non-blank lines) and delete every whitespace run between two
               Chinese characters (ideographs and CJK punctuation)

Speed (single thread, MB of input per second):
  in-process   the transformation alone, text already in memory, CPU time,
               best of --rounds rounds (ocrfix: examples/bench.rs; the Python
               tools: a loop in this interpreter, import excluded)
  one process  one process over all pages, start-up and file I/O included
               (ocrfix folder mode -j 1; python3 running a worker over the folder)
  per page     one process per page through stdin, as in a shell loop
  start-up     `echo 实于奋斗 | TOOL`, per run
Quality: every tool's output scored with the corpus's score.py (--edits against
the raw flavour it was given).

Prints per-flavour tables, then a README-ready block (two markdown tables).
The corpus stays where it is; pages are copied only into a temporary folder.

Usage: tools/compare.py [--corpus ../shared/corpus] [--bin target/release/ocrfix]
                        [--rounds 3] [--startup-runs 50] [--keep DIR]
Needs: python3 with rapidfuzz and autocorrect-py (skipped with a note if absent).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAVOURS = ["tesseract", "rapidocr", "rapidocr-md", "loops"]

# The naive baseline, as a user would type it in a shell. `naive` below is the
# same transformation as a function (checked against the one-liner on every
# page before anything is timed).
NAIVE_ONELINER = (
    "import re,sys;C='[\\u2e80-\\u9fff\\uff00-\\uffef“”‘’—…·]';"
    "sys.stdout.write('\\n\\n'.join(re.sub(f'(?<={C})\\\\s+(?={C})','',b.replace('\\n',''))"
    " for b in re.split(r'\\n\\s*\\n',sys.stdin.read().strip()))+'\\n')"
)
_C = "[\u2e80-\u9fff\uff00-\uffef“”‘’—…·]"
_SPACE_RE = re.compile(f"(?<={_C})\\s+(?={_C})")
_BLOCK_RE = re.compile(r"\n\s*\n")


def naive(text):
    blocks = _BLOCK_RE.split(text.strip())
    return "\n\n".join(_SPACE_RE.sub("", b.replace("\n", "")) for b in blocks) + "\n"


AUTOCORRECT_ONELINER = (
    "import sys,autocorrect_py as a;sys.stdout.write(a.format(sys.stdin.read()))"
)


def autocorrect_fn():
    try:
        import autocorrect_py  # noqa: F401
    except ImportError:
        return None
    return autocorrect_py.format


def worker(tool, src, dst):
    """One process over a folder tree: what 'one process' times for Python tools."""
    fn = naive if tool == "regex" else autocorrect_fn()
    for root, _, files in os.walk(src):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), src)
            with open(os.path.join(src, rel), encoding="utf-8") as f:
                out = fn(f.read())
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            with open(os.path.join(dst, rel), "w", encoding="utf-8") as f:
                f.write(out)


def run_timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - t


def score(corpus, cand_dir, flavour):
    """score.py totals for one flavour's output folder (or the raw pages)."""
    pages = os.path.join(corpus, "dev", "pages")
    pattern = flavour if cand_dir == pages else "{id}.txt"
    out = subprocess.run(
        [sys.executable, os.path.join(corpus, "score.py"), pages, cand_dir,
         "-p", pattern, "--edits", flavour, "--json"],
        check=True, capture_output=True, text=True).stdout
    (fl,) = json.loads(out)["flavours"].values()
    return fl["total"]


def summed(totals):
    """Micro-averaged totals over several flavours."""
    s = {}
    for k in ["gold_chars", "ed_nows", "gold_len_ws", "ed_ws", "cjk_spaces", "hw_punct",
              "gold_breaks", "cand_breaks", "tp_breaks"]:
        s[k] = sum(t[k] for t in totals)
    for k in ["fixed", "introduced", "neutral", "changes", "raw_errors"]:
        s["c_" + k] = sum(t["edits_nows"][k] for t in totals)
    s["cer_nows"] = s["ed_nows"] / s["gold_chars"]
    s["cer_ws"] = s["ed_ws"] / s["gold_len_ws"]
    p = s["tp_breaks"] / s["cand_breaks"] if s["cand_breaks"] else 0.0
    r = s["tp_breaks"] / s["gold_breaks"] if s["gold_breaks"] else 0.0
    s["para_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return s


def quality_row(name, t, raw=False, gold=None):
    ch = t["c_changes"]
    edit_p = "–" if raw or not ch else f"{100 * t['c_fixed'] / ch:.1f}"
    intro = "–" if raw else f"{t['c_fixed']} / {t['c_introduced']}"
    return (f"| {name} | {100 * t['cer_nows']:.2f} | {100 * t['cer_ws']:.2f} | "
            f"{t['cjk_spaces']} | {t['hw_punct']} | {t['para_f1']:.3f} | {edit_p} | {intro} |"
            + ("" if gold is None else f" {gold} |"))


QUALITY_HEAD = ("| tool | CER-nows % | CER-ws % | cjk_sp | hw_pun | para F1 "
                "| content edit P % | content fixed / introduced |\n|---|---|---|---|---|---|---|---|")


QUALITY_HEAD_GOLD = ("| tool | CER-nows % | CER-ws % | cjk_sp | hw_pun | para F1 "
                     "| content edit P % | content fixed / introduced | gold pages changed |\n"
                     "|---|---|---|---|---|---|---|---|---|")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus"))
    ap.add_argument("--bin", default=os.environ.get(
        "OCRFIX", os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")),
                               "release", "ocrfix")))
    ap.add_argument("--rounds", type=int, default=3, help="in-process rounds (best is kept)")
    ap.add_argument("--startup-runs", type=int, default=50)
    ap.add_argument("--keep", help="write inputs and outputs here instead of a temp folder")
    ap.add_argument("--worker", nargs=3, metavar=("TOOL", "SRC", "DST"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(*a.worker)
        return

    corpus = os.path.abspath(a.corpus)
    pages_dir = os.path.join(corpus, "dev", "pages")
    if not os.path.isdir(pages_dir):
        sys.exit(f"no dev corpus at {pages_dir} (--corpus)")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    example = os.path.join(target, "release", "examples", "bench")
    if not (os.path.exists(a.bin) and os.path.exists(example)):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "ocrfix",
                        "--example", "bench"], check=True, cwd=REPO)
    ac = autocorrect_fn()
    if ac is None:
        print("note: autocorrect-py not installed (pip install autocorrect-py): skipped")

    work = a.keep or tempfile.mkdtemp(prefix="ocrfix-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        # Inputs: inp/FLAVOUR/NNN.txt (for folder mode and the workers) and
        # flat/NNN.FLAVOUR.txt (for examples/bench.rs, which reads one folder).
        inp, flat = os.path.join(work, "in"), os.path.join(work, "flat")
        texts, files = [], []
        for fl in FLAVOURS:
            os.makedirs(os.path.join(inp, fl), exist_ok=True)
            for name in sorted(os.listdir(pages_dir)):
                if name.endswith(f".{fl}.txt"):
                    pid = name.split(".")[0]
                    dst = os.path.join(inp, fl, pid + ".txt")
                    shutil.copyfile(os.path.join(pages_dir, name), dst)
                    os.makedirs(flat, exist_ok=True)
                    shutil.copyfile(dst, os.path.join(flat, name))
                    with open(dst, encoding="utf-8") as f:
                        texts.append(f.read())
                    files.append(dst)
        nbytes = sum(len(t.encode()) for t in texts)
        mb = nbytes / 1e6
        print(f"{len(texts)} pages ({', '.join(FLAVOURS)}), {mb:.2f} MB")

        tools = ["ocrfix"] + (["autocorrect"] if ac else []) + ["regex"]
        speed = {t: {} for t in tools}

        # In process. CPU time (user + system), not wall time: the work is
        # single-threaded compute, so on a quiet machine the two agree, and
        # on a busy one CPU time still compares the tools fairly. ocrfix's
        # is the example's whole CPU time (reading the pages and building
        # the pipeline included: about 1% of it).
        import resource

        def children_cpu():
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            return r.ru_utime + r.ru_stime

        c0 = children_cpu()
        out = subprocess.run([example, flat, str(a.rounds), "pipeline"], check=True,
                             capture_output=True, text=True).stdout
        speed["ocrfix"]["inproc"] = mb * a.rounds / (children_cpu() - c0)
        m = re.search(r"^pipeline\s+([\d.]+) MB/s", out, re.M)
        speed["ocrfix"]["inproc_wall"] = float(m.group(1)) if m else float("nan")
        for name, fn in [("autocorrect", ac), ("regex", naive)]:
            if name not in tools:
                continue
            best = best_wall = float("inf")
            for _ in range(a.rounds):
                t, w = time.process_time(), time.perf_counter()
                for text in texts:
                    fn(text)
                best = min(best, time.process_time() - t)
                best_wall = min(best_wall, time.perf_counter() - w)
            speed[name]["inproc"] = mb / best
            speed[name]["inproc_wall"] = mb / best_wall
        print("in process, wall time: " + ", ".join(
            f"{t} {speed[t]['inproc_wall']:.1f} MB/s" for t in tools))

        # One process over all pages; these outputs are the ones scored.
        outs = {}
        for name in tools:
            dst = os.path.join(work, "out", name)
            shutil.rmtree(dst, ignore_errors=True)
            if name == "ocrfix":
                cmd = [a.bin, "-q", "-j", "1", inp, "-o", dst]
            else:
                cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, inp, dst]
            speed[name]["process"] = mb / run_timed(cmd)
            outs[name] = dst

        # One process per page, through stdin.
        def per_page_cmd(name):
            if name == "ocrfix":
                return [a.bin]
            return [sys.executable, "-c", AUTOCORRECT_ONELINER if name == "autocorrect"
                    else NAIVE_ONELINER]

        for name in tools:
            cmd = per_page_cmd(name)
            t = time.perf_counter()
            results = []
            for path in files:
                with open(path, "rb") as f:
                    results.append(subprocess.run(cmd, stdin=f, capture_output=True,
                                                  check=True).stdout)
            secs = time.perf_counter() - t
            speed[name]["perpage_ms"] = 1000 * secs / len(files)
            # Per-page runs (the one-liners as typed) must give what the
            # one-process runs gave (ocrfix's folder mode, the functions).
            for path, got in zip(files, results):
                rel = os.path.relpath(path, inp)
                with open(os.path.join(outs[name], rel), "rb") as f:
                    if f.read() != got:
                        sys.exit(f"{name}: per-page output differs from one-process output on {rel}")
            line = "实于奋斗\n".encode()
            t = time.perf_counter()
            for _ in range(a.startup_runs):
                subprocess.run(cmd, input=line, stdout=subprocess.DEVNULL, check=True)
            speed[name]["startup_ms"] = 1000 * (time.perf_counter() - t) / a.startup_runs

        # Clean text: how many of the 40 gold pages each tool changes, and
        # by how many characters (Levenshtein, whitespace included).
        from rapidfuzz.distance import Levenshtein
        gold_in = os.path.join(work, "gold")
        os.makedirs(gold_in, exist_ok=True)
        golds = {}
        for name in sorted(os.listdir(pages_dir)):
            if name.endswith(".gold.txt"):
                shutil.copyfile(os.path.join(pages_dir, name), os.path.join(gold_in, name))
                with open(os.path.join(gold_in, name), encoding="utf-8") as f:
                    golds[name] = f.read()
        gold_out = os.path.join(work, "out", "ocrfix-gold")
        shutil.rmtree(gold_out, ignore_errors=True)
        subprocess.run([a.bin, "-q", "-j", "1", gold_in, "-o", gold_out], check=True)
        gold_changed = {}
        for name in tools:
            pages_changed = chars = 0
            for gname, g in golds.items():
                if name == "ocrfix":
                    with open(os.path.join(gold_out, gname), encoding="utf-8") as f:
                        o = f.read()
                else:
                    o = (ac if name == "autocorrect" else naive)(g)
                if o != g:
                    pages_changed += 1
                    chars += Levenshtein.distance(g, o)
            gold_changed[name] = f"{pages_changed} / {len(golds)} ({chars} chars)"

        # Quality.
        per_flavour = {"raw": {}, **{t: {} for t in tools}}
        for fl in FLAVOURS:
            per_flavour["raw"][fl] = score(corpus, pages_dir, fl)
            for name in tools:
                per_flavour[name][fl] = score(corpus, os.path.join(outs[name], fl), fl)
        labels = {"raw": "raw OCR (no tool)", "ocrfix": "ocrfix",
                  "autocorrect": "autocorrect-py " + autocorrect_version(),
                  "regex": "naive regex one-liner"}
        for fl in FLAVOURS:
            print(f"\n### {fl}\n\n{QUALITY_HEAD}")
            for name in per_flavour:
                print(quality_row(labels[name], summed([per_flavour[name][fl]]), name == "raw"))

        # README block.
        base = speed["ocrfix"]

        def cell(name, key, unit):
            v = speed[name][key]
            if name == "ocrfix" or not base[key]:
                return f"{v:.1f} {unit}"
            return f"{v:.1f} {unit} ({ratio(v / base[key])})"

        print("\n---- README (Performance: Compared with …) ----\n")
        print(f"Same {len(texts)} OCR pages ({mb:.2f} MB: {', '.join(FLAVOURS)}), "
              f"one thread; `tools/compare.py`. In brackets: the tool's figure ÷ ocrfix's.\n")
        print("| tool | in process (CPU time) | one process, all pages | one process per page | "
              "start-up (one line) |\n|---|---|---|---|---|")
        for name in tools:
            print(f"| {labels[name]} | {cell(name, 'inproc', 'MB/s')} | "
                  f"{cell(name, 'process', 'MB/s')} | {cell(name, 'perpage_ms', 'ms/page')} | "
                  f"{cell(name, 'startup_ms', 'ms')} |")
        print("\nQuality on the same pages (score.py, the four flavours summed; "
              "content edits: whitespace ignored, against the raw page; last column: "
              "the 40 clean gold pages run through the tool):\n")
        print(QUALITY_HEAD_GOLD)
        for name in per_flavour:
            print(quality_row(labels[name], summed(list(per_flavour[name].values())),
                              name == "raw", gold_changed.get(name, "–")))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def ratio(r):
    if r >= 10:
        return f"{r:.0f}×"
    return f"{r:.1f}×" if r >= 1 else f"{r:.2f}×"


def autocorrect_version():
    try:
        from importlib.metadata import version
        return version("autocorrect-py")
    except Exception:  # noqa: BLE001 - a label only
        return ""


if __name__ == "__main__":
    main()
