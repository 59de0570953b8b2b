//! Turning bytes into text and back: UTF-8 validation (or a legacy Chinese
//! encoding), the byte-order mark, CRLF line ends, and cutting a stream into
//! chunks the pipeline can fix one at a time with flat memory.
//!
//! A chunk ends at a blank line once it holds [`CHUNK_TARGET`] bytes, so a
//! paragraph is never cut and joins across a boundary are the only thing
//! chunking costs; a chunk with no blank line is cut at a line end after
//! [`CHUNK_MAX`] bytes, and a single line longer than [`LINE_MAX`] after a
//! sentence end (or a clause mark, or any character) so memory stays bounded
//! on any input.

use anyhow::{anyhow, bail, Result};
use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_8};
use std::io::BufRead;

/// Once a chunk holds this much, it ends at the next blank line.
pub const CHUNK_TARGET: usize = 1 << 20;
/// A chunk never grows past this (cut at a line end, or inside a line).
pub const CHUNK_MAX: usize = 8 << 20;
/// A single line is cut once it holds this much: a paragraph this long is
/// no newspaper's, and the passes keep tables per character of a line, so
/// this bounds memory on a line with no end. It stays above the 1 MB
/// pathological paragraphs the tests fix twice: a cut can split a
/// repetition loop between chunks, and a second run would then find it.
pub const LINE_MAX: usize = 2 << 20;

/// The input encodings ocrfix reads. Output is always UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEncoding {
    Utf8,
    Gb18030,
    Gbk,
    Big5,
}

impl std::str::FromStr for InputEncoding {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Self::Utf8),
            "gb18030" => Ok(Self::Gb18030),
            "gbk" | "gb2312" | "cp936" => Ok(Self::Gbk),
            "big5" => Ok(Self::Big5),
            _ => Err(format!(
                "unknown encoding '{s}' (use utf-8, gb18030, gbk or big5)"
            )),
        }
    }
}

impl InputEncoding {
    fn encoding(self) -> &'static Encoding {
        match self {
            Self::Utf8 => UTF_8,
            Self::Gb18030 => GB18030,
            Self::Gbk => GBK,
            Self::Big5 => BIG5,
        }
    }
}

/// The input holds a NUL byte: it is binary, not text. A typed error so
/// callers can tell it from other read errors (a walk skips such files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinaryData {
    /// Byte offset of the first NUL in the raw input.
    pub at: usize,
}

impl std::fmt::Display for BinaryData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "binary data (NUL byte) at byte {}", self.at)
    }
}

impl std::error::Error for BinaryData {}

/// How the input's text was framed, so the output can be framed the same.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Framing {
    pub bom: bool,
    pub crlf: bool,
}

/// A piece of decoded input: LF line ends, no BOM.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub text: String,
    /// 0-based line number of the chunk's first line in the whole input.
    pub first_line: usize,
    /// Byte offset of the chunk in the decoded (LF, no BOM) input.
    pub offset: usize,
}

/// Reads decoded chunks from a byte stream.
pub struct ChunkReader<R> {
    reader: R,
    decoder: encoding_rs::Decoder,
    encoding: InputEncoding,
    /// Raw bytes consumed so far (for error offsets).
    raw_pos: usize,
    /// Decoded bytes handed out so far.
    text_pos: usize,
    line: usize,
    started: bool,
    done: bool,
    pub framing: Framing,
    /// Text decoded but not yet handed out (always ends inside a line).
    carry: String,
    target: usize,
    max: usize,
    line_max: usize,
}

impl<R: BufRead> ChunkReader<R> {
    pub fn new(reader: R, encoding: InputEncoding) -> Self {
        Self::with_sizes(reader, encoding, CHUNK_TARGET, CHUNK_MAX)
    }

    /// Chunk sizes are parameters so tests can exercise the boundaries.
    pub fn with_sizes(reader: R, encoding: InputEncoding, target: usize, max: usize) -> Self {
        ChunkReader {
            reader,
            decoder: encoding.encoding().new_decoder_without_bom_handling(),
            encoding,
            raw_pos: 0,
            text_pos: 0,
            line: 0,
            started: false,
            done: false,
            framing: Framing::default(),
            carry: String::new(),
            target,
            max,
            line_max: max.min(LINE_MAX),
        }
    }

    /// Reads raw bytes up to and including the next `\n`, or at most `limit`.
    fn read_raw_line(&mut self, limit: usize, buf: &mut Vec<u8>) -> Result<bool> {
        buf.clear();
        let n = std::io::Read::take(&mut self.reader, limit as u64)
            .read_until(b'\n', buf)
            .map_err(|e| anyhow!("read error after byte {}: {e}", self.raw_pos))?;
        Ok(n > 0)
    }

