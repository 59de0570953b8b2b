//! Character classes shared by every pass: what counts as Chinese, as CJK
//! punctuation, as Latin or digit, and how wide a character prints.

/// A Han ideograph (CJK Unified Ideographs, extensions A–G, compatibility).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2EBEF
        | 0x30000..=0x323AF
        | 0xF900..=0xFAFF
        | 0x3007 // 〇
    )
}

/// Full-width punctuation and symbols used in Chinese text, including the
/// curly quotes, dashes and ellipsis that Chinese typesetting shares with
/// Western text and the circle ○ used in dates such as 二○○一年.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x3006 | 0x3008..=0x303F // CJK symbols and punctuation (、。〈〉《》「」【】…)
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 // full-width forms
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0x2018 | 0x2019 | 0x201C | 0x201D // ‘ ’ “ ”
        | 0x2014 | 0x2026 | 0x00B7 | 0x2022 // — … · •
        | 0x25CB // ○
    )
}

/// A space inside a line: ASCII space, tab or the ideographic space U+3000
/// (line breaks are structure, not spacing).
pub fn is_inline_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}')
}

/// Han or CJK punctuation: the characters between which Chinese text takes
/// no space.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// ASCII letter or digit, or a full-width one.
pub fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c as u32, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
}

/// The full-width marks that close a clause or a sentence in Chinese text:
/// `，。、；：？！`. A second one never follows one, and a justified line
/// hangs one past its last cell rather than start the next line with it.
pub fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '；' | '：' | '？' | '！')
}

/// Punctuation that ends a sentence in Chinese text (full or half width),
/// including a closing quote or bracket that follows such a mark.
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '…' | '!' | '?' | '．')
}

/// Closing marks that may follow a sentence end: `。”` still ends the sentence.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '）' | '》' | '」' | '』' | '】' | ')' | '"' | '\'' | '〉'
    )
}

/// Printed width in em: Han and full-width forms are one em, ASCII letters
/// and digits about half. Used to compare line lengths against the column
/// width, where a digit run takes less room than the same number of Han.
pub fn em_width(c: char) -> f32 {
    match c {
        ' ' => 0.3,
        c if c.is_ascii() => 0.55,
        _ => 1.0,
    }
}

/// Width of a string in em (see [`em_width`]).
pub fn str_width(s: &str) -> f32 {
    s.chars().map(em_width).sum()
}

/// Characters common in transliterated foreign names (诺罗敦, 菲德尔,
/// 卡斯特罗), listed by hand (the standard reference for such spellings is
/// Xinhua's 世界人名翻译大辞典). Ordinary words rarely have one on each side
/// of a dot.
const TRANSLITERATION: &str = "阿埃艾爱安昂奥巴拜班邦保贝本比彼毕波伯博布查达戴丹德迪蒂丁杜敦多厄恩尔法菲费芬弗福盖冈戈格哈豪赫亨胡霍基吉加贾杰捷卡凯坎康考柯科克肯库奎拉莱赖兰朗劳勒雷里利莉琳卢鲁伦罗洛马玛迈麦曼芒梅蒙米密摩莫默姆穆纳娜奈尼妮涅纽努诺欧帕潘庞佩皮珀普奇齐乔切琼丘萨塞桑瑟森沙莎什舍施舒斯苏索塔泰坦汤特滕提廷图托瓦旺威韦维温沃乌希谢辛休雅亚扬耶伊尤泽扎詹兹佐";

pub fn is_transliteration(c: char) -> bool {
    TRANSLITERATION.contains(c)
}

/// Whether `s` leaves a quotation open: its last `“` comes after its last
/// `”`.
pub fn leaves_quote_open(s: &str) -> bool {
    s.rfind('“')
        .is_some_and(|o| s.rfind('”').is_none_or(|e| e < o))
}

/// Function words that end a clause only in the middle of a sentence: a
/// line ending in one continues.
pub fn ends_open(c: char) -> bool {
    matches!(
        c,
        '的' | '和'
            | '与'
            | '及'
            | '或'
            | '在'
            | '对'
            | '把'
            | '被'
            | '从'
            | '向'
            | '为'
            | '是'
            | '了'
            | '着'
            | '将'
            | '而'
            | '并'
    )
}

/// A line with no sentence punctuation or quotation mark at all: a title
/// or sub-heading.
pub fn unpunctuated(s: &str) -> bool {
    !s.chars().any(|c| {
        matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '“'
                | '”'
                | '"'
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('实') && is_han('〇') && !is_han('。'));
        assert!(is_cjk_punct('，') && is_cjk_punct('“') && is_cjk_punct('○') && !is_cjk_punct(','));
        assert!(is_alnum('7') && is_alnum('Ｒ') && !is_alnum('中'));
        assert!(is_sentence_end('。') && !is_sentence_end('，'));
        assert!(
            leaves_quote_open("他说：“好")
                && !leaves_quote_open("“好”。")
                && !leaves_quote_open("好")
        );
        assert!((str_width("2023年") - 3.2).abs() < 0.01);
    }
}
