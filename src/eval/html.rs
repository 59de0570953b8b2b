//! A self-contained HTML report: the figures, and per page the gold and the
//! candidate side by side with the aligned differences marked (whitespace
//! normalised, so wrong spaces and line breaks show as well).

use super::align::{opcodes, Tag};
use super::metrics::normws;
use super::Report;
use std::fmt::Write as _;

fn esc(out: &mut String, chars: &[char]) {
    for &c in chars {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            ' ' => out.push_str("<span class=sp>␣</span>"),
            '\n' => out.push_str("<span class=nl>⏎</span>"),
            c => out.push(c),
        }
    }
}

/// Rows of (gold html, candidate html): a new row starts after each gold
/// line break that both texts share, so paragraphs stay side by side.
fn aligned_rows(gold: &[char], cand: &[char]) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let (mut g, mut c) = (String::new(), String::new());
    // slice: opcode ranges lie in `cand` and `gold`; an equal block has
    // `cs.len() == gs.len()`, so `start <= k < cs.len()` too.
    for op in opcodes(cand, gold) {
        let (cs, gs) = (&cand[op.src.clone()], &gold[op.dest.clone()]);
        match op.tag {
            Tag::Equal => {
                // Break rows at shared newlines.
                let mut start = 0;
                for (k, &ch) in gs.iter().enumerate() {
                    if ch == '\n' {
                        esc(&mut g, &gs[start..k]);
                        esc(&mut c, &cs[start..k]);
                        rows.push((std::mem::take(&mut g), std::mem::take(&mut c)));
                        start = k + 1;
                    }
                }
                esc(&mut g, &gs[start..]);
                esc(&mut c, &cs[start..]);
            }
            Tag::Replace => {
                g.push_str("<mark class=sub>");
                esc(&mut g, gs);
                g.push_str("</mark>");
                c.push_str("<mark class=sub>");
                esc(&mut c, cs);
                c.push_str("</mark>");
            }
            // In gold, not in the candidate: missing.
            Tag::Insert => {
                g.push_str("<mark class=miss>");
                esc(&mut g, gs);
                g.push_str("</mark>");
            }
            // In the candidate, not in gold: extra.
            Tag::Delete => {
                c.push_str("<mark class=extra>");
                esc(&mut c, cs);
                c.push_str("</mark>");
            }
        }
    }
    if !g.is_empty() || !c.is_empty() {
        rows.push((g, c));
    }
    rows
}

const STYLE: &str = "body{font-family:sans-serif;margin:1em 2em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}\
th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}\
table.diff td{width:50%;font-family:serif;line-height:1.6;word-break:break-all}\
mark.sub{background:#fd6}mark.miss{background:#9e9}mark.extra{background:#f99;text-decoration:line-through}\
span.sp,span.nl{color:#aaa}details{margin:.4em 0}summary{cursor:pointer}";

/// The report as one HTML page with no external resources.
pub fn render(report: &Report) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=zh><head><meta charset=utf-8><title>ocrfix eval</title><style>");
    s.push_str(STYLE);
    s.push_str("</style></head><body>\n<h1>ocrfix eval</h1>\n");
    let _ = writeln!(
        s,
        "<p>Gold: <code>{}</code>. Rates are summed distances over summed gold lengths. \
         Marks: <mark class=sub>replaced</mark>, <mark class=miss>missing (gold only)</mark>, \
         <mark class=extra>extra (candidate only)</mark>; ␣ a space, ⏎ a line break.</p>",
        html_text(&report.gold.display().to_string())
    );
    s.push_str("<table id=summary><tr><th>system</th><th>pages</th><th>chars</th><th>CER-nows %</th><th>CER-ws %</th><th>para P</th><th>para R</th><th>para F1</th><th>fixed</th><th>introduced</th><th>edit P %</th></tr>\n");
    for sys in &report.systems {
        let t = &sys.total;
        let (fx, intro, p) = match &t.edits_nows {
            Some(e) => (
                e.fixed.to_string(),
                e.introduced.to_string(),
                e.precision()
                    .map_or("-".into(), |p| format!("{:.2}", 100.0 * p)),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{:.2}</td><td class=num>{:.2}</td><td class=num>{:.3}</td><td class=num>{:.3}</td><td class=num>{:.3}</td><td class=num>{fx}</td><td class=num>{intro}</td><td class=num>{p}</td></tr>",
            html_text(&sys.system.name),
            t.pages,
            t.gold_chars,
            100.0 * t.cer_nows(),
            100.0 * t.cer_ws(),
            t.para_p(),
            t.para_r(),
            t.para_f1()
        );
    }
    s.push_str("</table>\n");
    for sys in &report.systems {
        let _ = writeln!(s, "<h2>{}</h2>", html_text(&sys.system.name));
        for (i, (t, (_, c))) in sys.texts.iter().zip(&sys.pages).enumerate() {
            let edits = c.edits_nows.map_or(String::new(), |e| {
                format!(", fixed {}, introduced {}", e.fixed, e.introduced)
            });
            let _ = writeln!(
                s,
                "<details class=page id=\"{}-{}\"{}><summary>{} — CER-nows {:.2}%, CER-ws {:.2}%, para F1 {:.3}{edits}</summary>",
                html_text(&sys.system.name),
                html_text(&t.id),
                if i == 0 { " open" } else { "" },
                html_text(&t.id),
                100.0 * c.cer_nows(),
                100.0 * c.cer_ws(),
                c.para_f1()
            );
            s.push_str("<table class=diff><tr><th>gold</th><th>candidate</th></tr>\n");
            for (g, cand) in aligned_rows(&normws(&t.gold), &normws(&t.cand)) {
                let _ = writeln!(s, "<tr><td>{g}</td><td>{cand}</td></tr>");
            }
            s.push_str("</table></details>\n");
        }
    }
    s.push_str("</body></html>\n");
    s
}

fn html_text(t: &str) -> String {
    let mut s = String::new();
    for c in t.chars() {
        match c {
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            '"' => s.push_str("&quot;"),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_mark_the_differences() {
        let g: Vec<char> = "实干兴邦。\n第二段".chars().collect();
        let c: Vec<char> = "实于兴邦\n第二段<".chars().collect();
        let rows = aligned_rows(&g, &c);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].0,
            "实<mark class=sub>干</mark>兴邦<mark class=miss>。</mark>"
        );
        assert_eq!(rows[0].1, "实<mark class=sub>于</mark>兴邦");
        assert_eq!(rows[1].1, "第二段<mark class=extra>&lt;</mark>");
    }
}
