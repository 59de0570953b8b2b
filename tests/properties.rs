//! Invariants over arbitrary and mutated input: no panic, the reported
//! changes rebuild the output exactly, text without Chinese passes through
//! untouched, and fixing fixed text changes nothing.
#![allow(clippy::unwrap_used)]

use ocrfix::Pipeline;
use proptest::prelude::*;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::default_pipeline().unwrap())
}

/// Rebuilds the output from the input and the changes alone.
fn rebuild(input: &str, out: &ocrfix::Outcome) -> String {
    let mut s = String::new();
    let mut pos = 0;
    for c in &out.changes {
        assert!(c.input.start >= pos, "changes overlap or are unsorted");
        s.push_str(&input[pos..c.input.start]);
        s.push_str(&out.output[c.output.clone()]);
        pos = c.input.end;
    }
    s.push_str(&input[pos..]);
    s
}

/// Pieces real OCR pages are made of: Chinese prose, punctuation of both
/// widths, stray spaces and line breaks, digits, Latin, Markdown.
fn ocr_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("提效率".to_string()),
        Just("争先锋".to_string()),
        Just("宜居宜业幸福张店".to_string()),
        Just("全区广大党员干部群众聚为".to_string()),
        Just("。".to_string()),
        Just("，".to_string()),
        Just("、".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just(":".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("## ".to_string()),
        Just("**".to_string()),
        Just("记者 ".to_string()),
        Just("10.4".to_string()),
        Just("2023年".to_string()),
        Just("Rust ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        "[\\u{4e00}-\\u{4e20}]{1,14}",
    ]
}

fn ocr_text() -> impl Strategy<Value = String> {
    prop::collection::vec(ocr_piece(), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_never_panics_and_changes_rebuild_output(s in "\\PC*") {
        let out = pipeline().run(&s);
        prop_assert_eq!(rebuild(&s, &out), out.output.clone());
    }

    #[test]
    fn ocr_like_text_changes_rebuild_output(s in ocr_text()) {
        let out = pipeline().run(&s);
        prop_assert_eq!(rebuild(&s, &out), out.output.clone());
        for sug in &out.suggestions {
            prop_assert!(sug.input.end <= s.len() && s.is_char_boundary(sug.input.start));
        }
    }

    #[test]
    fn ocr_like_text_is_idempotent(s in ocr_text()) {
        let once = pipeline().run(&s).output;
        let twice = pipeline().run(&once).output;
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn text_without_chinese_passes_through(s in "[ -~\\n\\t]{0,300}") {
        prop_assert_eq!(pipeline().run(&s).output, s);
    }
}
