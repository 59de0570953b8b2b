//! The Chinese lexicon and the word-graph language model that correction
//! passes score text with. This module owns the word list with frequencies,
//! the user's extra words, the protected words, and the scoring primitives;
//! it makes no edits itself.
//!
//! # Model
//!
//! A unigram word model, as jieba uses for segmentation: a word's
//! probability is `freq / total`, and a text scores the log-probability of
//! its most probable segmentation into lexicon words. A character that is
//! not a lexicon word on its own can always stand alone at the unknown
//! floor, `ln(min_freq / total) - UNKNOWN_PENALTY`, so every text has a
//! segmentation. Comparing the score of a window with and without a
//! candidate character is how a pass asks "does 实干 read better than 实于
//! here?"; the unit is nats, and only differences between texts of the same
//! length mean anything.
//!
//! # Data
//!
//! `rules/lexicon.fst` is an [`fst::Map`] from word (UTF-8) to frequency,
//! built at development time from the jieba dictionary (MIT licence, see
//! `rules/lexicon.README.md`) plus the default `rules/words.tsv`. Regenerate
//! it after changing either:
//!
//! ```text
//! cargo run --release --example build_lexicon -- PATH/TO/jieba/dict.txt rules/words.tsv rules/lexicon.fst
//! ```
//!
//! (without arguments the example finds the dictionary itself; see
//! [`build::find_jieba_dict`]). A test rebuilds the map and compares bytes
//! whenever a copy of the dictionary is on the machine.
//!
//! At run time the map is used in place from `include_bytes!`; a small hash
//! map overlay holds what a user's `words.tsv` (from `--rules DIR`) adds,
//! re-weights or removes. An unchanged default costs nothing: it is already
//! in the map, so the built-in lexicon has an empty overlay.
//!
//! # Costs
//!
//! Measured with `cargo run --release --example lexicon_bench` (figures in
//! `rules/lexicon.README.md`):
//!
//! | operation | cost |
//! | --- | --- |
//! | [`Lexicon::embedded`], first call | parses the map's header and the small built-in rule tables: about 0.1 ms |
//! | first walk of a lexicon | builds the table of start nodes of the CJK ideographs: about 0.6 ms, once |
//! | [`Lexicon::freq`] | one walk of the map, ~3 node steps per CJK character |
//! | [`Lexicon::prefix_words`] | one walk from `start`, stopping where no word continues (at most the longest word, 16 chars) |
//! | [`Lexicon::warm_up`] | loads the compiled-in pair filter and double array (`rules/lexicon.dat`, 7 MB): about 4 ms, once; walks then take one array probe per character |
//! | [`Lexicon::best_segmentation`] | one `prefix_words` walk per character; the `n + 1` route cells on the stack up to 64 characters (else one allocation), and the list of words |
//! | [`Lexicon::score`], [`Lexicon::score_with`] | the same, on the stack for windows up to 64 characters: no allocation |
//!
//! An overlay adds one hash lookup per word length at positions whose
//! character begins an overlay word, and nothing elsewhere.

pub mod build;
pub mod dat;

use crate::rules::{parse_table, Entry, Rules};
use anyhow::{bail, Context as _, Result};
use fst::raw::{CompiledAddr, Fst, Node, Output};
use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

/// The compiled lexicon: jieba's dictionary plus the default `words.tsv`.
pub static EMBEDDED_FST: &[u8] = include_bytes!("../rules/lexicon.fst");

/// How far below the rarest listed word a character that is no word on its
/// own falls, in nats. jieba gives such characters a count of 1 against a
/// least listed count of 2, i.e. `ln 2`; a little more keeps an unknown
/// character clearly less likely than any known one, so a candidate that
/// turns it into a word gains at least this much.
pub const UNKNOWN_PENALTY: f64 = 2.0;

/// A word of a segmentation: its range in characters and its frequency
/// (`None` for an unknown single character).
pub type Word = (Range<usize>, Option<u64>);

/// A cell of the segmentation route: the best log-probability of the rest,
/// the length of its first word, and that word's frequency.
type Cell = (f64, u32, u64);

/// Windows up to this many characters are scored in stack buffers.
const STACK_WINDOW: usize = 64;