    fn decode(&mut self, raw: &[u8], last: bool, out: &mut String) -> Result<()> {
        let mut bytes = raw;
        if !self.started {
            self.started = true;
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()) {
                if self.encoding == InputEncoding::Utf8 {
                    self.framing.bom = true;
                    bytes = rest;
                    self.raw_pos += 3;
                }
            }
        }
        if let Some(nul) = bytes.iter().position(|&b| b == 0) {
            return Err(BinaryData {
                at: self.raw_pos + nul,
            }
            .into());
        }
        out.reserve(
            self.decoder
                .max_utf8_buffer_length_without_replacement(bytes.len())
                .unwrap_or(bytes.len() * 3),
        );
        let (result, read) = self
            .decoder
            .decode_to_string_without_replacement(bytes, out, last);
        match result {
            encoding_rs::DecoderResult::InputEmpty => {
                self.raw_pos += read;
                Ok(())
            }
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                let at = self.raw_pos + read - bad as usize - after as usize;
                let what = match self.encoding {
                    InputEncoding::Utf8 => "invalid UTF-8".to_string(),
                    e => format!("invalid {e:?}"),
                };
                let hint = if self.encoding == InputEncoding::Utf8 {
                    " (use --encoding gb18030, gbk or big5 for legacy Chinese text)"
                } else {
                    ""
                };
                bail!("{what} at byte {at}{hint}")
            }
            encoding_rs::DecoderResult::OutputFull => bail!("internal: decoder output full"),
        }
    }

    /// The next chunk, or `None` at the end of input.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        if self.done {
            return Ok(None);
        }
        let mut text = std::mem::take(&mut self.carry);
        let mut raw = Vec::new();
        // Where the line being read starts in `text` (a carried part-line
        // starts at 0).
        let mut line_start = 0;
        loop {
            let room = self
                .max
                .saturating_sub(text.len())
                .min(self.line_max.saturating_sub(text.len() - line_start))
                .max(4096);
            if !self.read_raw_line(room, &mut raw)? {
                let mut tail = String::new();
                self.decode(&[], true, &mut tail)?;
                text.push_str(&tail);
                self.done = true;
                break;
            }
            let complete = raw.ends_with(b"\n");
            if complete {
                if raw.ends_with(b"\r\n") {
                    if self.line == 0 {
                        self.framing.crlf = true;
                    }
                    raw.truncate(raw.len() - 2);
                    raw.push(b'\n');
                    self.raw_pos += 1; // the dropped \r
                }
                self.line += 1;
            }
            let before = text.len();
            self.decode(&raw, false, &mut text)?;
            // slice: `before` was the length of `text`, a boundary.
            let line = &text[before..];
            let blank = complete && line.trim().is_empty();
            if complete {
                line_start = text.len();
            }
            if text.len() >= self.target && blank {
                break;
            }
            if text.len() >= self.max && complete {
                break;
            }
            if !complete && (text.len() >= self.max || text.len() - line_start >= self.line_max) {
                if line_start > 0 && text.len() - line_start < self.line_max {
                    // The chunk is full and the line just begun is not long:
                    // the chunk ends before it.
                    self.carry = text.split_off(line_start);
                    break;
                }
                // One overlong line: cut it after a sentence end in the
                // second half of its part in this chunk (else after a
                // clause mark, else anywhere on a character boundary).
                let mut half = line_start + (text.len() - line_start) / 2;
                while !text.is_char_boundary(half) {
                    half -= 1;
                }
                // slice: `half` was moved to a boundary above, and `i` is a
                // match position of `rfind` in `text[half..]`.
                let after =
                    |i: usize| half + i + text[half + i..].chars().next().map_or(1, char::len_utf8);
                let cut = text[half..]
                    .rfind(['。', '！', '？'])
                    .or_else(|| text[half..].rfind(['，', '；', '、', ' ']))
                    .map(after)
                    .unwrap_or(text.len());
                self.carry = text.split_off(cut);
                break;
            }
        }
        if text.is_empty() && self.done {
            return Ok(None);
        }
        let first_line = self.line_of_start(&text);
        let chunk = Chunk {
            offset: self.text_pos,
            first_line,
            text,
        };
        self.text_pos += chunk.text.len();
        Ok(Some(chunk))
    }

    /// Line number of the chunk start: lines completed so far minus those the
    /// chunk itself completed, minus a carried part-line.
    fn line_of_start(&self, text: &str) -> usize {
        let newlines = text.bytes().filter(|&b| b == b'\n').count()
            + self.carry.bytes().filter(|&b| b == b'\n').count();
        self.line - newlines
    }
}

