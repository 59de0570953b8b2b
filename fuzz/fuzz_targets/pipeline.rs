//! The whole library pipeline over arbitrary bytes read as UTF-8 (lossily,
//! so every input reaches the passes): no panic, the changes rebuild the
//! output from the input, and fixing the output again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocrfix::Pipeline;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::default_pipeline().expect("built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let out = pipeline().run(&input);
    let mut rebuilt = String::new();
    let mut pos = 0;
    for c in &out.changes {
        assert!(c.input.start >= pos, "changes overlap or are unsorted");
        rebuilt.push_str(&input[pos..c.input.start]);
        rebuilt.push_str(&out.output[c.output.clone()]);
        pos = c.input.end;
    }
    rebuilt.push_str(&input[pos..]);
    assert_eq!(rebuilt, out.output, "changes do not rebuild the output");
    let again = pipeline().run(&out.output);
    assert_eq!(again.output, out.output, "a second run changed the output");
});