/// The lexicon: the compiled map plus an overlay of run-time words.
pub struct Lexicon {
    fst: Fst<Cow<'static, [u8]>>,
    /// Words from a user's `words.tsv` that the map lacks or counts
    /// differently. A frequency of 0 hides a word of the map.
    overlay: HashMap<Box<[char]>, u64>,
    /// First characters of overlay words: positions starting with anything
    /// else skip the overlay.
    overlay_first: HashSet<char>,
    overlay_max_chars: usize,
    protected: FxHashSet<Box<[char]>>,
    /// Every character of a protected word: other positions need no lookup.
    protected_chars: FxHashSet<char>,
    protected_max_chars: usize,
    /// Map statistics as generated (see [`build::META_TOTAL`]).
    fst_total: u64,
    fst_words: u64,
    fst_min_freq: u64,
    fst_max_chars: usize,
    /// The same, with the overlay applied.
    total: u64,
    words: u64,
    min_freq: u64,
    max_chars: usize,
    ln_total: f64,
    unknown: f64,
    /// Map nodes after each CJK ideograph, built on the first walk: the
    /// first character's three bytes cross the widest nodes of the map, and
    /// starting past them made segmentation about 1.4 times as fast.
    first_cjk: OnceLock<Box<[Step]>>,
    /// Warm tables for long inputs, loaded by [`Lexicon::warm_up`].
    pairs: OnceLock<Pairs>,
    /// Adjacent pairs of the overlay's words (see [`Pairs::inner`]), exact.
    overlay_pairs: FxHashSet<u64>,
}

/// Tables over the map's words for long inputs: the embedded map's are
/// compiled in (`rules/lexicon.dat`, see [`dat`]) and loaded in about 4 ms;
/// another map's are built from its words (about 1.5 s for one the size of
/// jieba's). They are made only when a long input will repay it; every
/// answer is the same with or without them, only faster.
struct Pairs {
    /// The pairs `ab` that occur inside some word of two or more
    /// characters, as a filter: a pair it rules out is in no word (a window
    /// where neither `xa`... pair may join cannot form such a word around a
    /// character); about 1 in 50 of the pairs that are in none passes it
    /// too. An exact set would take 4 MiB, miss the cache on most probes
    /// and take a third of the time to build the tables; a pair that
    /// passes wrongly only costs a walk that finds nothing.
    inner: PairFilter,
    /// The map's words as a character-wise double array, so that a walk
    /// takes one array probe per character instead of decoding three map
    /// nodes (one per UTF-8 byte). The embedded map's array is compiled in
    /// (`rules/lexicon.dat`); another map's is built here. None if the map
    /// holds a word or frequency the array cannot (see [`dat::records`]):
    /// walks then use the map.
    trie: Option<crawdad::Trie>,
    /// `(f as f64).ln()` for every `f` below [`LN_TABLE`], the frequencies
    /// most words have: a walk looks a word's logarithm up instead of
    /// computing it again (the same value, so the same scores).
    ln_freq: Box<[f64]>,
}

/// Size of [`Pairs::ln_freq`] (128 KiB).
const LN_TABLE: usize = 1 << 14;

/// A blocked Bloom filter over pair keys: two bits of one 64-bit word per
/// key, in 512 KiB, small enough to stay in cache. With the embedded map's
/// ~300,000 pairs about 1 in 50 absent pairs passes it (2.2% of those
/// misread asks about on the dev corpus); a pair that was inserted always
/// does.
pub(crate) struct PairFilter {
    words: Box<[u64]>,
}

/// log2 of the number of words in a [`PairFilter`].
const FILTER_BITS: u32 = 16;

impl PairFilter {
    /// Number of 64-bit words in a filter.
    pub(crate) const WORDS: usize = 1 << FILTER_BITS;

    fn new() -> PairFilter {
        PairFilter {
            words: vec![0u64; Self::WORDS].into_boxed_slice(),
        }
    }

    /// The filter of the pairs inside the words of `fst` (two characters
    /// or more; the statistics keys left out): one pass over the map.
    pub(crate) fn of_map<D: AsRef<[u8]>>(fst: &Fst<D>) -> PairFilter {
        use fst::{IntoStreamer, Streamer};
        let mut filter = PairFilter::new();
        let mut stream = fst.stream().into_stream();
        while let Some((key, _)) = stream.next() {
            let Ok(word) = std::str::from_utf8(key) else {
                continue;
            };
            let mut it = word.chars();
            let (Some(a), Some(b)) = (it.next(), it.next()) else {
                continue;
            };
            if a.is_control() {
                continue; // the statistics keys
            }
            let mut prev = a;
            for c in std::iter::once(b).chain(it) {
                filter.insert(pair_key(prev, c));
                prev = c;
            }
        }
        filter
    }

