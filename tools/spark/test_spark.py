#!/usr/bin/env python3
"""Checks the Spark recipe: Spark's output equals the single-process output.

Packs the dev corpus OCR pages (tesseract, rapidocr, rapidocr-md) as JSON
Lines in a temporary folder (the corpus is never copied into the repo),
with one record ocrfix rejects and one blank line among them,
runs `ocrfix --jsonl text` over them in one process, then runs
ocrfix_spark.py's job in Spark local mode twice: over the single file read
in 5 partitions (output compared byte for byte, in order), and over a
folder of 4 part files read in 7 partitions (compared as sorted lines,
since the order of part files is Spark's). Exits 1 on any difference.

    python3 tools/spark/test_spark.py [PAGES_DIR]

PAGES_DIR defaults to ../shared/corpus/dev/pages (from the repo root);
OCRFIX names the binary (default: target/debug/ocrfix in cargo's target
folder, built if missing).
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

FLAVOURS = ("tesseract", "rapidocr", "rapidocr-md")


def binary():
    if os.environ.get("OCRFIX"):
        return os.path.abspath(os.environ["OCRFIX"])
    subprocess.run(["cargo", "build", "--quiet", "--locked"], cwd=ROOT, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "debug", "ocrfix")


def pack(pages, path, reject=True, escapes=True):
    """One record per OCR page; every other record written with \\u escapes,
    plus fields ocrfix must leave alone. `reject`: add a record ocrfix
    rejects and a blank line after the 49th record. `escapes`: False
    writes every record in plain UTF-8."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for f in sorted(glob.glob(os.path.join(pages, "*.txt"))):
            name = os.path.basename(f)
            page, flavour = name.split(".")[0], name.split(".")[1]
            if flavour not in FLAVOURS:
                continue
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            rec = {
                "id": f"{page}.{flavour}",
                "page": int(page),
                "source": flavour,
                "text": text,
                "meta": {"chars": len(text), "score": 1.0},
            }
            out.write(json.dumps(rec, ensure_ascii=escapes and n % 2 == 1) + "\n")
            n += 1
            if n == 50 and reject:
                # A record ocrfix rejects (passed through) and a blank line.
                out.write('{"id":"no-text","text":null}\n\n')
                n += 2
    return n


def main():
    pages = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus", "dev", "pages")
    if not os.path.isdir(pages):
        print(f"test_spark: no corpus pages at {pages}", file=sys.stderr)
        return 1
    ocrfix = binary()
    from pyspark import SparkConf, SparkContext

    import ocrfix_spark

    with tempfile.TemporaryDirectory(prefix="ocrfix-spark-") as tmp:
        data = os.path.join(tmp, "pages.jsonl")
        n = pack(pages, data)
        with open(data, "rb") as fh:
            raw = fh.read()
        lines = raw.splitlines(keepends=True)
        parts = os.path.join(tmp, "parts")
        os.mkdir(parts)
        step = -(-len(lines) // 4)
        for k in range(4):
            with open(os.path.join(parts, f"part-{k}.jsonl"), "wb") as fh:
                fh.writelines(lines[k * step : (k + 1) * step])

        t = time.time()
        single = subprocess.run([ocrfix, "--jsonl", "text", "-q"], input=raw, capture_output=True)
        if single.returncode != 2 or b"rejected: field text is null" not in single.stderr:
            # Exactly the one record with "text": null is rejected.
            print(f"test_spark: ocrfix exited {single.returncode}: {single.stderr.decode()}", file=sys.stderr)
            return 1
        expected = single.stdout
        print(f"test_spark: {n} records, {len(raw) / 1e6:.2f} MB; single process {time.time() - t:.1f} s")
        changed = sum(a != b for a, b in zip(lines, expected.splitlines(keepends=True)))
        if changed == 0:
            print("test_spark: ocrfix changed no record; nothing is being compared", file=sys.stderr)
            return 1

        conf = SparkConf().setAppName("ocrfix-test").setMaster("local[2]")
        conf.set("spark.ui.enabled", "false")
        conf.set("spark.ui.showConsoleProgress", "false")
        sc = SparkContext(conf=conf)
        sc.setLogLevel("ERROR")
        failures = 0
        try:
            for name, source, partitions, ordered in (
                ("one file, 5 partitions", data, 5, True),
                ("4 part files, 7 partitions", parts, 7, False),
            ):
                t = time.time()
                dest = os.path.join(tmp, "out-" + str(partitions))
                n_in, n_out = ocrfix_spark.fix_dataset(
                    sc, source, dest, partitions=partitions, ocrfix=ocrfix
                )
                got = b""
                outs = sorted(glob.glob(os.path.join(dest, "part-*")))
                for p in outs:
                    with open(p, "rb") as fh:
                        got += fh.read()
                if ordered:
                    same = got == expected
                else:
                    same = sorted(got.splitlines(keepends=True)) == sorted(expected.splitlines(keepends=True))
                ok = same and n_in == n_out == n and len(outs) >= partitions
                failures += not ok
                print(
                    f"test_spark: {name}: {len(outs)} output parts, {n_in} in / {n_out} out, "
                    f"{'identical to' if same else 'DIFFERENT from'} the single-process output "
                    f"({time.time() - t:.1f} s)"
                )
        finally:
            sc.stop()
    print(f"test_spark: {changed} of {n} records changed; {'FAILED' if failures else 'ok'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
