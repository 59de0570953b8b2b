#!/usr/bin/env python3
"""Generate rules/confusions.tsv and rules/charfreq.tsv for ocrfix.

confusions.tsv lists visually confusable Chinese characters: pairs (observed, truth)
where OCR may have produced `observed` for a printed `truth`.  Two sources:

* glyph: every character of the inventory is rendered in three CJK faces and compared
  with every other one (blurred, downsampled bitmaps, cosine similarity).  Each
  character keeps its K nearest neighbours above a threshold; pairs go out in both
  directions.
* ocr: isolated single-character Han->Han substitutions counted in a real OCR corpus
  (OCR output aligned to gold).  Only the counts go out, never corpus text: the
  corpus is for non-commercial research use only.

charfreq.tsv is the character inventory with its summed jieba word frequency, a
unigram prior for choosing between candidates.

Choices, and why (checked with --eval on the known pairs in KNOWN_PAIRS and on the
pairs observed in the dev corpus):
* Inventory: the top 7000 by summed jieba frequency.  It already holds 3749 of the
  3755 GB2312 level-1 characters and all but 6 of the 64,724 Han tokens of the dev
  corpus gold; the ranks just past 7000 are mostly rare and traditional forms
  (count ~50 and below), which would only lengthen the candidate lists.
  --min-count adds a frequency floor for those who want them.
* Blur sigma 2 px on the 64 px canvas, 24x24 grid, mean-subtracted cosine: every known
  pair is then within rank 3 in both directions and within rank 1-2 in one, and the
  truth of a pair seen twice or more in the corpus is the nearest neighbour of the OCR
  character for about 1 in 5 pairs (blur 1-4 px and grids 16-32 differ little).
* Threshold 0.85: the weakest known pair is 日/目 at 0.894; real misreads seen in the
  corpus sit between 0.85 and 0.89 (大/人, 十/士, 进/逊, 县/具, 子/了, 用/川, 党/堂),
  while below ~0.85 neighbours share little more than a radical (伙/认, 冶/泊, 帆/饥).

Everything is deterministic: fixed fonts, integer glyph positions, float64 similarity
rounded to 3 decimals before ranking, ties broken by code point.

Usage (from the repository root):
    python3 tools/gen_confusions.py --out rules/confusions.tsv
    python3 tools/gen_confusions.py --out /tmp/c.tsv --eval     # also print known-pair ranks

Needs: numpy, pillow, jieba; rapidfuzz for the corpus alignment (difflib otherwise);
Debian fonts-noto-cjk and fonts-arphic-uming.  See tools/requirements-confusions.txt.
"""

import argparse
import collections
import glob
import os
import re
import shlex
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HAN_LO, HAN_HI = 0x4E00, 0x9FFF

# (path, face name inside the .ttc, weight, Debian package).  The two Song/Ming faces carry
# most of the weight: newspapers are set in Song, and a pair that only looks alike in
# a sans face is a weaker OCR candidate.  The sans face still helps against
# serif-specific noise (hooks and wedges that blur into neighbouring strokes).
DEFAULT_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", 0.4, "fonts-noto-cjk"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN", 0.4, "fonts-arphic-uming"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", 0.2, "fonts-noto-cjk"),
]

# Pairs that OCR engines are known to confuse; used only to check and tune the measure.
KNOWN_PAIRS = [
    ("日", "目"), ("干", "于"), ("己", "已"), ("已", "巳"), ("己", "巳"), ("人", "入"),
    ("官", "宫"), ("晴", "睛"), ("域", "城"), ("宜", "官"), ("末", "未"), ("土", "士"),
    ("戍", "戌"), ("戍", "成"), ("戌", "成"), ("析", "折"), ("拔", "拨"),
]

WS_RE = re.compile(r"\s+")


def is_han(ch):
    return HAN_LO <= ord(ch) <= HAN_HI


# ---------------------------------------------------------------------------
# Character inventory


