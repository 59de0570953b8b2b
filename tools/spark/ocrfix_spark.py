#!/usr/bin/env python3
"""Clean a JSON Lines dataset with ocrfix on Apache Spark.

Each partition of the dataset is piped through one `ocrfix --jsonl FIELD`
process with `RDD.pipe`; ocrfix keeps every record's other fields byte for
byte and its output lines in input order, so the output partitions hold the
same records as the input partitions, corrected.

    python3 tools/spark/ocrfix_spark.py INPUT OUTPUT [--field text]
        [--partitions N] [--ocrfix PATH] [-- EXTRA OCRFIX FLAGS]

INPUT is anything `SparkContext.textFile` reads (a file, a folder of part
files, a glob, a comma-separated list; .gz is read too). OUTPUT is a new
folder of part files (`saveAsTextFile`). Runs in local mode
(`local[*]`) unless a master is given, e.g. by `spark-submit --master ...`.

Records ocrfix rejects (invalid JSON, no such field, not a string) pass
through unchanged and are named on the executors' standard error; they do
not fail the task. The script checks that as many records came out as went
in and exits 1 otherwise.

On a cluster the ocrfix binary must be at the given path on every worker
(install it there, or ship it with `spark-submit --files` and pass
`--ocrfix ./ocrfix` where the cluster puts shipped files in the task's
working folder, as YARN does).
"""

import argparse
import os
import shlex
import sys

from pyspark import SparkConf, SparkContext

# ocrfix exits 2 when it rejected a record; the record is passed through
# unchanged, so that is not a failure of the task. Any other non-zero exit
# (a crash, a signal) fails the task and Spark retries it.
WRAPPER = '"$0" "$@"; rc=$?; if [ "$rc" -eq 2 ]; then rc=0; fi; exit "$rc"'


def pipe_command(ocrfix, field, jobs, extra):
    """The command line RDD.pipe runs for each partition."""
    args = [ocrfix, "--jsonl", field, "-q", "-j", str(jobs), *extra]
    return shlex.join(["/bin/sh", "-c", WRAPPER, *args])


def fix_dataset(sc, source, dest, field="text", partitions=None, ocrfix="ocrfix", jobs=1, extra=()):
    """Runs ocrfix over the JSON Lines at `source`, writes part files to
    `dest`. Returns (records in, records out), counted by reading both
    again (cheap next to the cleaning, and exact even if tasks were retried)."""
    lines = sc.textFile(source, minPartitions=partitions) if partitions else sc.textFile(source)
    lines.pipe(pipe_command(ocrfix, field, jobs, list(extra)), checkCode=True).saveAsTextFile(dest)
    return lines.count(), sc.textFile(dest).count()


def resolve(ocrfix):
    """An absolute path for the binary: RDD.pipe runs it with no PATH."""
    if os.sep in ocrfix:
        return os.path.abspath(ocrfix)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, ocrfix)
        if os.access(p, os.X_OK):
            return p
    return ocrfix


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--field", default="text", help="dotted path of the text field (default: text)")
    ap.add_argument("--partitions", type=int, help="minimum number of partitions to read the input in")
    ap.add_argument("--ocrfix", default="ocrfix", help="path of the ocrfix binary on the workers")
    ap.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="ocrfix threads per task (default 1: Spark runs one task per core)",
    )
    ap.epilog = "More ocrfix flags go after --, e.g. -- --jsonl-edits edits"
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.extra = extra
    return args


def main(argv=None):
    args = parse_args(argv)
    conf = SparkConf().setAppName("ocrfix").setIfMissing("spark.master", "local[*]")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        n_in, n_out = fix_dataset(
            sc,
            args.input,
            args.output,
            field=args.field,
            partitions=args.partitions,
            ocrfix=resolve(args.ocrfix),
            jobs=args.jobs,
            extra=args.extra,
        )
    finally:
        sc.stop()
    print(f"ocrfix_spark: {n_in} records in, {n_out} out -> {args.output}", file=sys.stderr)
    if n_in != n_out:
        print("ocrfix_spark: error: records were lost; see the executors' standard error", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