    /// A filter from its words as [`PairFilter::words`] holds them; None
    /// unless there are [`PairFilter::WORDS`] of them.
    pub(crate) fn from_words(words: Vec<u64>) -> Option<PairFilter> {
        (words.len() == Self::WORDS).then(|| PairFilter {
            words: words.into_boxed_slice(),
        })
    }

    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    fn insert(&mut self, key: u64) {
        let (i, mask) = Self::slot(key);
        // index: `slot` gives an index below `1 << FILTER_BITS`.
        self.words[i] |= mask;
    }

    /// The word of `key` (the top bits of a multiplicative hash) and its
    /// two bits there (from lower bits of the same hash).
    #[inline]
    fn slot(key: u64) -> (usize, u64) {
        let h = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let i = (h >> (64 - FILTER_BITS)) as usize;
        let mask = (1u64 << ((h >> 20) & 63)) | (1u64 << ((h >> 30) & 63));
        (i, mask)
    }

    /// False only if `key` was not inserted.
    #[inline]
    fn may_hold(&self, key: u64) -> bool {
        let (i, mask) = Self::slot(key);
        // index: as in `of`.
        self.words[i] & mask == mask
    }
}

fn pair_key(a: char, b: char) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// The CJK Unified Ideographs block, whose nodes `first_cjk` holds.
const CJK: std::ops::RangeInclusive<char> = '\u{4e00}'..='\u{9fff}';
/// `first_cjk` entry of an ideograph that begins no word.
const NO_NODE: CompiledAddr = CompiledAddr::MAX;

/// Where a walk stands after a precomputed step: the node's address, the
/// output so far, and the word's frequency if the step ends a word. Tables
/// of these let a walk skip decoding the widest nodes of the map.
#[derive(Debug, Clone, Copy)]
struct Step {
    addr: CompiledAddr,
    out: u64,
    word: Option<u64>,
}

impl Step {
    const NONE: Step = Step {
        addr: NO_NODE,
        out: 0,
        word: None,
    };

    fn at(node: &Node<'_>, out: Output) -> Step {
        Step {
            addr: node.addr(),
            out: out.value(),
            word: node
                .is_final()
                .then(|| out.cat(node.final_output()).value()),
        }
    }
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("words", &self.words)
            .field("total", &self.total)
            .field("overlay", &self.overlay.len())
            .field("protected", &self.protected.len())
            .finish_non_exhaustive()
    }
}

/// True for strings that can be lexicon words: non-empty, no control
/// characters (the map's statistics live under keys starting with NUL).
pub(crate) fn valid_word(w: &str) -> bool {
    !w.is_empty() && !w.chars().any(char::is_control)
}

/// The optional `freq` column of a `words.tsv` entry.
pub(crate) fn parse_freq(e: &Entry) -> Result<Option<u64>> {
    match e.get(1) {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| {
            anyhow::anyhow!(
                "{}: freq {s:?} is not a whole number (0 removes the word)",
                e.origin
            )
        }),
    }
}

/// Runs `f` on the characters of `s`, in a stack buffer when they fit.
fn with_chars<R>(s: &str, f: impl FnOnce(&[char]) -> R) -> R {
    // index: `n < buf.len()` when written (checked just before).
    let mut buf = ['\0'; 32];
    let mut n = 0;
    for c in s.chars() {
        if n == buf.len() {
            return f(&s.chars().collect::<Vec<_>>());
        }
        buf[n] = c;
        n += 1;
    }
    f(&buf[..n])
}

