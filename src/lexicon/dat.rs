//! The warm tables of the embedded lexicon, compiled in
//! (`rules/lexicon.dat`): the filter of the pairs inside its words and the
//! words as a character-wise double array ([`crawdad::Trie`]), the
//! structures that segmentation and misread's candidate checks use once a
//! long input has warmed the lexicon up (see [`super::Lexicon::warm_up`]).
//!
//! A walk down the `fst` map decodes a node per UTF-8 byte, three per
//! Chinese character; the double array takes one probe of an 8-byte cell per
//! character, in 6.4 MB for the embedded map (a hash table of the trie's
//! edges took 16 MiB and missed the cache more often). Building the two
//! tables takes about 1.5 s, so the embedded map's are built at development
//! time, by `examples/build_lexicon.rs` beside `rules/lexicon.fst`; loading
//! them copies 7 MB (a few milliseconds). The file starts with a header
//! naming the map it was built from, so tables are only ever used with
//! their own map: any other map builds its own when it warms up.
//!
//! File layout, integers little-endian: [`MAGIC`]; the map's size in bytes,
//! its number of keys (u64 each) and its checksum (the last four bytes of an
//! fst, u32); the pair filter's [`PairFilter::WORDS`] u64 words; the array
//! as [`crawdad::Trie::serialize_to_vec`] writes it.

use super::PairFilter;
use fst::raw::Fst;

/// The tables of the embedded map `rules/lexicon.fst`.
pub static EMBEDDED_DAT: &[u8] = include_bytes!("../../rules/lexicon.dat");

/// First bytes of a `lexicon.dat` file (the last byte is the layout's
/// version).
pub const MAGIC: &[u8; 8] = b"ocrfxda1";

const HEADER: usize = MAGIC.len() + 8 + 8 + 4;
const FILTER_BYTES: usize = PairFilter::WORDS * 8;

/// The header of tables built from `fst`.
fn header<D: AsRef<[u8]>>(fst: &Fst<D>) -> [u8; HEADER] {
    let bytes = fst.as_bytes();
    let mut h = [0u8; HEADER];
    h[..8].copy_from_slice(MAGIC);
    h[8..16].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    h[16..24].copy_from_slice(&(fst.len() as u64).to_le_bytes());
    // The checksum of an fst (format 3, which `fst` 0.4 writes) is its last
    // four bytes.
    let tail = bytes.len().saturating_sub(4);
    let mut sum = [0u8; 4];
    if let Some(b) = bytes.get(tail..) {
        sum[..b.len()].copy_from_slice(b);
    }
    h[24..28].copy_from_slice(&sum);
    h
}

/// The map's words with their frequencies, in the map's order, for the
/// array: the statistics keys (which begin with NUL) left out. None if a
/// word or frequency does not fit an array that walks exactly as the map:
/// a word holding a control character (a walk of the map stops at one) or
/// crawdad's [`crawdad::END_MARKER`], or a frequency of 0 or above
/// crawdad's largest value.
pub fn records<D: AsRef<[u8]>>(fst: &Fst<D>) -> Option<Vec<(String, u32)>> {
    use fst::{IntoStreamer, Streamer};
    let mut out = Vec::with_capacity(fst.len());
    let mut stream = fst.stream().into_stream();
    while let Some((key, value)) = stream.next() {
        if key.first() == Some(&0) {
            continue;
        }
        let word = std::str::from_utf8(key).ok()?;
        let freq = u32::try_from(value.value())
            .ok()
            .filter(|&f| f > 0 && f <= MAX_VALUE)?;
        if word
            .chars()
            .any(|c| c.is_control() || c == crawdad::END_MARKER)
        {
            return None;
        }
        out.push((word.to_string(), freq));
    }
    Some(out)
}

/// crawdad's largest value (its cells keep one bit of 32 for themselves).
const MAX_VALUE: u32 = 0x7fff_ffff;

/// Builds the array of `fst`'s words (see [`records`]); None if they do not
/// fit one.
pub fn build<D: AsRef<[u8]>>(fst: &Fst<D>) -> Option<crawdad::Trie> {
    let records = records(fst)?;
    if records.is_empty() {
        return None;
    }
    crawdad::Trie::from_records(records.iter().map(|(w, f)| (w.as_str(), *f))).ok()
}

/// The tables in `bytes` if they were written for `fst` by [`file_for`].
pub(crate) fn load<D: AsRef<[u8]>>(
    fst: &Fst<D>,
    bytes: &[u8],
) -> Option<(PairFilter, Option<crawdad::Trie>)> {
    let head = bytes.get(..HEADER)?;
    let filter = bytes.get(HEADER..HEADER + FILTER_BYTES)?;
    let body = bytes.get(HEADER + FILTER_BYTES..)?;
    if head != header(fst) || body.is_empty() {
        return None;
    }
    let words = filter
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes(w.try_into().unwrap_or([0; 8])))
        .collect();
    // The header ties the bytes to this map: they are what `file_for`
    // wrote for it (the embedded file is checked against a rebuild by a
    // test), so crawdad reads what it wrote.
    let (trie, rest) = crawdad::Trie::deserialize_from_slice(body);
    let filter = PairFilter::from_words(words)?;
    rest.is_empty().then_some((filter, Some(trie)))
}

/// The `lexicon.dat` file for the map in `fst_bytes` (what
/// `examples/build_lexicon.rs` writes beside `lexicon.fst`).
pub fn file_for(fst_bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context as _;
    let fst = Fst::new(fst_bytes).context("not an fst map")?;
    let trie = build(&fst).context("the map's words do not fit a double array")?;
    let mut out = header(&fst).to_vec();
    for w in PairFilter::of_map(&fst).words() {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.extend_from_slice(&trie.serialize_to_vec());
    Ok(out)
}
