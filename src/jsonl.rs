//! JSON Lines records: correct the text at one field of each record and
//! leave every other byte of the record as it was.
//!
//! A record is one line. [`JsonlFixer::fix_line`] validates it, finds the
//! raw span of the field's value (a dotted path such as `page.text` goes
//! into nested objects), runs the pipeline over the decoded string and
//! splices the re-encoded result into the same span. Keys, their order,
//! whitespace, number spellings (`1.0`, `1e5`, big integers) and escapes
//! elsewhere in the record are untouched; a record whose text needs no
//! change comes out byte for byte as it went in. Optionally the record gets
//! the list of edits as one more top-level field.
//!
//! A line that cannot be processed (invalid UTF-8 or JSON, not an object,
//! the field missing, not a string, or named twice) is a [`Line::Rejected`]
//! with the reason; the caller decides where the raw line goes. Lines are
//! independent, so any split of a stream into parts gives the same output.

use crate::pipeline::{Outcome, Pipeline};
use crate::report::{self, Place};
use anyhow::{bail, Result};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::ops::Range;

/// A dotted path to a string field: `text`, `page.body.text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    segments: Vec<String>,
}

impl std::str::FromStr for FieldPath {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let segments: Vec<String> = s.split('.').map(str::to_string).collect();
        if segments.iter().any(String::is_empty) {
            return Err(format!(
                "'{s}' is not a field path (names separated by single dots, e.g. text or page.text)"
            ));
        }
        Ok(FieldPath { segments })
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("."))
    }
}

impl FieldPath {
    pub fn segments(&self) -> &[String] {
        &self.segments
    }
}

/// One edit of a record's text, as written into the record by
/// `--jsonl-edits`: a `--format json` report record with an empty path (so
/// it is left out). `line`, `column` (characters, 1-based) and the byte
/// offsets refer to the field's decoded text.
pub type FieldEdit<'a> = report::Record<'a>;

/// Every fix and suggestion of `outcome` (a run over `text`), in text order.
pub fn field_edits<'a>(text: &'a str, outcome: &'a Outcome) -> Vec<FieldEdit<'a>> {
    let place = Place {
        path: "",
        input: text,
        first_line: 0,
        offset: 0,
    };
    report::records(place, outcome)
}

/// What became of one line.
#[derive(Debug)]
pub enum Line {
    /// Empty or only spaces and tabs: passed through as it is.
    Blank,
    /// A record: `output` is the line to write (without its line end).
    Record {
        output: String,
        /// The field's decoded text and what the pipeline made of it.
        text: String,
        outcome: Outcome,
    },
    /// Not processed; the reason says why (no line number, no path).
    Rejected { reason: String },
}

/// Corrects one field of JSON Lines records.
pub struct JsonlFixer<'p> {
    pipeline: &'p Pipeline,
    field: FieldPath,
    edits: Option<String>,
}

impl<'p> JsonlFixer<'p> {
    /// `edits`: the top-level field that receives the list of edits, if any.
    /// It must not be the first name of `field` (that would overwrite the
    /// text or the object holding it).
    pub fn new(pipeline: &'p Pipeline, field: FieldPath, edits: Option<String>) -> Result<Self> {
        if let Some(name) = &edits {
            if name.is_empty() {
                bail!("the edits field needs a name");
            }
            if field.segments.first() == Some(name) {
                bail!("the edits field '{name}' would overwrite the field '{field}'");
            }
        }
        Ok(JsonlFixer {
            pipeline,
            field,
            edits,
        })
    }

    pub fn field(&self) -> &FieldPath {
        &self.field
    }