/// Frames output text like the input: BOM and CRLF restored.
pub fn frame_output(text: &str, framing: Framing, first: bool) -> String {
    let mut out = String::with_capacity(text.len() + 3);
    if framing.bom && first {
        out.push('\u{FEFF}');
    }
    if framing.crlf {
        out.push_str(&text.replace('\n', "\r\n"));
    } else {
        out.push_str(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(
        bytes: &[u8],
        enc: InputEncoding,
        target: usize,
        max: usize,
    ) -> Result<(Vec<Chunk>, Framing)> {
        let mut r = ChunkReader::with_sizes(bytes, enc, target, max);
        let mut v = Vec::new();
        while let Some(c) = r.next_chunk()? {
            v.push(c);
        }
        Ok((v, r.framing))
    }

    #[test]
    fn chunks_cut_at_blank_lines_and_keep_everything() {
        let text = "一\n二\n\n三\n\n四\n";
        let (v, _) = chunks(text.as_bytes(), InputEncoding::Utf8, 4, 1000).unwrap();
        let joined: String = v.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(joined, text);
        assert_eq!(v[0].text, "一\n二\n\n");
        assert_eq!(v[1].first_line, 3);
        assert_eq!(v[1].offset, v[0].text.len());
    }

    #[test]
    fn line_without_end_is_cut_at_clause_marks_within_line_max() {
        // 7.2 MB in one line, no sentence end, after a short first line:
        // chunks stay near LINE_MAX and end after a clause mark.
        let text = format!("标题\n{}\n", "甲乙丙丁，".repeat(480_000));
        let (v, _) = chunks(
            text.as_bytes(),
            InputEncoding::Utf8,
            CHUNK_TARGET,
            CHUNK_MAX,
        )
        .unwrap();
        assert!(v.len() >= 4, "{} chunks", v.len());
        let sizes: Vec<usize> = v.iter().map(|c| c.text.len()).collect();
        assert!(sizes.iter().all(|&n| n <= LINE_MAX + 8192), "{sizes:?}");
        assert!(v[..v.len() - 1].iter().all(|c| c.text.ends_with('，')));
        let joined: String = v.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn long_line_is_cut_after_a_sentence_end() {
        let text = "甲乙丙。丁戊己。庚辛壬癸".repeat(10);
        let (v, _) = chunks(text.as_bytes(), InputEncoding::Utf8, 10, 40).unwrap();
        assert!(v.len() > 1);
        assert!(v.iter().all(|c| c.text.len() <= 40 + 4096));
        let joined: String = v.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn long_line_is_cut_on_a_character_boundary() {
        // Halfway through the buffer falls inside a three-byte character
        // (it panicked on a 100 MB line).
        for pad in 0..3 {
            let text = format!("{}{}", "a".repeat(pad), "甲乙丙丁，戊己。".repeat(40));
            let (v, _) = chunks(text.as_bytes(), InputEncoding::Utf8, 10, 100).unwrap();
            let joined: String = v.iter().map(|c| c.text.as_str()).collect();
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn invalid_utf8_names_the_byte() {
        let err = chunks(b"ab\ncd\xFFe", InputEncoding::Utf8, 100, 1000).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid UTF-8 at byte 5"),
            "{err}"
        );
    }

    #[test]
    fn gbk_decodes_and_bom_crlf_are_noted() {
        let (gbk, _, _) = GBK.encode("中文\n");
        let (v, _) = chunks(&gbk, InputEncoding::Gbk, 100, 1000).unwrap();
        assert_eq!(v[0].text, "中文\n");
        let (v, f) = chunks(
            "\u{FEFF}甲\r\n乙\r\n".as_bytes(),
            InputEncoding::Utf8,
            100,
            1000,
        )
        .unwrap();
        assert_eq!(v[0].text, "甲\n乙\n");
        assert_eq!(
            f,
            Framing {
                bom: true,
                crlf: true
            }
        );
        assert_eq!(frame_output("甲\n", f, true), "\u{FEFF}甲\r\n");
    }

    #[test]
    fn nul_byte_is_binary() {
        let err = chunks(b"abc\0def", InputEncoding::Utf8, 100, 1000).unwrap_err();
        assert_eq!(
            err.downcast_ref::<BinaryData>(),
            Some(&BinaryData { at: 3 })
        );
        assert!(err.to_string().contains("binary"), "{err}");
    }
}
