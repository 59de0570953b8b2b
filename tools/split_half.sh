#!/usr/bin/env bash
# Split-half experiment for `ocrfix learn`: learn each engine's confusions on
# dev pages 001-020 (half A), then run ocrfix on pages 021-040 (half B) and
# score it with `ocrfix eval`, with three rule sets:
#   builtin   the built-in rules (their ocr:N counts come from all 40 pages: leaky)
#   baseline  the built-in rules with every corpus-derived pair neutralised
#             (ocr-only pairs removed, glyph+ocr pairs kept as glyph only)
#   learned   baseline + the layer `ocrfix learn` wrote from half A
# Usage: tools/split_half.sh [CORPUS_DIR]   (release binary; corpus stays in place)
set -euo pipefail
corpus=${1:-../shared/corpus}
pages="$corpus/dev/pages"
bin=${OCRFIX:-target/release/ocrfix}
out=${OUT:-/tmp/ocrfix-split}
rm -rf "$out"; mkdir -p "$out/baseline"
awk -F'\t' 'BEGIN{OFS="\t"} /^#/ {next}
  $4 ~ /ocr:/ { if ($4 ~ /glyph/) print $1,$2,$3,"glyph"; else print "!"$1,$2 }' \
  rules/confusions.tsv > "$out/baseline/confusions.tsv"
for engine in tesseract rapidocr; do
  "$bin" learn --gold "$pages" --ocr "$pages" --ocr-pattern "$engine" --pages 001-020 \
    --rules "$out/baseline" -o "$out/learned-$engine" -q --min-count "${MIN_COUNT:-2}"
done
printf '%-12s %-9s %9s %8s %7s %7s %7s %7s %7s %6s\n' flavour rules CER-nows% CER-ws% fixed introd neutral edit_P% fixed% paraF1
for fl in tesseract rapidocr rapidocr-md loops; do
  engine=$fl; [[ $fl == tesseract ]] || engine=rapidocr
  for cfg in builtin baseline learned; do
    case $cfg in
      builtin) flags=() ;;
      baseline) flags=(--rules "$out/baseline") ;;
      learned) flags=(--rules "$out/baseline" --rules "$out/learned-$engine") ;;
    esac
    d="$out/run/$fl-$cfg"; mkdir -p "$d"
    for n in $(seq 21 40); do
      id=$(printf '%03d' "$n")
      "$bin" "${flags[@]}" -q < "$pages/$id.$fl.txt" > "$d/$id.txt"
    done
    "$bin" eval --gold "$pages" "$d" --pages 021-040 --ocr "$pages" --ocr-pattern "$fl" --format json \
      > "$out/$fl-$cfg.json"
    python3 - "$out/$fl-$cfg.json" "$fl" "$cfg" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["systems"][0]["total"]
e = t["edits_nows"]
pct = lambda x: "-" if x is None else f"{100*x:.2f}"
print(f"{sys.argv[2]:<12} {sys.argv[3]:<9} {100*t['cer_nows']:>9.2f} {100*t['cer_ws']:>8.2f} {e['fixed']:>7} {e['introduced']:>7} {e['neutral']:>7} {pct(e['edit_precision']):>7} {pct(e['fixed_frac']):>7} {t['para_f1']:>6.3f}")
PY
  done
done
echo "gold pages of half B changed by each rule set:"
for cfg in builtin baseline learned-tesseract learned-rapidocr; do
  case $cfg in
    builtin) flags=() ;;
    baseline) flags=(--rules "$out/baseline") ;;
    *) flags=(--rules "$out/baseline" --rules "$out/$cfg") ;;
  esac
  changed=0
  for n in $(seq 21 40); do
    id=$(printf '%03d' "$n")
    "$bin" "${flags[@]}" -q --check < "$pages/$id.gold.txt" > /dev/null || changed=$((changed+1))
  done
  echo "  $cfg: $changed"
done
