#!/usr/bin/env bash
# Whole-process figures for README's Performance section, printed as
# README-ready table rows at the end:
#   - in-process MB/s, whole pipeline and each pass (examples/bench.rs)
#   - stdin throughput and peak RSS on a 12 MB stream of OCR pages
#   - with --big: the same on a 1 GB stream (about 10 min at 2 MB/s), to
#     show that memory stays flat in the input size
#   - start-up and peak RSS of `echo 实于奋斗 | ocrfix` (hyperfine if present)
#   - folder mode on 2,000 pages with -j 1 and -j 2: speed-up, and the two
#     output trees must be identical
# Streams are generated on the fly from the dev corpus OCR pages (tesseract,
# rapidocr, rapidocr-md, loops) and piped in: nothing is written to disk but
# the folder-mode tree, in a temporary folder that is removed at the end.
#
# Usage: tools/bench.sh [--big[=MB]] [--mb MB] [--no-inproc] [PAGES_DIR]
#   --big       also stream 1,000 MB (or MB) through stdin
#   --mb MB     size of the ordinary stdin stream (default 12)
#   --no-inproc skip the in-process figures
#   PAGES_DIR   default ../shared/corpus/dev/pages; OCRFIX=path picks the binary
set -euo pipefail
cd "$(dirname "$0")/.."
pages=../shared/corpus/dev/pages
mb=12
big=0
inproc=1
for arg in "$@"; do
  case $arg in
    --big) big=1000 ;;
    --big=*) big=${arg#--big=} ;;
    --mb=*) mb=${arg#--mb=} ;;
    --mb) echo "use --mb=MB" >&2; exit 2 ;;
    --no-inproc) inproc=0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) pages=$arg ;;
  esac