impl Lexicon {
    /// The built-in lexicon: the embedded map, built-in words and protected
    /// words. Built once, on first use; later calls return the same value.
    pub fn embedded() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            // Both inputs are compiled in, and tests load them.
            let rules = Rules::builtin().expect("built-in rules parse");
            Lexicon::with_rules(rules).expect("built-in lexicon loads")
        })
    }

    /// The embedded map with the `words.tsv` and `protected.tsv` tables of
    /// `rules` (built-in defaults plus any `--rules DIR`).
    ///
    /// Default words that `rules` no longer has (removed by `!word`, or
    /// `--no-default-rules`) are hidden; entries that differ from the
    /// defaults go to the overlay. A user word without a frequency gets
    /// [`Lexicon::suggest_freq`] against the embedded map. Errors name the
    /// `file:line` of a bad frequency or word.
    pub fn with_rules(rules: &Rules) -> Result<Lexicon> {
        let mut lex = Lexicon::from_fst(Cow::Borrowed(EMBEDDED_FST))
            .context("the embedded lexicon rules/lexicon.fst")?;
        let spec = build::words_spec();
        let defaults = parse_table(spec, "<built-in>/rules/words.tsv", spec.default)?;
        let defaults: HashMap<&str, &[String]> = defaults
            .iter()
            .map(|(_, e)| (e.key(), e.fields.as_slice()))
            .collect();
        let loaded = rules.table("words.tsv");
        let loaded_keys: HashSet<&str> = loaded.iter().map(Entry::key).collect();

        let mut changes: Vec<(&str, u64)> = defaults
            .keys()
            .filter(|w| !loaded_keys.contains(*w))
            .map(|w| (*w, 0))
            .collect();
        for e in loaded {
            if defaults.get(e.key()) == Some(&e.fields.as_slice()) {
                continue; // compiled into the map as it stands
            }
            if !valid_word(e.key()) {
                bail!("{}: a word cannot contain control characters", e.origin);
            }
            // Suggestions are made against the map alone, so they do not
            // depend on the order of the user's lines.
            let freq = match parse_freq(e)? {
                Some(f) => f,
                None => lex.suggest_freq(e.key()),
            };
            changes.push((e.key(), freq));
        }
        for (word, freq) in changes {
            lex.set_overlay(word, freq);
        }
        lex.refresh();

        for e in rules.table("protected.tsv") {
            let chars: Box<[char]> = e.key().chars().collect();
            lex.protected_max_chars = lex.protected_max_chars.max(chars.len());
            lex.protected_chars.extend(chars.iter().copied());
            lex.protected.insert(chars);
        }
        Ok(lex)
    }

    /// A lexicon over a map made by [`build::build`], with no overlay and no
    /// protected words.
    pub fn from_fst(bytes: Cow<'static, [u8]>) -> Result<Lexicon> {
        let fst = Fst::new(bytes).context("not an fst map")?;
        let meta = |key: &str| {
            fst.get(key)
                .map(Output::value)
                .with_context(|| format!("not an ocrfix lexicon: no {:?} entry", key))
        };
        let fst_total = meta(build::META_TOTAL)?;
        let fst_words = meta(build::META_WORDS)?;
        let fst_min_freq = meta(build::META_MIN_FREQ)?;
        let fst_max_chars = meta(build::META_MAX_CHARS)? as usize;
        let mut lex = Lexicon {
            fst,
            overlay: HashMap::new(),
            overlay_first: HashSet::new(),
            overlay_max_chars: 0,
            protected: FxHashSet::default(),
            protected_chars: FxHashSet::default(),
            protected_max_chars: 0,
            fst_total,
            fst_words,
            fst_min_freq,
            fst_max_chars,
            total: 0,
            words: 0,
            min_freq: 0,
            max_chars: 0,
            ln_total: 0.0,
            unknown: 0.0,
            first_cjk: OnceLock::new(),
            pairs: OnceLock::new(),
            overlay_pairs: FxHashSet::default(),
        };
        lex.refresh();
        Ok(lex)
    }

    /// The `first_cjk` table: one pass over the three levels of the map
    /// below the lead bytes of the CJK block (about 10,000 nodes).
    fn first_cjk(&self) -> &[Step] {
        self.first_cjk.get_or_init(|| {
            let base = *CJK.start() as usize;
            // index: written only for `c` in `CJK`, one cell per ideograph.
            let mut table = vec![Step::NONE; *CJK.end() as usize - base + 1];
            for t1 in self.fst.root().transitions() {
                let n1 = self.fst.node(t1.addr);
                for t2 in n1.transitions() {
                    let n2 = self.fst.node(t2.addr);
                    for t3 in n2.transitions() {
                        let bytes = [t1.inp, t2.inp, t3.inp];
                        let Some(c) = std::str::from_utf8(&bytes)
                            .ok()
                            .and_then(|s| s.chars().next())
                        else {
                            continue;
                        };
                        if CJK.contains(&c) {
                            let out = t1.out.cat(t2.out).cat(t3.out);
                            table[c as usize - base] = Step::at(&self.fst.node(t3.addr), out);
                        }
                    }
                }
            }
            table.into_boxed_slice()
        })
    }

    /// Loads (or, for a map other than the embedded one, builds) the warm
    /// tables, once, so that the walks and [`Lexicon::may_join`] run
    /// faster. Call it before scoring a long input; answers do not change.
    pub fn warm_up(&self) {
        self.pairs.get_or_init(|| self.build_pairs());
    }

    fn build_pairs(&self) -> Pairs {
        // The embedded map's tables are compiled in; another map's are
        // built from its words.
        let (inner, trie) = match dat::load(&self.fst, dat::EMBEDDED_DAT) {
            Some(tables) => tables,
            None => (PairFilter::of_map(&self.fst), dat::build(&self.fst)),
        };
        let ln_freq = (0..LN_TABLE).map(|f| (f as f64).ln()).collect();
        Pairs {
            inner,
            trie,
            ln_freq,
        }
    }

    /// False only if no word of two or more characters has `a` directly
    /// followed by `b`; true for such pairs, and for a few others (the
    /// tables keep a filter, not a list, see [`Pairs::inner`]). Always true
    /// before [`Lexicon::warm_up`].
    pub fn may_join(&self, a: char, b: char) -> bool {
        match self.pairs.get() {
            None => true,
            Some(p) => {
                let k = pair_key(a, b);
                p.inner.may_hold(k)
                    || (!self.overlay_pairs.is_empty() && self.overlay_pairs.contains(&k))
            }
        }
    }

    fn fst_freq(&self, word: &str) -> Option<u64> {
        if !valid_word(word) {
            return None;
        }
        self.fst.get(word).map(Output::value)
    }

    /// Records `freq` for `word` in the overlay (0 hides it), keeping the
    /// overlay free of entries that merely repeat the map.
    fn set_overlay(&mut self, word: &str, freq: u64) {
        let chars: Box<[char]> = word.chars().collect();
        if self.fst_freq(word).unwrap_or(0) == freq {
            self.overlay.remove(&chars);
            return;
        }
        if let Some(&c) = chars.first() {
            self.overlay_first.insert(c);
        }
        if freq > 0 {
            for w in chars.windows(2) {
                self.overlay_pairs.insert(pair_key(w[0], w[1]));
            }
        }
        self.overlay_max_chars = self.overlay_max_chars.max(chars.len());
        self.overlay.insert(chars, freq);
    }

    /// Recomputes the statistics after the overlay changed. Costs one map
    /// lookup per overlay entry.
    fn refresh(&mut self) {
        let (mut total, mut words) = (self.fst_total, self.fst_words);
        let mut min_freq = self.fst_min_freq;
        let mut max_chars = self.fst_max_chars;
        for (chars, &freq) in &self.overlay {
            let word: String = chars.iter().collect();
            let old = self.fst_freq(&word).unwrap_or(0);
            // Saturating: a user may write any count.
            total = (total - old).saturating_add(freq);
            words = words + u64::from(freq > 0) - u64::from(old > 0);
            if freq > 0 {
                min_freq = min_freq.min(freq);
                max_chars = max_chars.max(chars.len());
            }
        }
        self.total = total.max(1);
        self.words = words;
        self.min_freq = min_freq.max(1);
        self.max_chars = max_chars;
        self.ln_total = (self.total as f64).ln();
        self.unknown = (self.min_freq as f64).ln() - self.ln_total - UNKNOWN_PENALTY;
    }

    /// The frequency of `word`, if it is a lexicon word.
    pub fn freq(&self, word: &str) -> Option<u64> {
        if !self.overlay.is_empty() {
            if let Some(&f) = with_chars(word, |cs| self.overlay.get(cs)) {
                return (f > 0).then_some(f);
            }
        }
        self.fst_freq(word)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.freq(word).is_some()
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words as usize
    }

    pub fn is_empty(&self) -> bool {
        self.words == 0
    }

    /// Sum of all word frequencies: the denominator of probabilities.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Length of the longest word, in characters.
    pub fn max_word_chars(&self) -> usize {
        self.max_chars
    }

    /// The log-probability of a character that is no word on its own:
    /// `ln(min_freq / total) - UNKNOWN_PENALTY`.
    pub fn unknown_log_prob(&self) -> f64 {
        self.unknown
    }

    /// `ln(freq / total)` for a lexicon word; [`Lexicon::unknown_log_prob`]
    /// for anything else (to score a string that is not one word, use
    /// [`Lexicon::score`]).
    pub fn log_prob(&self, word: &str) -> f64 {
        self.freq(word)
            .map_or(self.unknown, |f| self.ln_prob_of_freq(f))
    }

    #[inline]
    fn ln_prob_of_freq(&self, freq: u64) -> f64 {
        (freq as f64).ln() - self.ln_total
    }

    /// Every lexicon word that starts at `chars[start]` and is at most
    /// `max_len` characters long, as `(length in chars, freq)`, shortest
    /// first. One walk down the map, node by node, stopping as soon as no
    /// word continues; overlay words are merged in (and override the map).
    /// Empty if `start` is past the end.
    pub fn prefix_words<'a>(
        &'a self,
        chars: &'a [char],
        start: usize,
        max_len: usize,
    ) -> PrefixWords<'a> {
        let end = start.saturating_add(max_len).min(chars.len());
        let overlay_here = !self.overlay.is_empty()
            && chars
                .get(start)
                .is_some_and(|c| self.overlay_first.contains(c));
        // Where an overlay word may start, the walk goes node by node so
        // that the overlay is asked at every length.
        let trie = self
            .pairs
            .get()
            .and_then(|p| p.trie.as_ref())
            .filter(|_| !overlay_here);
        let walk = match trie {
            Some(t) => Walk::Array(t.common_prefix_search(haystack(chars.get(start..end)))),
            None => Walk::Map {
                addr: Some(self.fst.root().addr()),
                out: Output::zero(),
            },
        };
        PrefixWords {
            lex: self,
            chars,
            start,
            pos: start,
            end,
            walk,
            overlay_end: if overlay_here {
                start.saturating_add(self.overlay_max_chars).min(end)
            } else {
                start
            },
        }
    }

    /// Calls `f(len, freq, ln freq)` for each of `prefix_words(chars,
    /// start, ∞)`, in the same order. With the double array and no overlay
    /// word starting here, the walk runs inline, one array probe per
    /// character, and the logarithm of a frequency below [`LN_TABLE`] is
    /// looked up.
    #[inline]
    fn each_prefix_word(&self, chars: &[char], start: usize, mut f: impl FnMut(usize, u64, f64)) {
        let pairs = self.pairs.get();
        let trie = pairs.and_then(|p| p.trie.as_ref());
        let overlay_here = !self.overlay.is_empty()
            && chars
                .get(start)
                .is_some_and(|c| self.overlay_first.contains(c));
        let Some(trie) = trie.filter(|_| !overlay_here) else {
            for (len, freq) in self.prefix_words(chars, start, chars.len()) {
                f(len, freq, (freq as f64).ln());
            }
            return;
        };
        let ln_table = pairs.map_or(&[][..], |p| &p.ln_freq);
        for (v, len) in trie.common_prefix_search(haystack(chars.get(start..))) {
            let freq = u64::from(v);
            let ln = usize::try_from(v)
                .ok()
                .and_then(|i| ln_table.get(i))
                .copied()
                .unwrap_or_else(|| (freq as f64).ln());
            f(len, freq, ln);
        }
    }

    /// Fills `route[i]` with the best log-probability of `chars[i..]`, the
    /// length of its first word and that word's frequency (0 for a lone
    /// unknown character). `route.len()` must be `chars.len() + 1`. With
    /// `skip_whole`, `chars` as one word is not a candidate.
    fn fill_route(&self, chars: &[char], route: &mut [Cell], skip_whole: bool) {
        // index: `route.len() == n + 1` (the documented contract, met by
        // every caller); `prefix_words` caps `len` at `n - i`.
        let n = chars.len();
        route[n] = (0.0, 0, 0);
        for i in (0..n).rev() {
            // A single character always has a way through: as a word if it
            // is one (found below, and always above the floor), else here.
            let mut best = (self.unknown + route[i + 1].0, 1u32, 0u64);
            self.each_prefix_word(chars, i, |len, freq, ln| {
                if skip_whole && len == n {
                    return;
                }
                // As `ln_prob_of_freq(freq)`, with `ln` = `(freq as f64).ln()`.
                let s = (ln - self.ln_total) + route[i + len].0;
                if s > best.0 {
                    best = (s, len as u32, freq);
                }
            });
            route[i] = best;
        }
    }

    /// The most probable segmentation of `chars` into lexicon words (and
    /// unknown single characters): its log-probability and the word ranges,
    /// in character indices, in order. Dynamic programming from the right
    /// over the word graph, as jieba does: O(n × longest word), one
    /// allocation for the route.
    pub fn best_segmentation(&self, chars: &[char]) -> (f64, Vec<Range<usize>>) {
        let (score, words) = self.segment(chars);
        (score, words.into_iter().map(|(r, _)| r).collect())
    }

    /// [`Lexicon::best_segmentation`] with each word's frequency (`None` for
    /// an unknown single character).
    pub fn segment(&self, chars: &[char]) -> (f64, Vec<Word>) {
        // index: `route` has `n + 1` cells and `i < n`; each word length is
        // at most `n - i` (see `fill_route`), so the words cover `chars`.
        // Runs up to `STACK_WINDOW` characters route on the stack.
        let n = chars.len();
        let mut stack = [(0.0, 0u32, 0u64); STACK_WINDOW + 1];
        let mut heap = Vec::new();
        let route: &mut [Cell] = if n <= STACK_WINDOW {
            &mut stack[..=n]
        } else {
            heap.resize(n + 1, (0.0, 0u32, 0u64));
            &mut heap
        };
        self.fill_route(chars, route, false);
        let mut words = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (_, len, freq) = route[i];
            let len = (len as usize).max(1);
            words.push((i..i + len, (freq > 0).then_some(freq)));
            i += len;
        }
        (route[0].0, words)
    }

    /// The log-probability of the best segmentation of `chars`, without the
    /// ranges. No allocation up to 64 characters.
    pub fn score(&self, chars: &[char]) -> f64 {
        // slice: `n <= STACK_WINDOW` on the stack path.
        let n = chars.len();
        if n <= STACK_WINDOW {
            let mut route = [(0.0, 0u32, 0u64); STACK_WINDOW + 1];
            self.fill_route(chars, &mut route[..=n], false);
            route[0].0
        } else {
            self.best_segmentation(chars).0
        }
    }

    /// [`Lexicon::score`] of `chars[window]` with the character at `pos`
    /// replaced by `replacement`; `chars` is not changed. No allocation for
    /// windows up to 64 characters, so trying ten candidates at every
    /// position of a page costs ten window scorings each.
    ///
    /// Words are cut at the window's edges: compare scores of the same
    /// window only, and make it reach a few characters past `pos` on both
    /// sides (a word is at most [`Lexicon::max_word_chars`] long).
    ///
    /// # Panics
    ///
    /// If `window` is not within `chars` or `pos` not within `window`.
    pub fn score_with(
        &self,
        chars: &[char],
        window: Range<usize>,
        pos: usize,
        replacement: char,
    ) -> f64 {
        assert!(
            window.start <= pos && pos < window.end && window.end <= chars.len(),
            "score_with: pos {pos} must lie in window {window:?} within {} chars",
            chars.len()
        );
        // index: bounds asserted above; `n <= STACK_WINDOW` on the stack path.
        let n = window.len();
        let at = pos - window.start;
        if n <= STACK_WINDOW {
            let mut buf = ['\0'; STACK_WINDOW];
            buf[..n].copy_from_slice(&chars[window]);
            buf[at] = replacement;
            self.score(&buf[..n])
        } else {
            let mut buf = chars[window].to_vec();
            buf[at] = replacement;
            self.score(&buf)
        }
    }

    /// jieba's suggested frequency for `word`: the least count at which the
    /// whole word scores better than its best split into other words (at
    /// least 1). Used for user words given without a frequency.
    pub fn suggest_freq(&self, word: &str) -> u64 {
        with_chars(word, |chars| {
            let mut route = vec![(0.0, 0u32, 0u64); chars.len() + 1];
            self.fill_route(chars, &mut route, true);
            let split = (route[0].0 + self.ln_total).exp();
            // floor + 1: strictly above the split; the cast saturates.
            (split.floor() as u64).saturating_add(1)
        })
    }

    /// True if corrections must leave `word` alone (`protected.tsv`).
    pub fn is_protected(&self, word: &str) -> bool {
        !self.protected.is_empty() && with_chars(word, |cs| self.protected.contains(cs))
    }

    /// The longest protected word in `chars` that covers position `pos`, if
    /// any: a pass must not change characters inside it. O(k²) hash lookups
    /// for protected words of up to k characters.
    pub fn protected_span(&self, chars: &[char], pos: usize) -> Option<Range<usize>> {
        if pos >= chars.len() || !self.protected_chars.contains(&chars[pos]) {
            return None;
        }
        for len in (1..=self.protected_max_chars).rev() {
            let first = (pos + 1).saturating_sub(len);
            for start in first..=pos {
                let end = start + len;
                if end <= chars.len() && self.protected.contains(&chars[start..end]) {
                    return Some(start..end);
                }
            }
        }
        None
    }
}

