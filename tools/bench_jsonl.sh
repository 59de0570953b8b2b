#!/usr/bin/env bash
# Throughput of `ocrfix --jsonl text` on the dev corpus OCR pages packed as
# JSON Lines (built in a temporary folder; the corpus is never copied into
# the repo): one process on 1 and 2 threads, GNU parallel --pipe if
# installed, and the Spark recipe in local mode if pyspark is.
# Usage: tools/bench_jsonl.sh [CORPUS_PAGES_DIR] [COPIES]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-../shared/corpus/dev/pages}
copies=${2:-8}
bin=$(realpath "${OCRFIX:-target/release/ocrfix}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$bin" ] || cargo build --release --quiet
python3 -c 'import sys; sys.path.insert(0, "tools/spark"); import test_spark; test_spark.pack(sys.argv[1], sys.argv[2], reject=False, escapes=False)' "$pages" "$tmp/once.jsonl"
for _ in $(seq "$copies"); do cat "$tmp/once.jsonl"; done > "$tmp/pages.jsonl"
size=$(stat -c %s "$tmp/pages.jsonl")
recs=$(wc -l < "$tmp/pages.jsonl")
echo "input: $recs records, $(awk -v s="$size" 'BEGIN{printf "%.1f MB", s/1e6}')"
rate() { awk -v s="$size" -v r="$recs" -v t="$1" 'BEGIN{printf "%.2f s = %.0f records/s, %.2f MB/s", t, r/t, s/1e6/t}'; }
# CPU seconds (user + system) give the figure per core even when other
# work shares the machine; wall seconds show what -j 2 gains.
for j in 1 2; do
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin" --jsonl text -j "$j" < "$tmp/pages.jsonl" > "$tmp/out-$j.jsonl"
  read -r secs usr sys rss < "$tmp/time"
  echo "ocrfix --jsonl text -j $j: wall $(rate "$secs"); per CPU second $(rate "$(awk -v u="$usr" -v s="$sys" 'BEGIN{print u+s}')"); peak RSS $((rss / 1024)) MiB"
done
# The same texts as plain text through standard input, for comparison.
python3 -c 'import json, sys; [sys.stdout.write(json.loads(l)["text"] + "\n") for l in open(sys.argv[1], encoding="utf-8")]' "$tmp/pages.jsonl" > "$tmp/pages.txt"
/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$bin" -j 1 < "$tmp/pages.txt" > /dev/null
read -r secs usr sys < "$tmp/time"
jsize=$size; size=$(stat -c %s "$tmp/pages.txt")
echo "same texts as plain text on stdin ($(awk -v s="$size" 'BEGIN{printf "%.1f MB", s/1e6}')): per CPU second $(rate "$(awk -v u="$usr" -v s="$sys" 'BEGIN{print u+s}')")"
size=$jsize
cmp -s "$tmp/out-1.jsonl" "$tmp/out-2.jsonl" && echo "-j 1 and -j 2 outputs identical"
if command -v parallel >/dev/null; then
  start=$(date +%s.%N)
  parallel --pipe --block 1M -k "$bin" --jsonl text -j 1 < "$tmp/pages.jsonl" > "$tmp/out-par.jsonl"
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
  echo "parallel --pipe --block 1M -k (2 jobs): $(rate "$secs")"
  cmp -s "$tmp/out-1.jsonl" "$tmp/out-par.jsonl" && echo "parallel output identical to one process"
else
  echo "GNU parallel not installed: skipped"
fi
if python3 -c 'import pyspark' 2>/dev/null; then
  start=$(date +%s.%N)
  python3 tools/spark/ocrfix_spark.py "$tmp/pages.jsonl" "$tmp/spark" --partitions 8 --ocrfix "$bin" 2>"$tmp/spark.log"
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
  echo "spark local[*], 8 partitions (incl. Spark start-up): $(rate "$secs")"
  cat "$tmp"/spark/part-* | cmp -s "$tmp/out-1.jsonl" - && echo "spark output identical to one process"
else
  echo "pyspark not installed: skipped"
fi