done
[ -d "$pages" ] || { echo "no corpus pages at $pages" >&2; exit 2; }
target=${CARGO_TARGET_DIR:-target}
bin=${OCRFIX:-$target/release/ocrfix}
example=$target/release/examples/bench
if [ ! -x "$bin" ] || { [ "$inproc" = 1 ] && [ ! -x "$example" ]; }; then
  cargo build --release --quiet --bin ocrfix --example bench
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ocr=("$pages"/*.tesseract.txt "$pages"/*.rapidocr.txt "$pages"/*.rapidocr-md.txt "$pages"/*.loops.txt)
round=$(cat "${ocr[@]}" | wc -c)
rows=()

# A stream of whole OCR pages (all four flavours, again and again) of at
# least $1 MB, never cut inside a page.
stream() {
  local rounds=$(( ($1 * 1000000 + round - 1) / round ))
  for ((i = 0; i < rounds; i++)); do cat "${ocr[@]}"; done
}

# stdin throughput and peak RSS of one run over a stream of $1 MB.
# $2: worker threads (default 1).
stdin_run() {
  local size=$(( ($1 * 1000000 + round - 1) / round * round ))
  stream "$1" | /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$bin" -j "${2:-1}" > /dev/null
  read -r secs rss user sys < "$tmp/time"
  awk -v s="$size" -v t="$secs" -v r="$rss" -v c="$(awk -v u="$user" -v y="$sys" 'BEGIN{print u+y}')" \
    'BEGIN{printf "%.1f MB/s (%.1f s; %.1f MB/s of CPU time), peak RSS %.0f MiB", s/1e6/t, t, s/1e6/c, r/1024}'
}
# The size in MB a stream of $1 MB really has (whole rounds of pages).
stream_mb() { echo $(( ($1 * 1000000 + round - 1) / round * round / 1000000 )); }

if [ "$inproc" = 1 ]; then
  echo "== in process, one thread, all $(ls "$pages"/*.txt | wc -l) corpus files (examples/bench.rs)"
  "$example" "$pages" 5 | tee "$tmp/inproc"
  pipe=$(awk '$1=="pipeline"{print $2}' "$tmp/inproc")
  passes=$(awk '$1!="pipeline" && $3=="MB/s"{printf "%s%s %s", sep, $1, $2; sep=", "}' "$tmp/inproc")
  rows+=("| whole pipeline, in process, one thread | $pipe MB/s |")
  rows+=("| per pass, in process | $passes MB/s |")
fi

echo "== stdin, $mb MB of OCR pages"
small=$(stdin_run "$mb")
echo "$small"
rows+=("| stdin, $(stream_mb "$mb") MB of OCR pages | $small |")
echo "== stdin, $mb MB of OCR pages, -j 2 (chunks fixed in parallel)"
small2=$(stdin_run "$mb" 2)
echo "$small2"
rows+=("| stdin, $(stream_mb "$mb") MB of OCR pages, \`-j 2\` | $small2 |")
if [ "$big" != 0 ]; then
  echo "== stdin, $big MB of OCR pages (streamed)"
  large=$(stdin_run "$big")
  echo "$large"
  rows+=("| stdin, $(stream_mb "$big") MB of OCR pages | $large |")
fi

echo "== start-up: echo 实于奋斗 | ocrfix"
/usr/bin/time -f "%M" -o "$tmp/time" "$bin" <<< "实于奋斗" > /dev/null
srss=$(( $(cat "$tmp/time") / 1024 ))
if command -v hyperfine > /dev/null; then
  if hyperfine --help | grep -q -- '--input'; then
    hyperfine -N --warmup 20 --runs 300 --input <(echo 实于奋斗) --export-json "$tmp/hf.json" \
      "$bin" > "$tmp/hf.out" 2>&1
  else # older hyperfine: through a shell, whose own start-up it subtracts
    hyperfine --shell=bash --warmup 20 --runs 300 --export-json "$tmp/hf.json" \
      "echo 实于奋斗 | $bin" > "$tmp/hf.out" 2>&1
  fi
  startup=$(python3 - "$tmp/hf.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.1f ms ± %.1f (hyperfine, %d runs)" % (1000 * r["mean"], 1000 * r["stddev"], len(r["times"])))
PY
)
else
  n=300
  start=$(date +%s.%N)
  for ((i = 0; i < n; i++)); do echo "实于奋斗" | "$bin" > /dev/null; done
  end=$(date +%s.%N)
  startup=$(awk -v a="$start" -v b="$end" -v n="$n" 'BEGIN{printf "%.1f ms (shell loop, %d runs)", (b-a)/n*1000, n}')
fi
# CPU time per run (perf stat's task-clock, children included): barely moved
# by other load on the machine, unlike wall-clock time. Each run gets the
# line from a file of its own opening; the same loop around /bin/true is
# subtracted.
cpu=""
echo 实于奋斗 > "$tmp/one"
cpu_loop() {
  perf stat -x, -e task-clock -o "$tmp/perf" -- \
    bash -c "for ((i = 0; i < 200; i++)); do \"$1\" < \"$tmp/one\" > /dev/null; done" &&
    awk -F, '$3 ~ /^task-clock/{print $1}' "$tmp/perf"
}
if command -v perf > /dev/null && a=$(cpu_loop "$bin") && b=$(cpu_loop /bin/true) && [ -n "$a" ]; then
  cpu=$(awk -v a="$a" -v b="$b" 'BEGIN{printf ", %.1f ms CPU (perf stat)", (a-b)/200}')
fi
echo "$startup$cpu, peak RSS $srss MiB"
rows+=("| start-up, \`echo 实于奋斗 \\| ocrfix\` | $startup$cpu, peak RSS $srss MiB |")

echo "== folder mode: 2,000 pages, -j 1 and -j 2"
mkdir -p "$tmp/tree"
for i in $(seq 0 9); do mkdir -p "$tmp/tree/d$i"; cp "$pages"/*.txt "$tmp/tree/d$i/"; done
n=$(find "$tmp/tree" -name '*.txt' | wc -l)
tsize=$(du -sb "$tmp/tree" | cut -f1)
declare -A fsecs frss
for j in 1 2; do
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" -q -j $j "$tmp/tree" -o "$tmp/out$j"
  read -r fsecs[$j] frss[$j] < "$tmp/time"
  echo "-j $j: $n files, $(awk -v s="$tsize" -v t="${fsecs[$j]}" 'BEGIN{printf "%.2f s = %.1f MB/s", t, s/1e6/t}'), peak RSS $((frss[$j] / 1024)) MiB"
done
if diff -r -q "$tmp/out1" "$tmp/out2" > /dev/null; then same="identical output"; else same="OUTPUT DIFFERS"; fi
echo "-j 2 / -j 1 speed-up: $(awk -v a="${fsecs[1]}" -v b="${fsecs[2]}" 'BEGIN{printf "%.2f×", a/b}'), $same"
rows+=("| folder of $n pages, \`-o\`, \`-j 1\` / \`-j 2\` | ${fsecs[1]} s / ${fsecs[2]} s ($(awk -v a="${fsecs[1]}" -v b="${fsecs[2]}" 'BEGIN{printf "%.2f×", a/b}') on 2 cores, $same), peak RSS $((frss[1] / 1024)) / $((frss[2] / 1024)) MiB |")

echo
echo "---- README (Performance) ----"
echo "| measure | figure |"
echo "|---|---|"
printf '%s\n' "${rows[@]}"
[ "$same" = "identical output" ]
