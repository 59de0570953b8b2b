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
        about: "Writes the degree-Celsius sign ℃ for `C`, `°C`, `°℃`, `C°` or a degree sign misread as a quote or asterisk (`9\"C`, `4*C`) directly after a number in Chinese text.",
    },
    RuleInfo {
        id: "degree-digit",
        about: "Writes ℃ for a digit and `C` that end a three-digit number in a weather line (`北京晴172C` → `北京晴17℃`), where another temperature of at most two digits stands in the same line: no weather temperature has three digits, and OCR reads the degree circle as 2, 5 or 8.",
    },
    RuleInfo {
        id: "slash",
        about: "Writes a slash for the `A` OCR read between a temperature and the next number (`5℃A6℃` → `5℃／6℃`), in the document's own slash form.",
    },
    RuleInfo {
        id: "digit-one",
        about: "Writes 1 for a `]` before a date or count word (`]月1日`, `附图片]张`) in a line without `[`.",
    },
    RuleInfo {
        id: "date-year",
        about: "Writes 年 for `生` between a four-digit year and a month (`2003生1月`).",
    },
    RuleInfo {
        id: "sunny",
        about: "Writes 晴 for `畏` or `睛` right before a temperature (`北京畏－9℃`): the weather word, misread.",
    },
    RuleInfo {
        id: "date-day",
        about: "Writes 日 for `目` or `曰` after a month and its day (`1月1目` → `1月1日`).",
    },
    RuleInfo {
        id: "lost-slash",
        about: "Restores the slash between two temperatures written back to back (`6℃14℃` → `6℃／14℃`), apart by a gap (`2℃ 6℃`) or with the slash and minus read as 一一 (`3℃一一8℃` → `3℃／－8℃`), where the document writes such ranges with a slash elsewhere and neither side is already paired; otherwise suggests it.",
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
        Regex::new(r#"(一)?([0-9]+(?:\.[0-9]+)?)(°℃|℃°|°C|C°|["*“”]C|C|℃)(A)?"#)
            .expect("static regex is valid")
    })
}

/// A line of a weather report: a weather word (晴, 阴, 雨, 雪, 云) and a
/// temperature of one or two digits, so that a three-digit one beside it
/// is a misreading, not a furnace or a boiling point.
fn weather_line(text: &str) -> bool {
    text.contains(['晴', '阴', '雨', '雪', '云'])
        && temperature().captures_iter(text).any(|m| {
            m.get(2)
                .and_then(|n| n.as_str().split('.').next())
                .is_some_and(|int| int.len() <= 2)
        })
}

/// The minus form the document already uses before digits: ASCII `-` if
/// it has more of those than full-width `－`, else `－`.
fn minus_form(text: &str) -> &'static str {
    pick_form(text, "-", "－")
}

/// The form of a mark the document already uses before digits: the ASCII
/// one if it has more of those than of the full-width one, else the
/// full-width one.
fn pick_form(text: &str, ascii: &'static str, full: &'static str) -> &'static str {
    let count = |m: &str| {
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
    if count(ascii) > count(full) {
        ascii
    } else {
        full
    }
}

/// Digits of dates and counts that OCR read as other glyphs: `]` for `1`
/// before a date or count word (`]月1日`, `附图片]张`), `目` or `曰` for `日`
/// after a month's day (`1月1目`).
fn date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(\])[0-9]*[月日时年万亿张个号]|月[0-9]{1,2}([目曰])|[0-9]{4}(生)[0-9]{1,2}月")
            .expect("static regex is valid")
    })
}

fn dates(text: &str, at: usize, edits: &mut Vec<Edit>) {
    // A `[` in the line may open a bracket that `]` closes.
    let bracketed = text.contains('[');
    for m in date_regex().captures_iter(text) {
        if let Some(one) = m.get(1) {
            // slice: match starts are character boundaries of `text`.
            let before = text[..one.start()].chars().next_back();
            if bracketed || before.is_some_and(|c| c.is_ascii_alphanumeric() || c == ']') {
                continue;
            }
            edits.push(Edit::fix(
                at + one.start()..at + one.end(),
                "1",
                ID,
                "digit-one",
                0.85,
                String::from(
                    "']' before a date or count word, with no '[' in the line: a misread 1",
                ),
            ));
        }
        if let Some(year) = m.get(3) {
            edits.push(Edit::fix(
                at + year.start()..at + year.end(),
                "年",
                ID,
                "date-year",
                0.85,
                String::from("'生' between a four-digit year and a month: a misread 年"),
            ));
        }
        if let Some(day) = m.get(2) {
            edits.push(Edit::fix(
                at + day.start()..at + day.end(),
                "日",
                ID,
                "date-day",
                0.9,
                format!("'{}' after a month and its day: a misread 日", day.as_str()),
            ));
        }
    }
}

