#!/usr/bin/env python3
"""Checks the `repeats` pass against the loops injected into the dev corpus.

Runs the release binary with only the `repeats` pass on every
`NNN.loops.txt` page and compares its fixes with the injections listed in
`NNN.loops.json`:

* found:  an injection removed by one fix: the fix deletes as many characters
          (whitespace not counted) as were inserted, and what it deletes is a
          rotation of the inserted copies lying inside the repeated run (a
          loop can be cut out at any rotation with the same result);
* missed: an injection no fix removes;
* extra:  a fix that removes no injection.

Suggestions are listed apart (they change nothing). It also checks that the
fixed text equals the page the loops were injected into
(`NNN.rapidocr-md.txt`), and that the gold pages get no edit at all.

Usage: tools/check_loops.py [CORPUS_DIR] [--bin PATH] [-v]
Python 3, standard library only. The corpus is read where it is.
"""

import argparse
import json
import pathlib
import subprocess
import sys


def strip_ws(s):
    return "".join(s.split())


def run(binary, args):
    p = subprocess.run([binary, *args], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{binary} {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout


def records(binary, path):
    out = run(binary, ["--pass", "repeats", "--format", "json", "--quiet", str(path)])
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def cp_offset(data, byte_offset):
    """Code-point offset of a byte offset of the UTF-8 text `data`."""
    return len(data[:byte_offset].decode("utf-8"))


def matches(inj, rec, data):
    """True when fix `rec` removes injection `inj` (at any rotation)."""
    removed = strip_ws(rec["before"])
    if rec["after"] or len(removed) != inj["inserted_len"]:
        return False
    span, times = inj["span"], inj["times"]
    run_start = inj["pos"]
    run_end = run_start + inj["span_len"] * times
    start = cp_offset(data, rec["byte_start"])
    end = cp_offset(data, rec["byte_end"])
    # Inside the run, allowing a rotation's worth on either side.
    if start < run_start - inj["span_len"] or end > run_end + inj["span_len"]:
        return False
    return removed in span * (times + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default="/work/shared/corpus")
    ap.add_argument("--bin", default="target/release/ocrfix")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    pages = pathlib.Path(a.corpus) / "dev" / "pages"
    sidecars = sorted(pages.glob("*.loops.json"))
    if not sidecars:
        sys.exit(f"no *.loops.json under {pages}")

    total = found = 0
    missed, extra, suggestions = [], [], []
    restored = 0
    for side in sidecars:
        meta = json.loads(side.read_text(encoding="utf-8"))
        page = meta["page"]
        txt = pages / f"{page}.loops.txt"
        data = txt.read_bytes()
        recs = records(a.bin, txt)
        fixes = [r for r in recs if r["kind"] == "fix"]
        suggestions += [(page, r) for r in recs if r["kind"] != "fix"]
        used = set()
        for inj in meta["injections"]:
            total += 1
            hit = next(
                (i for i, r in enumerate(fixes) if i not in used and matches(inj, r, data)),
                None,
            )
            if hit is None:
                missed.append((page, inj))
            else:
                used.add(hit)
                found += 1
        extra += [(page, r) for i, r in enumerate(fixes) if i not in used]
        fixed = run(a.bin, ["--pass", "repeats", "--quiet", str(txt)])
        source = (pages / meta["derived_from"]).read_text(encoding="utf-8")
        if fixed == source:
            restored += 1
        elif a.verbose:
            print(f"{page}: fixed text differs from {meta['derived_from']}")

    gold_edits = []
    for g in sorted(pages.glob("*.gold.txt")):
        gold_edits += [(g.name, r) for r in records(a.bin, g)]

    print(f"injected loops: {total}")
    print(f"found:   {found}")
    print(f"missed:  {len(missed)}")
    print(f"extra:   {len(extra)}")
    print(f"suggestions on loops pages: {len(suggestions)}")
    print(f"pages restored exactly to the source flavour: {restored}/{len(sidecars)}")
    print(f"edits on gold pages (fixes and suggestions): {len(gold_edits)}")
    for page, inj in missed:
        print(f"  missed {page}: {inj['span']!r} x{inj['times']} at {inj['pos']}")
    for page, r in extra:
        print(f"  extra {page}:{r['line']}:{r['column']}: {r['before']!r} ({r['reason']})")
    for page, r in suggestions:
        print(f"  suggestion {page}:{r['line']}:{r['column']}: {r['before']!r} ({r['reason']})")
    for name, r in gold_edits:
        print(f"  gold {name}:{r['line']}:{r['column']}: {r['kind']} {r['before']!r} ({r['reason']})")
    ok = found == total and not extra and not gold_edits
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