def default_jieba_dict():
    try:
        import jieba
    except ImportError:
        sys.exit("jieba is not installed: pip install -r tools/requirements-confusions.txt")
    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def char_counts(dict_path):
    """Summed frequency of the jieba words containing each Han character.

    A character that occurs twice in a word counts twice: the sum then estimates how
    often the character occurs in running text, which is what a unigram prior wants.
    """
    counts = collections.Counter()
    with open(dict_path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            for ch in word:
                if is_han(ch):
                    counts[ch] += freq
    return counts


def inventory(counts, top_n, min_count):
    """Top N characters by count, plus any with count >= min_count (0: no floor)."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    keep = {ch for ch, _ in ranked[:top_n]}
    if min_count > 0:
        keep |= {ch for ch, n in ranked if n >= min_count}
    # Code-point order makes ties in the similarity ranking break the same way everywhere.
    return sorted(keep)


# ---------------------------------------------------------------------------
# Glyph rendering and features


def load_face(path, face_name, size):
    """The face called face_name in a .ttc collection (indices differ between releases)."""
    if not os.path.exists(path):
        sys.exit(f"font {path} not found: apt-get install fonts-noto-cjk fonts-arphic-uming")
    index = 0
    while True:
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if font.getname()[0] == face_name:
            return font
        index += 1
    sys.exit(f"font face {face_name!r} not found in {path}")


class Renderer:
    """Renders characters in one face at a fixed em-box position.

    Glyphs are placed by their em box, not by their ink: OCR sees a character at its
    place in a text line, so its size and position within the box (口 small, 囗 full)
    are part of what it looks like.  The vertical offset is calibrated per font on full-box characters,
    because the fonts' ascender/descender metrics put the em box at different heights.
    """

    def __init__(self, path, face_name, size, canvas):
        self.font = load_face(path, face_name, size)
        self.canvas = canvas
        boxes = [self.font.getbbox(ch, anchor="ls") for ch in "国圆回田"]
        cy = sum((b[1] + b[3]) / 2 for b in boxes) / len(boxes)
        self.baseline = int(round(canvas / 2 - cy))
        # A code point no CJK font has: its rendering is the .notdef glyph.
        self.notdef = self.bitmap("\U0010FFFD")

    def bitmap(self, ch):
        img = Image.new("L", (self.canvas, self.canvas), 0)
        advance = self.font.getlength(ch)
        x = int(round((self.canvas - advance) / 2))
        ImageDraw.Draw(img).text((x, self.baseline), ch, font=self.font, fill=255, anchor="ls")
        return img

    def has_glyph(self, img):
        a = np.asarray(img)
        return a.any() and not np.array_equal(a, np.asarray(self.notdef))


def glyph_features(chars, renderers, blur, grid, centre):
    """Per font: (features [n, grid*grid] float64, L2-normalised; mask [n] bool).

    Blur before downsampling so that strokes a pixel or two apart overlap: that is
    what makes 日/目 or 己/已 similar to an OCR engine reading a degraded print.
    Subtracting each image's mean (centre=True) turns the cosine into a correlation,
    so that two unrelated dense characters do not score high just for having ink in
    the same box.
    """
    out = []
    for r in renderers:
        feats = np.zeros((len(chars), grid * grid), dtype=np.float64)
        mask = np.zeros(len(chars), dtype=bool)
        for i, ch in enumerate(chars):
            img = r.bitmap(ch)
            if not r.has_glyph(img):
                continue
            if blur > 0:
                img = img.filter(ImageFilter.GaussianBlur(blur))
            small = np.asarray(img.resize((grid, grid), Image.BOX), dtype=np.float64).ravel()
            if centre:
                small = small - small.mean()
            norm = np.linalg.norm(small)
            if norm > 0:
                feats[i] = small / norm
                mask[i] = True
        out.append((feats, mask))
    return out


def similarity_rows(rows, feats, weights, cols=None):
    """Weighted mean over fonts of the cosine similarity, for the given row indices.

    A font that lacks either character of a pair drops out of that pair's mean; a pair
    no font has gets NaN.  Negative correlations are clipped to 0 (score is 0..1).
    """
    num = 0.0
    den = 0.0
    for (f, m), w in zip(feats, weights):
        fc = f if cols is None else f[cols]
        mc = m if cols is None else m[cols]
        both = np.outer(m[rows], mc).astype(np.float64) * w
        num = num + (f[rows] @ fc.T) * both
        den = den + both
    with np.errstate(invalid="ignore", divide="ignore"):
        s = num / den
    return np.clip(s, 0.0, 1.0)


def score_blocks(n, feats, weights, block=512):
    """Yield (rows, rounded similarity block) over the n x n matrix, self excluded.

    Rounding to the 3 decimals that go out makes the ranking immune to the last-bit
    differences between BLAS builds; missing glyphs (NaN) and self become -1.
    """
    for start in range(0, n, block):
        rows = np.arange(start, min(n, start + block))
        s = np.round(similarity_rows(rows, feats, weights), 3)
        s[np.isnan(s)] = -1.0
        s[np.arange(len(rows)), rows] = -1.0
        yield rows, s


def hub_scores(n, feats, weights, hub_k):
    """Mean similarity of each character to its hub_k nearest neighbours.

    Dense, many-stroke characters (曪, 欐, 噩) blur into similar blobs and would sit
    in the top K of a hundred others; with both directions written out they would get
    a hundred candidates each.  Ranking by 2*s(a,b) - hub(a) - hub(b) (CSLS, as used
    for bilingual word-embedding lookup) discounts such hubs: the maximum number of
    pairs per character drops from ~100 to ~30 while the known and the OCR-observed
    pairs are kept as well as by plain similarity.
    """
    hub = np.zeros(n)
    if hub_k <= 0:
        return hub
    for rows, s in score_blocks(n, feats, weights):
        top = -np.sort(-s, axis=1)[:, :hub_k]
        hub[rows] = np.round(np.clip(top, 0.0, 1.0).mean(axis=1), 6)
    return hub


def neighbour_order(s_row, i, hub, cand=None):
    """Candidate indices of row i (default: all), best first: by hub-corrected score,
    then by code point."""
    if cand is None:
        cand = np.arange(len(s_row))
    key = np.round(2 * s_row[cand] - hub[i] - hub[cand], 6)
    return cand[np.lexsort((cand, -key))]


def glyph_neighbours(chars, feats, weights, k, threshold, hub):
    """For each character its top-k neighbours whose (rounded) similarity >= threshold."""
    neigh = {}
    for rows, s in score_blocks(len(chars), feats, weights):
        for r, i in enumerate(rows):
            cand = np.nonzero(s[r] >= threshold)[0]
            if len(cand):
                best = neighbour_order(s[r], i, hub, cand)[:k]
                neigh[chars[i]] = [(chars[j], float(s[r, j])) for j in best]
    return neigh


# ---------------------------------------------------------------------------
# OCR corpus


try:
    from rapidfuzz.distance import Levenshtein

    ALIGNER = "rapidfuzz Levenshtein"
except ImportError:  # the corpus source still works, with a slightly different alignment
    import difflib

    Levenshtein = None
    ALIGNER = "difflib"


def opcodes(a, b):
    """Alignment of a to b as (tag, i1, i2, j1, j2) tuples."""
    if Levenshtein is None:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Levenshtein.opcodes(a, b)]


def ocr_substitutions(corpus_dir, engines):
    """Count isolated single-character Han->Han substitutions (ocr char, gold char).

    Isolated: a 1x1 replace whose neighbouring operations are matches (or the text
    edge), the same rule as the corpus's score.py --confusions.  Whitespace is removed
    first because line wraps and stray spaces are not misreads.
    """
    counts = collections.Counter()
    pages = 0
    for gold_path in sorted(glob.glob(os.path.join(corpus_dir, "*.gold.txt"))):
        page = os.path.basename(gold_path)[: -len(".gold.txt")]
        with open(gold_path, encoding="utf-8") as f:
            gold = WS_RE.sub("", f.read())
        for eng in engines:
            ocr_path = os.path.join(corpus_dir, f"{page}.{eng}.txt")
            if not os.path.exists(ocr_path):
                continue
            with open(ocr_path, encoding="utf-8", errors="replace") as f:
                ocr = WS_RE.sub("", f.read())
            pages += 1
            ops = opcodes(ocr, gold)
            for n, (tag, i1, i2, j1, j2) in enumerate(ops):
                if tag != "replace" or i2 - i1 != 1 or j2 - j1 != 1:
                    continue
                if n > 0 and ops[n - 1][0] != "equal":
                    continue
                if n + 1 < len(ops) and ops[n + 1][0] != "equal":
                    continue
                o, g = ocr[i1], gold[j1]
                if is_han(o) and is_han(g):
                    counts[(o, g)] += 1
    return counts, pages


# ---------------------------------------------------------------------------
# Evaluation of the measure on known pairs


def rank_report(pairs, chars, feats, weights, hub, k, threshold, ocr_pairs=()):
    """Print to stderr where the known pairs rank, to check and tune the measure.

    Rank of b among a's candidates in the output's order (hub-corrected), and in
    plain similarity order; also how often an OCR-observed truth ranks within k.
    """
    idx = {ch: i for i, ch in enumerate(chars)}
    cache = {}

    def ranks(a, b):
        if a not in cache:
            i = idx[a]
            s = np.round(similarity_rows(np.array([i]), feats, weights)[0], 3)
            s[np.isnan(s)] = -1.0
            s[i] = -1.0
            pos = np.empty(len(s), dtype=int)
            pos[neighbour_order(s, i, hub)] = np.arange(1, len(s) + 1)
            plain = np.empty(len(s), dtype=int)
            plain[np.lexsort((np.arange(len(s)), -s))] = np.arange(1, len(s) + 1)
            cache[a] = (s, pos, plain)
        s, pos, plain = cache[a]
        j = idx[b]
        return s[j], pos[j], plain[j]

    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    log("pair  score  rank b|a  rank a|b  (plain-similarity ranks)")
    kept = 0
    for a, b in pairs:
        if a not in idx or b not in idx:
            log(f"{a} {b}  not in inventory")
            continue
        s, ra, pa = ranks(a, b)
        _, rb, pb = ranks(b, a)
        ok = s >= threshold and min(ra, rb) <= k
        kept += ok
        log(f"{a} {b}  {s:.3f}  {ra:8d}  {rb:8d}  ({pa}, {pb}){'' if ok else '  NOT KEPT'}")
    log(f"known pairs kept: {kept}/{len(pairs)}")
    if ocr_pairs:
        rs = np.array([ranks(o, g)[1] for o, g in ocr_pairs if o in idx and g in idx])
        log(f"OCR-observed pairs in inventory: {len(rs)}; rank of truth in observed's list: "
            + ", ".join(f"<={n}: {np.mean(rs <= n):.2f}" for n in (1, 3, k, 50)))


# ---------------------------------------------------------------------------


def regen_command(argv):
    """The command line as run, with the script path relative to the working dir."""
    script = os.path.relpath(os.path.abspath(__file__))
    return shlex.join(["python3", script] + argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="confusions TSV to write")
    ap.add_argument("--charfreq-out", help="character frequency TSV (default: charfreq.tsv next to --out)")
    ap.add_argument("--jieba-dict", help="jieba dict.txt (default: the installed jieba's)")
    ap.add_argument("--top-n", type=int, default=7000, help="inventory: N most frequent Han chars (default 7000)")
    ap.add_argument("--min-count", type=int, default=0,
                    help="also include chars whose summed frequency is >= this (default 0: off)")
    ap.add_argument("--font", action="append", metavar="PATH:FACE:WEIGHT",
                    help="font face and weight, repeatable (default: Noto Serif CJK SC 0.4, "
                         "AR PL UMing CN 0.4, Noto Sans CJK SC 0.2)")
    ap.add_argument("--size", type=int, default=48, help="font size in px (default 48)")
    ap.add_argument("--canvas", type=int, default=64, help="canvas side in px (default 64)")
    ap.add_argument("--blur", type=float, default=2.0, help="Gaussian blur sigma in canvas px (default 2.0)")
    ap.add_argument("--grid", type=int, default=24, help="downsampled side (default 24)")
    ap.add_argument("--no-centre", dest="centre", action="store_false",
                    help="plain cosine of the bitmaps instead of mean-subtracted (correlation)")
    ap.add_argument("-k", "--top-k", type=int, default=8, help="neighbours kept per char (default 8)")
    ap.add_argument("--threshold", type=float, default=0.85, help="minimum glyph score (default 0.85)")
    ap.add_argument("--hub-k", type=int, default=10,
                    help="neighbours averaged for the hub correction of the ranking (default 10; 0: off)")
    ap.add_argument("--corpus", default="/work/shared/corpus/dev/pages",
                    help="dir with NNN.gold.txt and NNN.ENGINE.txt; '' to skip (default: %(default)s, "
                         "skipped with a warning if missing)")
    ap.add_argument("--engines", default="tesseract,rapidocr", help="OCR flavours to align (default %(default)s)")
    ap.add_argument("--eval", action="store_true", help="print known-pair ranks to stderr")
    a = ap.parse_args(argv)

    t0 = time.time()
    dict_path = a.jieba_dict or default_jieba_dict()
    counts = char_counts(dict_path)
    chars = inventory(counts, a.top_n, a.min_count)
    print(f"inventory: {len(chars)} chars from {dict_path}", file=sys.stderr)

    # OCR pairs first: their characters may lie outside the inventory and still need
    # a glyph score, so they are rendered along with it (but never become neighbours).
    ocr_counts, ocr_pages = collections.Counter(), 0
    if a.corpus:
        if os.path.isdir(a.corpus):
            ocr_counts, ocr_pages = ocr_substitutions(a.corpus, a.engines.split(","))
            print(f"corpus: {ocr_pages} OCR pages, {len(ocr_counts)} distinct substitution pairs, "
                  f"{sum(ocr_counts.values())} occurrences", file=sys.stderr)
        else:
            print(f"warning: corpus {a.corpus} not found, glyph source only", file=sys.stderr)

    if a.font:
        fonts = []
        for spec in a.font:
            path, face, weight = spec.rsplit(":", 2)
            fonts.append((path, face, float(weight), ""))
    else:
        fonts = DEFAULT_FONTS
    renderers = [Renderer(p, face, a.size, a.canvas) for p, face, _, _ in fonts]
    weights = [w for _, _, w, _ in fonts]

    inv = set(chars)
    extra = sorted({ch for pair in ocr_counts for ch in pair} - inv)
    all_chars = chars + extra  # inventory first, so neighbour search can slice it
    feats = glyph_features(all_chars, renderers, a.blur, a.grid, a.centre)
    for (p, face, _, _), (_, m) in zip(fonts, feats):
        print(f"{face}: {int(m[:len(chars)].sum())}/{len(chars)} inventory glyphs", file=sys.stderr)
    t1 = time.time()

    inv_feats = [(f[: len(chars)], m[: len(chars)]) for f, m in feats]
    hub = hub_scores(len(chars), inv_feats, weights, a.hub_k)
    neigh = glyph_neighbours(chars, inv_feats, weights, a.top_k, a.threshold, hub)
    t2 = time.time()

    idx = {ch: i for i, ch in enumerate(all_chars)}

    def score(x, y):
        s = similarity_rows(np.array([idx[x]]), feats, weights, cols=np.array([idx[y]]))[0, 0]
        return None if np.isnan(s) else round(float(s), 3)

    # Cosine similarity is symmetric, so "max over both directions" is the score itself.
    entries = {}
    for ch, lst in neigh.items():
        for other, s in lst:
            for pair in ((ch, other), (other, ch)):
                entries.setdefault(pair, {"score": s, "glyph": True, "ocr": 0})
    for pair, n in ocr_counts.items():
        e = entries.setdefault(pair, {"score": score(*pair), "glyph": False, "ocr": 0})
        e["ocr"] = n

    if a.eval:
        rank_report(KNOWN_PAIRS, chars, inv_feats, weights, hub, a.top_k, a.threshold,
                    ocr_pairs=sorted(ocr_counts))

    cmd = regen_command(argv)
    font_desc = "; ".join(f"{face} ({os.path.basename(p)}{', ' + pkg if pkg else ''}) weight {w}"
                          for p, face, w, pkg in fonts)
    inv_desc = f"top {a.top_n}" + (f" plus count >= {a.min_count}" if a.min_count else "")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Visually confusable Chinese characters for OCR correction.\n")
        f.write("# observed\ttruth\tscore\tsources\n")
        f.write("# observed: the character OCR produced; truth: a character it may stand for.\n")
        f.write("# score: glyph similarity 0..1 (max over both directions), 3 decimals.\n")
        f.write("# sources: comma-separated: glyph (bitmap similarity), ocr:N (seen N times in the dev corpus alignment).\n")
        f.write(f"# Regenerate: {cmd}\n")
        f.write(f"# Fonts: {font_desc}; characters: {inv_desc} ({len(chars)}) of jieba dict.txt (MIT) "
                f"by summed word frequency.\n")
        f.write(f"# Glyph: {a.size} px on {a.canvas}x{a.canvas} by em box, Gaussian blur sigma {a.blur}, "
                f"box-downsampled to {a.grid}x{a.grid}, {'mean-subtracted, ' if a.centre else ''}"
                f"cosine, weighted mean over fonts; per char the top {a.top_k} with score >= {a.threshold}, "
                f"ranked by 2*score - hub(a) - hub(b) (hub: mean score of the {a.hub_k} nearest), "
                f"both directions.\n")
        if ocr_pages:
            f.write(f"# OCR: isolated single-char Han->Han substitutions, {ocr_pages} pages of "
                    f"{a.engines} output aligned to gold ({ALIGNER}, whitespace removed); counts only, "
                    f"no corpus text.\n")
        for (o, t) in sorted(entries):
            e = entries[(o, t)]
            src = (["glyph"] if e["glyph"] else []) + ([f"ocr:{e['ocr']}"] if e["ocr"] else [])
            s = "0.000" if e["score"] is None else f"{e['score']:.3f}"
            f.write(f"{o}\t{t}\t{s}\t{','.join(src)}\n")

    cf_out = a.charfreq_out or os.path.join(os.path.dirname(a.out), "charfreq.tsv")
    with open(cf_out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Character unigram counts for OCR correction (prior between confusable candidates).\n")
        f.write("# char\tcount\n")
        f.write("# count: sum of the frequencies of the jieba dict.txt words containing the char "
                "(once per occurrence in the word).\n")
        f.write(f"# Source: jieba {os.path.basename(dict_path)} (MIT licence); characters: {inv_desc} "
                f"({len(chars)}) Han chars U+4E00-U+9FFF.\n")
        f.write(f"# Regenerate: {cmd}\n")
        for ch in chars:
            f.write(f"{ch}\t{counts[ch]}\n")

    n_glyph = sum(e["glyph"] for e in entries.values())
    n_ocr = sum(1 for e in entries.values() if e["ocr"])
    n_both = sum(1 for e in entries.values() if e["ocr"] and e["glyph"])
    print(f"wrote {a.out}: {len(entries)} pairs ({n_glyph} glyph, {n_ocr} ocr, {n_both} both); "
          f"{cf_out}: {len(chars)} chars", file=sys.stderr)
    print(f"time: render {t1 - t0:.1f}s, neighbours {t2 - t1:.1f}s, total {time.time() - t0:.1f}s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