/// What a walk of the double array reads: the characters, ending before
/// crawdad's [`crawdad::END_MARKER`], which the array keeps for itself. (A
/// control character ends a walk too: no word of an array holds one, see
/// [`dat::records`], so crawdad finds no edge for it.)
#[derive(Clone)]
struct Haystack<'a>(std::slice::Iter<'a, char>);

impl Iterator for Haystack<'_> {
    type Item = char;

    #[inline]
    fn next(&mut self) -> Option<char> {
        let c = *self.0.next()?;
        (c != crawdad::END_MARKER).then_some(c)
    }
}

fn haystack(chars: Option<&[char]>) -> Haystack<'_> {
    Haystack(chars.unwrap_or(&[]).iter())
}

/// Iterator of [`Lexicon::prefix_words`].
pub struct PrefixWords<'a> {
    lex: &'a Lexicon,
    chars: &'a [char],
    start: usize,
    /// Characters `start..pos` have been walked (on the map).
    pos: usize,
    end: usize,
    walk: Walk<'a>,
    /// Overlay words can end at or before this position.
    overlay_end: usize,
}

enum Walk<'a> {
    /// Down the double array (no overlay word starts here).
    Array(crawdad::trie::CommonPrefixSearchIter<'a, Haystack<'a>>),
    /// Node by node down the map: the address of the node after
    /// `chars[start..pos]`, None once no word continues (nodes are decoded
    /// only to step on from them), and the output so far.
    Map {
        addr: Option<CompiledAddr>,
        out: Output,
    },
}

