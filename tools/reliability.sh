#!/usr/bin/env bash
# Big and hostile input through the release binary: time and peak memory.
#   tools/reliability.sh [--small]
# Generates everything from a few OCR-like sentences (no corpus text):
#   1 GB through standard input, a single 100 MB line, a tree of tiny files
#   (FILES, default 1,000,000), and the four 1 MB pathological paragraphs.
# --small runs the same with sizes for a quick check (CI). GB_MIB and FILES
# override the stdin size and the file count.
# Needs /usr/bin/time (GNU time) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-}
if [[ $SMALL == --small ]]; then
  GB=$((20 << 20)); LINE=$((5 << 20)); FILES=${FILES:-5000}
else
  GB=$((${GB_MIB:-1024} << 20)); LINE=$((100 << 20)); FILES=${FILES:-1000000}
fi
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-target}/release/ocrfix
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocrfix-rel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

exec 3>&1 # figures go to the real stdout, whatever a measured command redirects
measure() { # label, then the command; stdin/stdout set by the caller
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@"
  read -r secs kb < "$WORK/time"
  printf '%-44s %8s s  peak RSS %6d MiB\n' "$label" "$secs" $((kb / 1024)) >&3
}

# OCR-like paragraphs, numbered so no span repeats back to back.
python3 - "$WORK" "$GB" "$LINE" <<'PY'
import sys
work, gb, line = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = ["动员全区上下提效率 争先锋,提效能争先例", "宜居宜业幸福张店建设新局面", "全区广大党员干部群众凝聚力量",
     "实施\"九大提升\"行动", "必须实于奋斗(以下简称实施方案)", "淄博1月29日讯 正月初八"]
def para(i):
    return "".join(f"{s[(i + k) % len(s)]}第{i}段{k}句。" for k in range(5)) + "\n\n"
block = "".join(para(i) for i in range(2000)).encode()
with open(f"{work}/big.txt", "wb") as f:
    n = 0
    while n < gb:
        f.write(block); n += len(block)
one = "".join(f"{s[i % len(s)]}第{i}句," for i in range(200000)).encode()
with open(f"{work}/line.txt", "wb") as f:
    n = 0
    while n < line:
        f.write(one); n += len(one)
unit = ("提效率争先锋宜居宜业幸福张店，全区广大党员干部群众聚为。" * 40)[:1000]
marks = (",.:;!?()\"'-" * 100000)[:1000000]
for name, text in [("char", "的" * 333333), ("unit", unit * 333),
                   ("spaces", "中" + " " * 1000000 + "文"), ("marks", "中文" + marks + "中文")]:
    open(f"{work}/p-{name}.txt", "w").write(text)
PY

echo "ocrfix reliability figures ($(nproc) cores, $(date -u +%F))"
for p in char unit spaces marks; do
  measure "1 MB paragraph: $p" "$BIN" < "$WORK/p-$p.txt" > /dev/null
done
measure "single line, $((LINE >> 20)) MiB" "$BIN" < "$WORK/line.txt" > /dev/null
measure "stdin, $((GB >> 20)) MiB" "$BIN" < "$WORK/big.txt" > /dev/null

# A tree of tiny files: 1,000 per folder.
python3 - "$WORK/tree" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = f"{root}/d{i // 1000:04}"
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i:07}.txt", "w") as f:
        f.write(f"第{i}号 动员全区上下提效率 争先锋。\n")
PY
measure "tree of $FILES tiny files, -o" "$BIN" -q "$WORK/tree" -o "$WORK/out"
written=$(find "$WORK/out" -type f | wc -l)
[[ $written -eq $FILES ]] || { echo "only $written of $FILES files written"; exit 1; }
measure "tree of $FILES tiny files, --check" sh -c "'$BIN' -q --check '$WORK/tree' > /dev/null; [ \$? -eq 1 ]"
