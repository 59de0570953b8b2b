//! Misread unit signs in Chinese text: temperatures.
//!
//! Weather reports and news quote temperatures as `－9℃`. OCR engines read
//! the one-character sign `℃` as a Latin `C`, sometimes with a stray degree
//! sign (`°℃`), and the full-width minus as the ideograph `一`, which looks
//! the same in a Song face:
//!
//! ```text
//! 北京晴一9C/0°℃  →  北京晴－9℃/0℃
//! ```
//!
//! Only a number directly followed by the unit is touched, and only in a
//! line that holds Chinese: `5C` after a Latin word (`iPhone 5C`), a `C`
//! that begins a Latin word (`5Cr`), and `一` between two digits (a range,
//! `4一6级`, whose dash cannot be told from the page) are left alone.

use super::{Options, Pass, RuleInfo};
use crate::chars::is_han;
use crate::document::{Document, LineKind};
use crate::edit::Edit;
use crate::rules::Rules;
use anyhow::Result;
use regex::Regex;
use std::sync::OnceLock;

pub const ID: &str = "units";

const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "celsius",
        about: "Writes the degree-Celsius sign ℃ for `C`, `°C`, `°℃` or `C°` directly after a number in Chinese text.",
    },
    RuleInfo {
        id: "minus",
        about: "Writes a minus sign for the ideograph 一 directly before a temperature (`晴一9℃` → `晴－9℃`), in the document's own minus form (full-width by default).",
    },
];

pub struct Units;

pub fn build(_rules: &Rules) -> Result<Box<dyn Pass>> {
    Ok(Box::new(Units))
}

/// A signed number and the unit after it.
fn temperature() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(一)?([0-9]+(?:\.[0-9]+)?)(°℃|℃°|°C|C°|C|℃)").expect("static regex is valid")
    })
}

/// The minus form the document already uses before digits: ASCII `-` if
/// it has more of those than full-width `－`, else `－`.
fn minus_form(text: &str) -> &'static str {
    let count = |m: char| {
        text.match_indices(m)
            .filter(|(i, s)| {
                // slice: the end of a match of `text`, a character boundary.
                text[i + s.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            })
            .count()
    };
    if count('-') > count('－') {
        "-"
    } else {
        "－"
    }
}

impl Pass for Units {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Repairs misread temperature signs in Chinese text: `-9C` → `-9℃`, `晴一9℃` → `晴－9℃`."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut minus: Option<&'static str> = None;
        for line in &doc.lines {
            if !matches!(line.kind, LineKind::Text | LineKind::Heading) {
                continue;
            }
            // slice: a line range of `doc` (see `Document`); below, match
            // ends are character boundaries of `text`, and `whole.start() - 1`
            // is taken only after a one-byte space before the match.
            let text = &doc.text[line.range.clone()];
            if !text.chars().any(is_han) {
                continue;
            }
            for m in temperature().captures_iter(text) {
                let (Some(whole), Some(num), Some(unit)) = (m.get(0), m.get(2), m.get(3)) else {
                    continue;
                };
                let before = text[..whole.start()].chars().next_back();
                let after = text[whole.end()..].chars().next();
                // Part of a Latin word or code (`iPhone 5C`, `A5C`, `5Cr`,
                // `5C2`): not a temperature.
                let latin_before = before.is_some_and(|c| c.is_ascii_alphanumeric())
                    || (before == Some(' ')
                        && text[..whole.start() - 1]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_ascii_alphabetic()));
                if latin_before || after.is_some_and(|c| c.is_ascii_alphanumeric()) {
                    continue;
                }
                let at = line.range.start;
                if let Some(sign) = m.get(1) {
                    // 一 between two digits is a range dash (`4一6`), not a
                    // sign; after another 一 it is garbage or a numeral; and
                    // no temperature on Earth is below -99℃.
                    let int_digits = num.as_str().split('.').next().map_or(0, str::len);
                    if !before.is_some_and(|c| c.is_ascii_digit() || c == '一') && int_digits <= 2
                    {
                        let form = *minus.get_or_insert_with(|| minus_form(doc.text));
                        edits.push(Edit::fix(
                            at + sign.start()..at + sign.end(),
                            form,
                            ID,
                            "minus",
                            0.85,
                            format!(
                                "'一' before the temperature {}{}: a misread minus sign",
                                num.as_str(),
                                unit.as_str()
                            ),
                        ));
                    }
                }
                if unit.as_str() != "℃" {
                    edits.push(Edit::fix(
                        at + unit.start()..at + unit.end(),
                        "℃",
                        ID,
                        "celsius",
                        0.9,
                        format!(
                            "'{}' after the number {} in Chinese text is the sign ℃",
                            unit.as_str(),
                            num.as_str()
                        ),
                    ));
                }
            }
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn table() {
        let cases = [
            ("北京晴-9C/0°℃", "北京晴-9℃/0℃"),
            (
                "北京晴一9C／0℃，南京多云一2℃",
                "北京晴－9℃／0℃，南京多云－2℃",
            ),
            // The document writes ASCII minus signs: so does the fix.
            ("上海-3℃，北京晴一9C", "上海-3℃，北京晴-9℃"),
            ("最高气温17°C。", "最高气温17℃。"),
            ("气温回升到5C°左右", "气温回升到5℃左右"),
            ("温度12.5C，湿度大", "温度12.5℃，湿度大"),
            // Not temperatures.
            ("他买了一部iPhone 5C手机", "他买了一部iPhone 5C手机"),
            ("型号A5C已停产", "型号A5C已停产"),
            ("钢材5Cr13的硬度", "钢材5Cr13的硬度"),
            ("岛仍有4一6级北风", "岛仍有4一6级北风"),
            ("It was 5C outside.", "It was 5C outside."),
            ("气温零下5℃", "气温零下5℃"),
            // Garbage, not a sign: a three-digit "temperature", 一一.
            ("呼和浩特晴一172C", "呼和浩特晴一172℃"),
            ("哈尔滨晴一一23C", "哈尔滨晴一一23℃"),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