/// Two temperatures back to back (`6℃14℃`), a weather item's low and high
/// whose slash OCR lost, or read as a gap (`2℃ 6℃`, a line end joined with
/// a space) or, before a minus, as a second 一 (`3℃一一8℃`, the slash and
/// the minus sign): the slash is restored where the document writes such
/// ranges with one elsewhere, else only suggested. Not where either side
/// already has its own pair (`7℃/17℃ 24℃/34℃`: two items whose place the
/// OCR lost).
fn lost_slashes(
    doc: &str,
    text: &str,
    at: usize,
    form: &'static str,
    minus: &'static str,
    edits: &mut Vec<Edit>,
) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"[0-9]℃( *)(一一|[-－])?[0-9]+(?:\.[0-9]+)?℃").expect("static regex is valid")
    });
    let mut evidence: Option<bool> = None;
    for m in re.captures_iter(text) {
        let (Some(whole), Some(gap)) = (m.get(0), m.get(1)) else {
            continue;
        };
        // slice: match ends and the start of the number before are
        // character boundaries of `text`.
        let number_start = text[..whole.start()]
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
        let paired = |c: Option<char>| c.is_some_and(|c| matches!(c, '/' | '／'));
        if paired(text[..number_start].chars().next_back())
            || paired(text[whole.end()..].chars().next())
        {
            continue;
        }
        let has = *evidence.get_or_insert_with(|| doc.contains("℃/") || doc.contains("℃／"));
        let (range, rep, why) = match m.get(2) {
            Some(sign) if sign.as_str() == "一一" => (
                gap.start()..sign.end(),
                format!("{form}{minus}"),
                "two temperatures with '一一' between them: the slash between low and high and the minus sign, misread",
            ),
            _ => (
                gap.range(),
                form.to_string(),
                "two temperatures back to back: the slash between low and high was lost",
            ),
        };
        let e = Edit::fix(
            at + range.start..at + range.end,
            rep,
            ID,
            "lost-slash",
            0.7,
            String::from(why),
        );
        edits.push(if has { e } else { e.suggest() });
    }
}