impl PrefixWords<'_> {
    /// Follows `c`'s UTF-8 bytes down the map from the current node;
    /// returns the map's frequency of `chars[start..=pos]` if it is a word.
    fn step(&mut self, c: char) -> Option<u64> {
        let at_start = self.pos == self.start;
        let Walk::Map { addr, out } = &mut self.walk else {
            return None;
        };
        let at = (*addr)?;
        // A control character ends every word: it keeps the walk out of the
        // statistics stored under NUL-prefixed keys.
        if c.is_control() {
            *addr = None;
            return None;
        }
        // index: the `first_cjk` table has a cell per `CJK` character.
        let table = (at_start && CJK.contains(&c))
            .then(|| self.lex.first_cjk()[c as usize - *CJK.start() as usize]);
        if let Some(step) = table {
            if step.addr == NO_NODE {
                *addr = None;
                return None;
            }
            *addr = Some(step.addr);
            *out = Output::new(step.out);
            return step.word;
        }
        let mut node = self.lex.fst.node(at);
        let mut o = *out;
        let mut utf8 = [0u8; 4];
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            let Some(i) = node.find_input(b) else {
                *addr = None;
                return None;
            };
            let t = node.transition(i);
            o = o.cat(t.out);
            node = self.lex.fst.node(t.addr);
        }
        *addr = Some(node.addr());
        *out = o;
        node.is_final().then(|| o.cat(node.final_output()).value())
    }
}

impl Iterator for PrefixWords<'_> {
    type Item = (usize, u64);

    fn next(&mut self) -> Option<(usize, u64)> {
        if let Walk::Array(it) = &mut self.walk {
            return it.next().map(|(v, len)| (len, u64::from(v)));
        }
        while self.pos < self.end {
            let ended = matches!(self.walk, Walk::Map { addr: None, .. });
            if ended && self.pos >= self.overlay_end {
                self.pos = self.end;
                return None;
            }
            // index: `pos < end <= chars.len()` (see `prefix_words`).
            let c = self.chars[self.pos];
            let from_map = self.step(c);
            self.pos += 1;
            let found = if self.pos <= self.overlay_end {
                match self.lex.overlay.get(&self.chars[self.start..self.pos]) {
                    Some(&f) => (f > 0).then_some(f),
                    None => from_map,
                }
            } else {
                from_map
            };
            if let Some(freq) = found {
                return Some((self.pos - self.start, freq));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
