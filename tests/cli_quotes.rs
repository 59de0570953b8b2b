//! `--quotes` chooses how the punct pass writes quotation marks; `--skip
//! punct` keeps half-width punctuation.

use assert_cmd::Command;

fn ocrfix(args: &[&str], input: &str) -> String {
    let out = Command::cargo_bin("ocrfix")
        .expect("binary builds")
        .args(args)
        .write_stdin(input)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

const INPUT: &str = "召开\"新春第一会\",围绕'3510'发展目标。\n";

#[test]
fn curly_by_default() {
    assert_eq!(
        ocrfix(&["--pass", "punct"], INPUT),
        "召开“新春第一会”，围绕‘3510’发展目标。\n"
    );
}

#[test]
fn corner_quotes() {
    assert_eq!(
        ocrfix(&["--pass", "punct", "--quotes", "corner"], INPUT),
        "召开「新春第一会」，围绕『3510』发展目标。\n"
    );
}

#[test]
fn skip_keeps_half_width() {
    assert_eq!(ocrfix(&["--skip", "punct"], INPUT), INPUT);
}