    /// Processes one line given without its line end (`\n`; a `\r` before it
    /// may stay, it counts as JSON whitespace and is kept).
    pub fn fix_line(&self, raw: &[u8]) -> Line {
        let line = match std::str::from_utf8(raw) {
            Ok(l) => l,
            Err(e) => {
                return Line::Rejected {
                    reason: format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1),
                }
            }
        };
        if line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            return Line::Blank;
        }
        match self.fix_record(line) {
            Ok((output, text, outcome)) => Line::Record {
                output,
                text,
                outcome,
            },
            Err(reason) => Line::Rejected { reason },
        }
    }

    fn fix_record(&self, line: &str) -> std::result::Result<(String, String, Outcome), String> {
        // index, slice: a `FieldPath` has at least one segment (`split`
        // yields one) and `depth < segments.len()`; value spans are the
        // addresses of raw JSON values borrowed from `line` (see `Finder`),
        // and `line` parsed as an object, so it ends in `}` once trimmed.
        let top = locate(line, line, &self.field.segments[0], self.edits.as_deref())?;
        let mut value = one(&top.field, &self.field.segments[0])?;
        for (depth, name) in self.field.segments.iter().enumerate().skip(1) {
            let raw = &line[value.clone()];
            if !raw.starts_with('{') {
                let parent = self.field.segments[..depth].join(".");
                return Err(format!("field {parent} is {}, not an object", kind(raw)));
            }
            let found = locate(line, raw, name, None)?;
            value = one(&found.field, &self.field.segments[..=depth].join("."))?;
        }
        let raw = &line[value.clone()];
        if !raw.starts_with('"') {
            return Err(format!(
                "field {} is {}, not a string",
                self.field,
                kind(raw)
            ));
        }
        let text: String = serde_json::from_str(raw)
            .map_err(|e| format!("field {}: {}", self.field, plain(&e)))?;
        let outcome = self.pipeline.run(&text);
        // (span, replacement), spliced from the back so spans stay valid.
        let mut splices: Vec<(Range<usize>, String)> = Vec::new();
        if outcome.changed() {
            splices.push((value, json_string(&outcome.output)));
        }
        if let Some(name) = &self.edits {
            let list = serde_json::to_string(&field_edits(&text, &outcome))
                .map_err(|e| format!("cannot encode the edits: {e}"))?;
            match top.edits.as_slice() {
                [span] => splices.push((span.clone(), list)),
                [] => {
                    // Before the object's closing `}`; the object is not
                    // empty, it holds the field.
                    let close = line.trim_end().len() - 1;
                    splices.push((close..close, format!(",{}:{list}", json_string(name))));
                }
                _ => return Err(format!("field {name} appears more than once")),
            }
        }
        splices.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut output = line.to_string();
        for (span, with) in splices {
            output.replace_range(span, &with);
        }
        Ok((output, text, outcome))
    }
}

