#!/usr/bin/env bash
# Where the time goes, before anyone optimises: perf profiles of the release
# binary (which keeps line tables: profile.release debug = 1).
#   1. throughput: one pass of the dev-corpus OCR pages through stdin
#   2. start-up: `echo 实于奋斗 | ocrfix`, 50 runs
# Prints the ocrfix functions with the largest inclusive share (children
# included) for each; perf.data files are left in OUT for `perf report -i`.
# Usage: tools/profile.sh [PAGES_DIR]   (OUT=/tmp/ocrfix-profile by default)
# Needs: perf (Debian: linux-perf) and permission to use it.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-../shared/corpus/dev/pages}
bin=${OCRFIX:-${CARGO_TARGET_DIR:-target}/release/ocrfix}
out=${OUT:-/tmp/ocrfix-profile}
command -v perf > /dev/null || { echo "perf not found (apt-get install linux-perf)" >&2; exit 2; }
[ -x "$bin" ] || cargo build --release --quiet --bin ocrfix
mkdir -p "$out"
cat "$pages"/*.tesseract.txt "$pages"/*.rapidocr.txt "$pages"/*.rapidocr-md.txt \
  "$pages"/*.loops.txt > "$out/ocr.txt"
echo 实于奋斗 > "$out/one.txt"

top() { # perf.data, how many lines
  perf report -i "$1" --comm ocrfix --children --stdio -g none --percent-limit 2 2> /dev/null |
    grep -E '^ +[0-9.]+%' |
    sed -E 's/^ +([0-9.]+%) .*\] /\1  /' |
    grep -v -E ' (core|alloc|std)::|lang_start|ocrfix::main$|ocrfix::cli::|_start|^[0-9.]+%  main$|libc_start' |
    head -n "$2"
}

echo "== throughput: $(wc -c < "$out/ocr.txt") bytes of OCR pages through stdin (inclusive %)"
perf record -q -F 999 --call-graph dwarf,16384 -o "$out/stream.data" \
  "$bin" < "$out/ocr.txt" > /dev/null 2> /dev/null
top "$out/stream.data" 25
echo
echo "== start-up: echo 实于奋斗 | ocrfix, 50 runs (inclusive %, threads summed)"
perf record -q -F 20000 --call-graph dwarf,16384 -o "$out/startup.data" -- \
  bash -c "for ((i = 0; i < 50; i++)); do \"$bin\" < \"$out/one.txt\" > /dev/null; done" 2> /dev/null
top "$out/startup.data" 25
