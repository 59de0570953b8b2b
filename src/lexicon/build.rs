//! Development-time generator of `rules/lexicon.fst`: the jieba dictionary
//! plus `rules/words.tsv`, compiled into one `fst::Map` from word to
//! frequency. Nothing here runs when ocrfix runs; `examples/build_lexicon.rs`
//! is the command line, and a test in the parent module rebuilds the map and
//! compares it with the committed file byte for byte.
//!
//! The map also holds a few statistics under keys that begin with a NUL byte
//! (no word can: words with control characters are refused), so that loading
//! needs no pass over 349,000 entries: see [`META_TOTAL`] and its siblings.

use super::{parse_freq, valid_word, Lexicon};
use crate::rules::{parse_table, RuleFileSpec, RULE_FILES};
use anyhow::{bail, Context as _, Result};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Sum of all word frequencies.
pub const META_TOTAL: &str = "\0total";
/// Smallest word frequency.
pub const META_MIN_FREQ: &str = "\0min_freq";
/// Length of the longest word, in characters.
pub const META_MAX_CHARS: &str = "\0max_chars";
/// Number of words (the meta keys not counted).
pub const META_WORDS: &str = "\0words";

/// What [`build`] made.
#[derive(Debug)]
pub struct Built {
    /// The serialized `fst::Map`, as committed in `rules/lexicon.fst`.
    pub fst: Vec<u8>,
    pub words: u64,
    /// How many of them came from `words.tsv`.
    pub added: usize,
    pub total: u64,
    pub min_freq: u64,
    pub max_chars: u64,
}

/// Parses jieba's `dict.txt`: `word freq [pos]` per line, separated by one
/// space. A word listed twice keeps its last frequency, as jieba does (the
/// PyPI copy of the file lists `B超` twice, with the same count).
pub fn parse_jieba_dict(text: &str, label: &str) -> Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split(' ');
        let word = fields.next().unwrap_or("");
        let freq = fields.next().unwrap_or("");
        if !valid_word(word) {
            bail!("{label}:{}: bad word {word:?}", i + 1);
        }
        let freq: u64 = freq
            .parse()
            .with_context(|| format!("{label}:{}: bad frequency {freq:?}", i + 1))?;
        // A zero count says nothing about the word; leave it out rather than
        // store an entry that every lookup would have to treat as absent.
        if freq > 0 {
            out.insert(word.to_string(), freq);
        } else {
            out.remove(word);
        }
    }
    Ok(out)
}

/// The spec of `words.tsv` in [`RULE_FILES`].
pub(crate) fn words_spec() -> &'static RuleFileSpec {
    RULE_FILES
        .iter()
        .find(|s| s.name == "words.tsv")
        .expect("words.tsv is registered in RULE_FILES")
}

/// Builds the lexicon map from the text of jieba's `dict.txt` and of
/// `rules/words.tsv`. Deterministic: the same inputs give the same bytes.
///
/// A words.tsv entry without a frequency gets [`Lexicon::suggest_freq`]
/// against the jieba words alone. Entries already in jieba are refused: the
/// defaults only add words, so that a user's `!word` can remove one
/// completely (the map cannot say what jieba's count was).
pub fn build(jieba_dict: &str, words_tsv: &str) -> Result<Built> {
    let mut entries = parse_jieba_dict(jieba_dict, "dict.txt")?;
    let base = Lexicon::from_fst(Cow::Owned(fst_bytes(&entries)?))?;
    let mut added = BTreeMap::new();
    for (remove, e) in parse_table(words_spec(), "rules/words.tsv", words_tsv)? {
        if remove {
            bail!(
                "{}: a '!' line removes a default; it belongs in a user's words.tsv",
                e.origin
            );
        }
        if !valid_word(e.key()) {
            bail!("{}: a word cannot contain control characters", e.origin);
        }
        if let Some(f) = entries.get(e.key()) {
            bail!(
                "{}: {} is already in the jieba dictionary (freq {f}); the default words.tsv only adds words",
                e.origin,
                e.key()
            );
        }
        let freq = match parse_freq(&e)? {
            Some(f) => f,
            None => base.suggest_freq(e.key()),
        };
        if added.insert(e.key().to_string(), freq).is_some() {
            bail!("{}: {} is listed twice", e.origin, e.key());
        }
    }
    added.retain(|_, f| *f > 0);
    let n_added = added.len();
    entries.extend(added);
    Ok(Built {
        fst: fst_bytes(&entries)?,
        words: entries.len() as u64,
        added: n_added,
        total: entries.values().sum(),
        min_freq: min_freq(&entries),
        max_chars: max_chars(&entries),
    })
}

fn min_freq(entries: &BTreeMap<String, u64>) -> u64 {
    entries.values().copied().min().unwrap_or(1)
}

fn max_chars(entries: &BTreeMap<String, u64>) -> u64 {
    entries
        .keys()
        .map(|w| w.chars().count() as u64)
        .max()
        .unwrap_or(0)
}

/// Serializes `entries` (all frequencies > 0) with the meta keys in front.
fn fst_bytes(entries: &BTreeMap<String, u64>) -> Result<Vec<u8>> {
    let mut meta = [
        (META_MAX_CHARS, max_chars(entries)),
        (META_MIN_FREQ, min_freq(entries)),
        (META_TOTAL, entries.values().sum()),
        (META_WORDS, entries.len() as u64),
    ];
    // The builder wants keys in byte order; the NUL byte puts the meta keys
    // before every word.
    meta.sort();
    let mut b = fst::MapBuilder::memory();
    for (k, v) in meta {
        b.insert(k, v)?;
    }
    for (k, &v) in entries {
        b.insert(k, v)?;
    }
    Ok(b.into_inner()?)
}

/// Where a copy of jieba's `dict.txt` is on this machine, if any: the file
/// named by `OCRFIX_JIEBA_DICT`, else the one of the `jieba` Python package
/// (`pip install jieba`), else the one inside a `jieba-rs` crate in Cargo's
/// registry (after any `cargo fetch` of a crate that depends on it). Both
/// copies hold the same entries (the PyPI file in another order, and one
/// line twice), so either builds the same map.
pub fn find_jieba_dict() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OCRFIX_JIEBA_DICT") {
        return Some(PathBuf::from(p));
    }
    let python = std::process::Command::new("python3")
        .args([
            "-c",
            "import jieba,os;print(os.path.join(os.path.dirname(jieba.__file__),'dict.txt'))",
        ])
        .stderr(std::process::Stdio::null())
        .output();
    if let Ok(out) = python {
        let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && p.is_file() {
            return Some(p);
        }
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(cargo_home.join("registry/src"))
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|index| std::fs::read_dir(index.path()).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("jieba-rs-"))
        .map(|e| e.path().join("src/data/dict.txt"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}