/// `s` starts with a number and a Celsius sign, then no Latin letter or
/// digit.
fn followed_by_temperature(s: &str) -> bool {
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    // slice: after ASCII digits, a character boundary.
    let rest = &s[digits..];
    let unit = ["°℃", "°C", "℃", "C"]
        .iter()
        .find(|u| rest.starts_with(**u));
    digits > 0
        && unit.is_some_and(|u| {
            !rest[u.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        })
}

impl Pass for Units {
    fn id(&self) -> &'static str {
        ID
    }

    fn about(&self) -> &'static str {
        "Repairs misread signs in numbers, dates and temperatures in Chinese text: `-9C` → `-9℃`, `晴一9℃` → `晴－9℃`, `5℃A6℃` → `5℃／6℃`, `]月` → `1月`, `1月1目` → `1月1日`."
    }

    fn rules(&self) -> &'static [RuleInfo] {
        RULES
    }

    fn run(&self, doc: &Document, _opts: &Options) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut minus: Option<&'static str> = None;
        let mut slash_form: Option<&'static str> = None;
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
            dates(text, line.range.start, &mut edits);
            if text.contains('℃') {
                let form = *slash_form.get_or_insert_with(|| pick_form(doc.text, "/", "／"));
                let sign = *minus.get_or_insert_with(|| minus_form(doc.text));
                lost_slashes(doc.text, text, line.range.start, form, sign, &mut edits);
            }
            // Asked only of a line with a three-digit temperature.
            let mut weather: Option<bool> = None;
            for m in temperature().captures_iter(text) {
                let (Some(whole), Some(num), Some(unit)) = (m.get(0), m.get(2), m.get(3)) else {
                    continue;
                };
                // `A` between a temperature and the next number is the
                // slash of a range (`5℃A6℃`): it is not part of a word.
                let slash = m.get(4).filter(|a| {
                    text[a.end()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '一' | '－' | '-'))
                });
                let before = text[..whole.start()].chars().next_back();
                let after = match slash {
                    Some(_) => None,
                    None => text[unit.end()..].chars().next(),
                };
                // Part of a Latin word or code (`iPhone 5C`, `A5C`, `5Cr`,
                // `5C2`): not a temperature.
                let latin_before = before.is_some_and(|c| c.is_ascii_alphanumeric())
                    || (before == Some(' ')
                        && text[..whole.start() - 1]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_ascii_alphabetic()));
                // A second temperature right after (`3C10C`, a weather
                // item's low and high) is no Latin word.
                let pair = after.is_some_and(|c| c.is_ascii_digit())
                    && followed_by_temperature(&text[unit.end()..]);
                if latin_before || (after.is_some_and(|c| c.is_ascii_alphanumeric()) && !pair) {
                    continue;
                }
                let at = line.range.start;
                // `172C` in a weather line: 17℃ with its degree circle read
                // as a digit (the bare `C` is what is left of the sign).
                let degree_digit = unit.as_str() == "C"
                    && num.as_str().len() == 3
                    && num.as_str().bytes().all(|b| b.is_ascii_digit())
                    && *weather.get_or_insert_with(|| weather_line(text));
                // The weather word right before a temperature: 晴 misread.
                // (Not where it ends a word: 眼睛, 点睛, 敬畏, 无畏.)
                let start = whole.start() - before.map_or(0, char::len_utf8);
                let word_end = text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|p| matches!(p, '眼' | '转' | '点' | '敬' | '无' | '生'));
                if let (Some(w @ ('畏' | '睛')), false) = (before, word_end) {
                    edits.push(Edit::fix(
                        at + start..at + whole.start(),
                        "晴",
                        ID,
                        "sunny",
                        0.85,
                        format!("'{w}' right before a temperature: the weather word 晴, misread"),
                    ));
                }
                if let Some(sign) = m.get(1) {
                    // 一 between two digits is a range dash (`4一6`), not a
                    // sign; after another 一 it is garbage or a numeral; and
                    // no temperature on Earth is below -99℃.
                    let int_digits = num.as_str().split('.').next().map_or(0, str::len)
                        - usize::from(degree_digit);
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
                if let Some(a) = slash {
                    let form = *slash_form.get_or_insert_with(|| pick_form(doc.text, "/", "／"));
                    edits.push(Edit::fix(
                        at + a.start()..at + a.start() + 1,
                        form,
                        ID,
                        "slash",
                        0.8,
                        format!(
                            "'A' between the temperature {}℃ and the next number: a misread slash",
                            num.as_str()
                        ),
                    ));
                }
                if degree_digit {
                    // slice: `num` is three ASCII digits, so its last byte is
                    // a character.
                    let digit = &num.as_str()[2..];
                    edits.push(Edit::fix(
                        at + num.end() - 1..at + unit.end(),
                        "℃",
                        ID,
                        "degree-digit",
                        0.8,
                        format!(
                            "'{digit}C' ends the number {} in a weather line: no weather temperature has three digits, so '{digit}' is the degree circle of ℃, misread",
                            num.as_str()
                        ),
                    ));
                } else if unit.as_str() != "℃" {
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
            // The degree sign read as a quote or an asterisk; the slash as A.
            ("北京晴一9\"C，上海4*C", "北京晴－9℃，上海4℃"),
            ("石家庄晴一5\"CA6C南昌", "石家庄晴－5℃／6℃南昌"),
            ("福州多云10“CA一2℃", "福州多云10℃／－2℃"),
            ("型号5CAB已停产", "型号5CAB已停产"),
            // Dates and counts.
            ("本报北京]月1曰讯", "本报北京1月1日讯"),
            ("（附图片]张）", "（附图片1张）"),
            ("于下月6目举行", "于下月6日举行"),
            ("第3目标", "第3目标"),
            ("自2003生1月起", "自2003年1月起"),
            ("北京畏一9C，台北睛14℃", "北京晴－9℃，台北晴14℃"),
            ("以畏为主，眼睛3℃", "以畏为主，眼睛3℃"),
            // A weather item's low and high with the slash lost.
            ("湖南阴3C7C，成都阴7C10C", "湖南阴3℃7℃，成都阴7℃10℃"),
            (
                "北京晴－9℃／0℃，湖南阴3C7C，成都阴7℃-1℃",
                "北京晴－9℃／0℃，湖南阴3℃／7℃，成都阴7℃／-1℃",
            ),
            ("型号3C7CX", "型号3C7CX"),
            // The degree circle read as a digit in a weather table.
            ("呼和浩特晴一172C 一5℃", "呼和浩特晴－17℃ －5℃"),
            ("重庆小雨7C107C，南宁阴15℃", "重庆小雨7℃10℃，南宁阴15℃"),
            (
                "北京晴－9℃／0℃，重庆小雨7C107C",
                "北京晴－9℃／0℃，重庆小雨7℃／10℃",
            ),
            // Not in a weather line, or no other temperature beside it.
            ("炉温升到105C后保持", "炉温升到105℃后保持"),
            ("晴天里水温达到105C", "晴天里水温达到105℃"),
            // The slash read as a gap, or with the minus as 一一.
            (
                "北京晴－9℃／0℃，上海多云2℃ 6℃",
                "北京晴－9℃／0℃，上海多云2℃／6℃",
            ),
            (
                "北京晴－9℃／0℃，哈尔滨晴一30\"C 一一23C",
                "北京晴－9℃／0℃，哈尔滨晴－30℃／－23℃",
            ),
            (
                "北京晴－9℃／0℃，温度3C一一8C",
                "北京晴－9℃／0℃，温度3℃／－8℃",
            ),
            // Each side already a pair (two items), or no slash in the
            // document: left alone (only suggested).
            (
                "北京晴－9℃／0℃，昆明7℃／17℃ 24℃／34℃",
                "北京晴－9℃／0℃，昆明7℃／17℃ 24℃／34℃",
            ),
            ("上海多云2℃ 6℃", "上海多云2℃ 6℃"),
            ("2000年12月31目，", "2000年12月31日，"),
            ("数组a[i]月份", "数组a[i]月份"),
            // Garbage, not a sign: a three-digit "temperature", 一一.
            ("呼和浩特晴一172C", "呼和浩特晴一172℃"),
            ("哈尔滨晴一一23C", "哈尔滨晴一一23℃"),
        ];
        crate::passes::assert_table(super::ID, &cases);
    }
}
