#!/usr/bin/env bash
# Runs ocrfix over every flavour of the dev corpus and scores the output.
# Usage: tools/eval.sh [CORPUS_DIR] [extra ocrfix flags...]
# Needs: python3 with rapidfuzz; the corpus stays where it is (never copied).
set -euo pipefail
corpus=${1:-../shared/corpus}
shift || true
bin=${OCRFIX:-target/release/ocrfix}
out=${OUT:-/tmp/ocrfix-eval}
rm -rf "$out"; mkdir -p "$out"
for fl in tesseract rapidocr rapidocr-md loops gold; do
  mkdir -p "$out/$fl"
  for f in "$corpus"/dev/pages/*."$fl".txt; do
    id=$(basename "$f" ."$fl".txt)
    "$bin" "$@" < "$f" > "$out/$fl/$id.txt"
  done
done
for fl in tesseract rapidocr rapidocr-md loops; do
  echo "== $fl"
  python3 "$corpus/score.py" "$corpus/dev/pages" "$out/$fl" -p '{id}.txt' --edits "$fl" | tail -n 12
done
echo "== gold (clean text: edits made)"
changed=0
for f in "$corpus"/dev/pages/*.gold.txt; do
  id=$(basename "$f" .gold.txt)
  cmp -s "$f" "$out/gold/$id.txt" || { changed=$((changed+1)); echo "changed: $id"; }
done
echo "gold pages changed: $changed"
