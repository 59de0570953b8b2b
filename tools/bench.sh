#!/usr/bin/env bash
# Whole-process figures: throughput through stdin, peak memory, start-up,
# folder mode on 1 and 2 threads. Inputs are built in a temporary folder
# from the dev corpus pages (never copied into the repo).
# Usage: tools/bench.sh [CORPUS_PAGES_DIR] [MB]
set -euo pipefail
pages=${1:-../shared/corpus/dev/pages}
mb=${2:-12}
bin=${OCRFIX:-target/release/ocrfix}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$bin" ] || cargo build --release --quiet
# A stream of OCR pages (all flavours) until it holds $mb MB.
while [ "$(stat -c %s "$tmp/big.txt" 2>/dev/null || echo 0)" -lt $((mb * 1000000)) ]; do
  cat "$pages"/*.txt >> "$tmp/big.txt"
done
size=$(stat -c %s "$tmp/big.txt")
/usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" < "$tmp/big.txt" > /dev/null
read -r secs rss < "$tmp/time"
echo "stdin:   $(awk -v s="$size" -v t="$secs" 'BEGIN{printf "%.1f MB in %.2f s = %.1f MB/s", s/1e6, t, s/1e6/t}'), peak RSS $((rss / 1024)) MiB"
# Start-up: one short line, 200 times.
start=$(date +%s.%N)
for _ in $(seq 200); do echo "实于奋斗" | "$bin" > /dev/null; done
end=$(date +%s.%N)
echo "start-up: $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f ms per run", (b-a)/200*1000}') (echo 实于奋斗 | ocrfix)"
# Folder mode: 2000 pages.
mkdir -p "$tmp/tree"
for i in $(seq 0 9); do mkdir -p "$tmp/tree/d$i"; cp "$pages"/*.txt "$tmp/tree/d$i/"; done
n=$(find "$tmp/tree" -name '*.txt' | wc -l)
tsize=$(du -sb "$tmp/tree" | cut -f1)
for j in 1 2; do
  rm -rf "$tmp/out"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" -q -j $j "$tmp/tree" -o "$tmp/out"
  read -r secs rss < "$tmp/time"
  echo "folder -j $j: $n files, $(awk -v s="$tsize" -v t="$secs" 'BEGIN{printf "%.2f s = %.1f MB/s", t, s/1e6/t}'), peak RSS $((rss / 1024)) MiB"
done