/// A string as a JSON string literal (non-ASCII written as is).
fn json_string(s: &str) -> String {
    // Serialising a str cannot fail; the fallback is never taken.
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

fn one(spans: &[Range<usize>], name: &str) -> std::result::Result<Range<usize>, String> {
    match spans {
        [span] => Ok(span.clone()),
        [] => Err(format!("no field {name}")),
        _ => Err(format!("field {name} appears more than once")),
    }
}

/// What kind of JSON value `raw` (valid JSON) is, for messages.
fn kind(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A serde_json error without its "at line 1 column N" tail.
fn plain(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let tail = format!(" at line {} column {}", e.line(), e.column());
    s.strip_suffix(&tail).unwrap_or(&s).to_string()
}

/// Byte spans (in `line`) of the values of `key` and of `edits` in the JSON
/// object `object`, a slice of `line`.
#[derive(Debug, Default)]
struct Found {
    field: Vec<Range<usize>>,
    edits: Vec<Range<usize>>,
}

fn locate(
    line: &str,
    object: &str,
    key: &str,
    edits: Option<&str>,
) -> std::result::Result<Found, String> {
    let mut de = serde_json::Deserializer::from_str(object);
    let seed = Finder {
        line,
        key,
        edits,
        found: Found::default(),
    };
    let result = seed.deserialize(&mut de).and_then(|f| de.end().map(|()| f));
    result.map_err(|e| {
        // A data error is a value of another type; it is reported as such
        // only if the whole text is valid JSON.
        let e = match e.is_data() {
            true => match serde_json::from_str::<IgnoredAny>(object) {
                Ok(_) => {
                    return format!("the record is {}, not an object", kind(object.trim_start()))
                }
                Err(syntax) => syntax,
            },
            false => e,
        };
        let at = object.as_ptr() as usize - line.as_ptr() as usize;
        format!("invalid JSON at column {}: {}", at + e.column(), plain(&e))
    })
}

struct Finder<'l, 'k> {
    line: &'l str,
    key: &'k str,
    edits: Option<&'k str>,
    found: Found,
}

impl<'de, 'l, 'k> DeserializeSeed<'de> for Finder<'l, 'k> {
    type Value = Found;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Found, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'l, 'k> Visitor<'de> for Finder<'l, 'k> {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> std::result::Result<Found, A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            let is_key = k == self.key;
            if is_key || Some(k.as_str()) == self.edits {
                let raw: &'de RawValue = map.next_value()?;
                // The raw value borrows from `line`: its span is its address
                // relative to the line's.
                let start = raw.get().as_ptr() as usize - self.line.as_ptr() as usize;
                let span = start..start + raw.get().len();
                if is_key {
                    self.found.field.push(span);
                } else {
                    self.found.edits.push(span);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(self.found)
    }
}

/// Splits a raw line into its content and its line end (`\n`, `\r\n` or
/// nothing for a last line without one).
pub fn split_line_end(raw: &[u8]) -> (&[u8], &[u8]) {
    if let Some(body) = raw.strip_suffix(b"\r\n") {
        (body, b"\r\n")
    } else if let Some(body) = raw.strip_suffix(b"\n") {
        (body, b"\n")
    } else {
        (raw, b"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixer(field: &str, edits: Option<&str>) -> JsonlFixer<'static> {
        static P: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
        let p = P.get_or_init(|| Pipeline::default_pipeline().unwrap());
        JsonlFixer::new(p, field.parse().unwrap(), edits.map(str::to_string)).unwrap()
    }

    fn out(f: &JsonlFixer, line: &str) -> String {
        match f.fix_line(line.as_bytes()) {
            Line::Record { output, .. } => output,
            other => panic!("not a record: {other:?}"),
        }
    }

    fn reason(f: &JsonlFixer, line: &[u8]) -> String {
        match f.fix_line(line) {
            Line::Rejected { reason } => reason,
            other => panic!("not rejected: {other:?}"),
        }
    }

    #[test]
    fn field_paths() {
        assert!("text".parse::<FieldPath>().is_ok());
        assert_eq!(
            "a.b.c".parse::<FieldPath>().unwrap().segments(),
            ["a", "b", "c"]
        );
        for bad in ["", ".a", "a.", "a..b"] {
            assert!(bad.parse::<FieldPath>().is_err(), "{bad}");
        }
    }

    #[test]
    fn splices_only_the_field() {
        let f = fixer("text", None);
        let line = r#"{"n": 1.0, "text" : "动员全区上下提效率 争先锋。", "x":[1e5,{"text":"a b"}], "z":"\u4e2d"}"#;
        assert_eq!(
            out(&f, line),
            r#"{"n": 1.0, "text" : "动员全区上下提效率争先锋。", "x":[1e5,{"text":"a b"}], "z":"\u4e2d"}"#
        );
    }

    #[test]
    fn unchanged_record_is_byte_identical() {
        let f = fixer("text", Some("edits"));
        let line =
            r#"{"text":"\u5b9c\u5c45\u5b9c\u4e1a。", "big": 123456789012345678901234567890 }"#;
        assert_eq!(
            out(&f, line),
            r#"{"text":"\u5b9c\u5c45\u5b9c\u4e1a。", "big": 123456789012345678901234567890 ,"edits":[]}"#
        );
        let f = fixer("text", None);
        assert_eq!(out(&f, line), line);
    }

    #[test]
    fn nested_path_and_escaped_keys() {
        let f = fixer("page.body", None);
        let line = r#"{"page":{"bo\u0064y":"实于奋斗","body2":"实于奋斗"},"body":"实于奋斗"}"#;
        assert_eq!(
            out(&f, line),
            r#"{"page":{"bo\u0064y":"实干奋斗","body2":"实于奋斗"},"body":"实于奋斗"}"#
        );
    }

    #[test]
    fn edits_are_added_last_or_replaced_in_place() {
        let f = fixer("t", Some("edits"));
        let o = out(&f, r#"{"t":"动员全区上下提效率 争先锋。","a":1}"#);
        assert!(o.starts_with(r#"{"t":"动员全区上下提效率争先锋。","a":1,"edits":[{"kind":"fix","line":1,"column":10,"byte_start":27,"byte_end":28,"before":" ","after":"","pass":"spaces""#), "{o}");
        assert!(o.ends_with("}]}"), "{o}");
        let o = out(&f, r#"{"edits":"old","t":"动员全区上下提效率 争先锋。"}"#);
        assert!(o.starts_with(r#"{"edits":[{"kind":"fix""#), "{o}");
        assert!(o.ends_with(r#"],"t":"动员全区上下提效率争先锋。"}"#), "{o}");
    }

    #[test]
    fn rejects_say_why() {
        let f = fixer("a.t", Some("e"));
        assert_eq!(
            reason(&f, br#"{"a":{"t":1}}"#),
            "field a.t is a number, not a string"
        );
        assert_eq!(
            reason(&f, br#"{"a":{"t":null}}"#),
            "field a.t is null, not a string"
        );
        assert_eq!(
            reason(&f, br#"{"a":"x"}"#),
            "field a is a string, not an object"
        );
        assert_eq!(reason(&f, br#"{"a":{}}"#), "no field a.t");
        assert_eq!(reason(&f, br#"{"b":{}}"#), "no field a");
        assert_eq!(
            reason(&f, br#"{"a":{"t":"x","t":"y"}}"#),
            "field a.t appears more than once"
        );
        assert_eq!(
            reason(&f, br#"{"a":{"t":"x"},"e":1,"e":2}"#),
            "field e appears more than once"
        );
        assert_eq!(
            reason(&f, br#"[1,2]"#),
            "the record is an array, not an object"
        );
        assert_eq!(
            reason(&f, b"\"a\""),
            "the record is a string, not an object"
        );
        assert_eq!(
            reason(&f, br#"{"a":{"t":"x"}"#),
            "invalid JSON at column 14: EOF while parsing an object"
        );
        assert!(reason(&f, br#"{"a":{"t":"x"}} x"#)
            .starts_with("invalid JSON at column 17: trailing characters"));
        assert_eq!(
            reason(&f, b"{\"a\":{\"t\":\"\xff\"}}"),
            "invalid UTF-8 at byte 12 of the line"
        );
        assert_eq!(
            reason(&f, br#"{"a":{"t":"\ud800"}}"#),
            "field a.t: unexpected end of hex escape"
        );
        assert!(matches!(f.fix_line(b"  \r"), Line::Blank));
        assert!(matches!(f.fix_line(b""), Line::Blank));
        // Only JSON's whitespace makes a blank line.
        assert!(reason(&f, "\u{3000}".as_bytes()).starts_with("invalid JSON at column 1"));
    }

    #[test]
    fn edits_name_may_not_hide_the_field() {
        let p = Pipeline::default_pipeline().unwrap();
        assert!(JsonlFixer::new(&p, "a.t".parse().unwrap(), Some("a".into())).is_err());
        assert!(JsonlFixer::new(&p, "t".parse().unwrap(), Some("t".into())).is_err());
    }

    fn unquote(s: &str) -> String {
        s[1..s.len() - 1].to_string()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the text (quotes, backslashes, control characters,
        /// line breaks, astral characters) and however it is escaped, the
        /// bytes around the field stay and the field decodes to the output.
        #[test]
        fn only_the_field_changes(
            text in "([动员全区上下提效率争先锋实于奋斗，。,.:!?“”\"'\\\\ \n\t\u{1}\u{2028}😀a-z0-9]){0,40}",
            ascii in proptest::bool::ANY,
            num in "(1\\.0|1e5|-0|123456789012345678901234567890|2\\.50E-3)",
        ) {
            let f = fixer("text", None);
            let encoded = if ascii {
                text.chars().map(|c| match c {
                    c if c.is_ascii() => unquote(&json_string(&c.to_string())),
                    c => c.encode_utf16(&mut [0; 2]).iter().map(|u| format!("\\u{u:04x}")).collect(),
                }).collect::<String>()
            } else {
                unquote(&json_string(&text))
            };
            let head = format!("{{\"n\": {num}, \"text\":");
            let tail = " , \"z\":\"\\u00e9\\n\"}";
            let line = format!("{head}\"{encoded}\"{tail}");
            let want = f.pipeline.run(&text);
            let Line::Record { output, text: got, outcome } = f.fix_line(line.as_bytes()) else {
                panic!("rejected: {line}");
            };
            proptest::prop_assert_eq!(&got, &text);
            proptest::prop_assert_eq!(&outcome.output, &want.output);
            if !want.changed() {
                proptest::prop_assert_eq!(&output, &line);
            }
            proptest::prop_assert!(output.starts_with(&head) && output.ends_with(&tail), "{}", output);
            let middle = &output[head.len()..output.len() - tail.len()];
            proptest::prop_assert_eq!(serde_json::from_str::<String>(middle).unwrap(), want.output);
        }
    }

    #[test]
    fn line_ends() {
        assert_eq!(split_line_end(b"ab\r\n"), (&b"ab"[..], &b"\r\n"[..]));
        assert_eq!(split_line_end(b"ab\n"), (&b"ab"[..], &b"\n"[..]));
        assert_eq!(split_line_end(b"ab"), (&b"ab"[..], &b""[..]));
        let f = fixer("t", Some("e"));
        let o = out(&f, "{\"t\":\"实于奋斗\"} \r");
        assert!(
            o.starts_with(r#"{"t":"实干奋斗","e":[{"kind":"fix","line":1,"column":2,"#),
            "{o}"
        );
        assert!(o.ends_with("}]} \r"), "{o}");
    }
}
