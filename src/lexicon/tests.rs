//! Tests of the lexicon: the committed data, the walk, the model's verdicts
//! on typical misreads (run with `--nocapture` to see the margins).

use super::*;
use crate::rules::RULE_FILES;

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn segmented(lex: &Lexicon, s: &str) -> String {
    let cs = chars(s);
    let (_, words) = lex.best_segmentation(&cs);
    words
        .into_iter()
        .map(|r| cs[r].iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("/")
}

fn rules_with(files: &[(&str, &str)]) -> Rules {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let mut rules = Rules::embedded().unwrap();
    rules.extend_from_dir(dir.path()).unwrap();
    rules
}

#[test]
fn embedded_lexicon_loads_with_jieba_and_domain_words() {
    let lex = Lexicon::embedded();
    assert!(lex.len() > 300_000, "{} words", lex.len());
    assert_eq!(lex.freq("中心"), Some(23969)); // jieba's count
    assert_eq!(lex.freq("奋斗"), Some(1682));
    assert_eq!(lex.freq("宜居宜业"), Some(300)); // rules/words.tsv
    assert!(lex.contains("双招双引"));
    assert!(!lex.contains("实于"));
    assert!(!lex.contains(""));
    assert_eq!(lex.max_word_chars(), 16);
    assert!(lex.total() > 60_000_000);
    assert!(lex.overlay.is_empty(), "built-in words are all in the map");
    let p = lex.log_prob("中心");
    assert!((p - (23969f64 / lex.total() as f64).ln()).abs() < 1e-9);
    assert!(lex.log_prob("不是词吧") < lex.log_prob("的"));
    assert_eq!(lex.log_prob("不是词吧"), lex.unknown_log_prob());
}

/// The committed map must be what the generator makes of the committed
/// inputs. Needs a copy of jieba's dict.txt (see `build::find_jieba_dict`).
#[test]
fn committed_fst_matches_generator() {
    let Some(path) = build::find_jieba_dict() else {
        eprintln!(
            "skipped: no jieba dict.txt on this machine (set OCRFIX_JIEBA_DICT or `pip install jieba`)"
        );
        return;
    };
    let dict = std::fs::read_to_string(&path).unwrap();
    let built = build::build(&dict, include_str!("../../rules/words.tsv")).unwrap();
    assert!(
        built.fst == EMBEDDED_FST,
        "rules/lexicon.fst is stale against {} and rules/words.tsv: run \
         `cargo run --release --example build_lexicon -- {} rules/words.tsv rules/lexicon.fst`",
        path.display(),
        path.display()
    );
}

/// Holds without jieba: every default word is in the map with its count.
#[test]
fn default_words_are_compiled_in() {
    let spec = build::words_spec();
    let lex = Lexicon::from_fst(Cow::Borrowed(EMBEDDED_FST)).unwrap();
    for (_, e) in parse_table(spec, "words.tsv", spec.default).unwrap() {
        match parse_freq(&e).unwrap() {
            Some(f) => assert_eq!(lex.freq(e.key()), (f > 0).then_some(f), "{}", e.origin),
            None => assert!(lex.contains(e.key()), "{}", e.origin),
        }
    }
}

#[test]
fn rule_files_are_canonical() {
    for name in ["words.tsv", "protected.tsv"] {
        let spec = RULE_FILES.iter().find(|s| s.name == name).unwrap();
        let keys: Vec<String> = parse_table(spec, name, spec.default)
            .unwrap()
            .into_iter()
            .map(|(remove, e)| {
                assert!(!remove, "{}: no '!' lines in defaults", e.origin);
                e.key().to_string()
            })
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "{name}: keys must be sorted by code point, without duplicates"
        );
    }
}

#[test]
fn prefix_words_equals_lookup_of_every_substring() {
    let lex = Lexicon::embedded();
    let text = chars("中心城区的高质量发展离不开实干奋斗，AT&T与B超。");
    for start in 0..=text.len() {
        let walked: Vec<(usize, u64)> = lex.prefix_words(&text, start, 100).collect();
        let looked_up: Vec<(usize, u64)> = (1..=text.len().saturating_sub(start))
            .filter_map(|len| {
                let w: String = text[start..start + len].iter().collect();
                lex.freq(&w).map(|f| (len, f))
            })
            .collect();
        assert_eq!(walked, looked_up, "at {start}");
    }
    let at0: Vec<usize> = lex.prefix_words(&text, 0, 3).map(|(l, _)| l).collect();
    assert_eq!(at0, [1, 2], "max_len bounds the walk");
}

#[test]
fn statistics_keys_are_not_words() {
    let lex = Lexicon::embedded();
    assert_eq!(lex.freq(build::META_TOTAL), None);
    let cs = chars(build::META_TOTAL);
    assert_eq!(lex.prefix_words(&cs, 0, 10).count(), 0);
    let (_, words) = lex.best_segmentation(&cs);
    assert_eq!(words.len(), cs.len());
}

#[test]
fn segmentation_covers_the_text() {
    let lex = Lexicon::embedded();
    assert_eq!(lex.best_segmentation(&[]), (0.0, vec![]));
    assert_eq!(segmented(lex, "实干奋斗"), "实干/奋斗");
    assert_eq!(
        segmented(lex, "加快提升中心城区首位度"),
        "加快/提升/中心城区/首位度"
    );
    assert_eq!(segmented(lex, "2023年1月"), "2/0/2/3/年/1/月");
    let s = chars("张店区召开“新春第一会”，AT&T\u{3000}x\0y");
    let (p, words) = lex.best_segmentation(&s);
    assert!(p.is_finite() && p < 0.0);
    let mut next = 0;
    for r in &words {
        assert_eq!(r.start, next);
        assert!(r.end > r.start);
        next = r.end;
    }
    assert_eq!(next, s.len());
    assert!((lex.score(&s) - p).abs() < 1e-9);
}

#[test]
fn score_with_scores_the_substituted_window() {
    let lex = Lexicon::embedded();
    let text = chars("我们要实于奋斗，加快发展。");
    let pos = 4;
    let mut fixed = text.clone();
    fixed[pos] = '干';
    assert_eq!(
        lex.score_with(&text, 1..9, pos, '干'),
        lex.score(&fixed[1..9])
    );
    assert_eq!(
        lex.score_with(&text, 1..9, pos, '于'),
        lex.score(&text[1..9])
    );
    let long: Vec<char> = "实于奋斗".repeat(20).chars().collect();
    let mut long_fixed = long.clone();
    long_fixed[1] = '干';
    assert_eq!(
        lex.score_with(&long, 0..long.len(), 1, '干'),
        lex.score(&long_fixed)
    );
}

#[test]
#[should_panic(expected = "must lie in window")]
fn score_with_refuses_pos_outside_window() {
    let text = chars("实于奋斗");
    Lexicon::embedded().score_with(&text, 2..4, 1, '干');
}

/// The model's verdict on misreads the `misread` pass is meant to fix, and
/// on one it must leave alone. Margins are `score(better) - score(worse)` in
/// nats, over the whole text shown.
#[test]
fn misread_pairs_margins() {
    let lex = Lexicon::embedded();
    // (better, worse): composed phrases and sentences.
    let pairs = [
        ("实干奋斗", "实于奋斗"),
        ("我们要实干奋斗，再创佳绩", "我们要实于奋斗，再创佳绩"),
        ("落实于", "落实干"),
        ("把责任落实于每个岗位", "把责任落实干每个岗位"),
        ("中心城区", "中心域区"),
        ("做强做优中心城区", "做强做优中心域区"),
        ("宜居宜业", "官居宜业"),
        ("建设宜居宜业幸福家园", "建设官居宜业幸福家园"),
        ("介入", "介人"),
        ("及早介入", "及早介人"),
        (
            "及早发现、及早介入、及早解决",
            "及早发现、及早介人、及早解决",
        ),
        // The same confusions the other way round: the pass must not make
        // these "corrections".
        ("关于", "关干"),
        ("干部作风", "于部作风"),
        ("区域", "区城"),
        ("城市", "域市"),
        ("人民", "入民"),
        ("收入", "收人"),
        ("便宜", "便官"),
        ("官员", "宜员"),
    ];
    for (better, worse) in pairs {
        let (b, w) = (lex.score(&chars(better)), lex.score(&chars(worse)));
        eprintln!(
            "margin {:>6.2}  {} ({:.2})  vs  {} ({:.2})",
            b - w,
            segmented(lex, better),
            b,
            segmented(lex, worse),
            w
        );
        assert!(b > w, "{better} should score above {worse}");
    }
}

#[test]
fn user_words_extend_reweight_and_remove() {
    let rules = rules_with(&[(
        "words.tsv",
        "# a user's words\n房镇镇\t50\n中心\t0\n!宜居宜业\n淄博融媒\n奋斗\t5000\n",
    )]);
    let lex = Lexicon::with_rules(&rules).unwrap();
    let base = Lexicon::embedded();
    // Added, found by the walk at its full length.
    let text = chars("房镇镇中心城区");
    let lens: Vec<(usize, u64)> = lex.prefix_words(&text, 0, 10).collect();
    assert!(lens.contains(&(3, 50)), "{lens:?}");
    assert_eq!(segmented(&lex, "房镇镇中心城区"), "房镇镇/中心城区");
    // Removed: a jieba word by freq 0, a default by "!".
    assert_eq!(lex.freq("中心"), None);
    let at3: Vec<usize> = lex.prefix_words(&text, 3, 10).map(|(l, _)| l).collect();
    assert_eq!(at3, [1, 4], "中, 中心城区; not 中心");
    assert!(!lex.contains("宜居宜业"));
    assert!(lex.contains("双招双引"), "other defaults stay");
    // Re-weighted.
    assert_eq!(lex.freq("奋斗"), Some(5000));
    // No freq: just enough to beat 淄博/融/媒.
    let f = lex.freq("淄博融媒").unwrap();
    assert_eq!(f, base.suggest_freq("淄博融媒"));
    assert_eq!(segmented(&lex, "淄博融媒"), "淄博融媒");
    assert_ne!(segmented(base, "淄博融媒"), "淄博融媒");
    // The denominator follows.
    let expected = base.total() + 50 - 23969 - 300 + f + (5000 - 1682);
    assert_eq!(lex.total(), expected);
    assert_eq!(lex.len(), base.len() + 2 - 2);
}

#[test]
fn no_default_rules_hides_default_words_only() {
    let lex = Lexicon::with_rules(&Rules::default()).unwrap();
    assert!(!lex.contains("宜居宜业"));
    assert!(lex.contains("中心"));
    assert!(!lex.is_protected("徐晓会"));
}

#[test]
fn bad_user_freq_names_file_and_line() {
    let rules = rules_with(&[("words.tsv", "# c\n房镇镇\tmany\n")]);
    let err = Lexicon::with_rules(&rules).unwrap_err().to_string();
    assert!(err.contains("words.tsv:2: freq \"many\""), "{err}");
}

#[test]
fn protected_words_load_and_cover_positions() {
    let lex = Lexicon::embedded();
    assert!(lex.is_protected("徐晓会"));
    assert!(lex.is_protected("赵志斌"));
    assert!(!lex.is_protected("记者"));
    let text = chars("记者徐晓会报道");
    assert_eq!(lex.protected_span(&text, 1), None);
    assert_eq!(lex.protected_span(&text, 2), Some(2..5));
    assert_eq!(lex.protected_span(&text, 4), Some(2..5));
    assert_eq!(lex.protected_span(&text, 5), None);
    assert_eq!(lex.protected_span(&text, 99), None);
    let rules = rules_with(&[("protected.tsv", "!徐晓会\n郭庆\n")]);
    let lex = Lexicon::with_rules(&rules).unwrap();
    assert!(!lex.is_protected("徐晓会"));
    assert!(lex.is_protected("郭庆"));
}

/// Times a few operations on a dev-corpus page when the corpus is beside the
/// repository. In a debug build the figures mean little: the release
/// figures come from `cargo run --release --example lexicon_bench`.
#[test]
fn segmentation_of_a_corpus_page_runs() {
    let page = [
        "../shared/corpus/dev/pages/001.gold.txt",
        "/work/shared/corpus/dev/pages/001.gold.txt",
    ]
    .iter()
    .find_map(|p| std::fs::read_to_string(p).ok());
    let Some(page) = page else {
        eprintln!("skipped: no dev corpus page beside the repository");
        return;
    };
    let lex = Lexicon::embedded();
    let text = chars(&page);
    let t = std::time::Instant::now();
    let (p, words) = lex.best_segmentation(&text);
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "001.gold.txt: {} chars, {} words, log-prob {p:.1}, {:.2} MB/s (this build)",
        text.len(),
        words.len(),
        page.len() as f64 / secs / 1e6
    );
    assert!(words.len() < text.len());
}

/// The pair tables only make walks faster: every walk, segmentation and
/// `may_join` verdict is the same as without them, with and without an
/// overlay of user words.
#[test]
fn pair_tables_change_no_answer() {
    let text = format!(
        "{}\n实于奋斗精神，官居宜业。ABC中心城区123，不是词吧\u{1}的了。𠀀字",
        include_str!("../../examples/zibo-excerpt.md")
    );
    let cs = chars(&text);
    let user = rules_with(&[("words.tsv", "于奋斗精\t\n实于奋斗精神\t300\n")]);
    for (rules, has_user_words) in [(Rules::builtin().unwrap(), false), (&user, true)] {
        let cold = Lexicon::with_rules(rules).unwrap();
        let warm = Lexicon::with_rules(rules).unwrap();
        warm.warm_up();
        for i in 0..cs.len() {
            let a: Vec<_> = cold.prefix_words(&cs, i, cs.len() - i).collect();
            let b: Vec<_> = warm.prefix_words(&cs, i, cs.len() - i).collect();
            assert_eq!(a, b, "walk from {i}");
            // No word can hold a pair the tables rule out.
            if let Some(&next) = cs.get(i + 1) {
                if !warm.may_join(cs[i], next) {
                    assert!(
                        a.iter().all(|&(len, _)| len < 2),
                        "{}{} starts a word",
                        cs[i],
                        next
                    );
                }
            }
        }
        for line in text.lines() {
            let lc = chars(line);
            assert_eq!(cold.segment(&lc), warm.segment(&lc), "{line}");
        }
        // A pair of the map always may join, and most others are ruled
        // out (the tables keep a filter); the user's 实于奋斗精神 puts 于
        // before 奋 and 神 before nothing.
        let mut ruled_out = 0;
        for (a, b) in [
            ('邦', '民'),
            ('吗', '邦'),
            ('于', '奋'),
            ('斗', '精'),
            ('呢', '吗'),
        ] {
            let user_pair = has_user_words && "实于奋斗精神".contains(&format!("{a}{b}"));
            let listed = user_pair || cold_has(&cold, &format!("{a}{b}"));
            assert!(!listed || warm.may_join(a, b), "{a}{b}");
            assert!(cold.may_join(a, b), "without tables, every pair may join");
            ruled_out += usize::from(!warm.may_join(a, b));
        }
        assert!(ruled_out >= 1);
        assert!(!warm.may_join('\u{1}', '的'));
    }
}

/// The double array that `warm_up` loads walks exactly like the map: every word of
/// the map (a sample, the same one each run, and the longest words), found
/// from its start with all its prefixes and frequencies, and followed by a
/// character that ends the walk; a user's overlay word still wins.
#[test]
fn trie_walks_as_the_map_does() {
    use fst::{IntoStreamer, Streamer};
    let user = rules_with(&[("words.tsv", "中心城区首位\t77\n中心\t5\n")]);
    for rules in [Rules::builtin().unwrap(), &user] {
        let cold = Lexicon::with_rules(rules).unwrap();
        let warm = Lexicon::with_rules(rules).unwrap();
        assert!(cold.pairs.get().is_none());
        warm.warm_up();
        assert!(
            warm.pairs.get().is_some_and(|p| p.trie.is_some()),
            "the embedded map fits the trie"
        );
        let mut words = Vec::new();
        let mut stream = cold.fst.stream().into_stream();
        let mut k = 0usize;
        while let Some((key, _)) = stream.next() {
            k += 1;
            let Ok(w) = std::str::from_utf8(key) else {
                continue;
            };
            if k % 37 == 0 || w.chars().count() >= 8 {
                words.push(w.to_string());
            }
        }
        assert!(words.len() > 9_000, "{} words sampled", words.len());
        let mut multi = 0;
        for w in words.iter().chain([&"中心城区首位度".to_string()]) {
            for tail in ["", "的", "\u{1}", "x"] {
                let cs = chars(&format!("{w}{tail}"));
                let a: Vec<_> = cold.prefix_words(&cs, 0, cs.len()).collect();
                let b: Vec<_> = warm.prefix_words(&cs, 0, cs.len()).collect();
                assert_eq!(a, b, "{w}{tail}");
                // Capped walks stop at the cap alike.
                let a: Vec<_> = cold.prefix_words(&cs, 0, 2).collect();
                let b: Vec<_> = warm.prefix_words(&cs, 0, 2).collect();
                assert_eq!(a, b, "{w}{tail} capped");
                multi += usize::from(b.len() >= 2);
                // Segmentation walks the trie inline: the same route.
                assert_eq!(cold.segment(&cs), warm.segment(&cs), "{w}{tail}");
            }
        }
        assert!(multi > 1_000, "{multi} walks found two words or more");
    }
}

/// True if some word of two or more characters contains `pair`: a slow scan
/// of the whole map, for tests.
fn cold_has(lex: &Lexicon, pair: &str) -> bool {
    use fst::{IntoStreamer, Streamer};
    let mut s = lex.fst.stream().into_stream();
    while let Some((k, _)) = s.next() {
        if std::str::from_utf8(k).is_ok_and(|w| w.contains(pair)) {
            return true;
        }
    }
    false
}

/// `may_join` keeps a filter of the map's pairs: every pair inside a word
/// passes it, and few others do. Checked against the exact list of pairs
/// over every pair of 300 characters of a page.
#[test]
fn may_join_filter_holds_every_pair_and_few_others() {
    use fst::{IntoStreamer, Streamer};
    let lex = Lexicon::with_rules(Rules::builtin().unwrap()).unwrap();
    lex.warm_up();
    let mut exact = std::collections::HashSet::new();
    let mut stream = lex.fst.stream().into_stream();
    while let Some((key, _)) = stream.next() {
        let Ok(w) = std::str::from_utf8(key) else {
            continue;
        };
        let cs = chars(w);
        if cs.len() >= 2 && !cs[0].is_control() {
            exact.extend(cs.windows(2).map(|p| (p[0], p[1])));
        }
    }
    assert!(exact.len() > 250_000, "{} pairs", exact.len());
    for &(a, b) in &exact {
        assert!(lex.may_join(a, b), "{a}{b} is in a word");
    }
    let page = chars(include_str!("../../examples/zibo-excerpt.md"));
    let mut some: Vec<char> = page.iter().copied().filter(|c| CJK.contains(c)).collect();
    some.sort_unstable();
    some.dedup();
    some.truncate(300);
    let (mut absent, mut passed) = (0, 0);
    for &a in &some {
        for &b in &some {
            if !exact.contains(&(a, b)) {
                absent += 1;
                passed += usize::from(lex.may_join(a, b));
            }
        }
    }
    assert!(absent > 30_000, "{absent}");
    assert!(
        passed * 20 < absent,
        "{passed} of {absent} absent pairs pass"
    );
}

/// The committed `rules/lexicon.dat` is the double array of the committed
/// map, byte for byte (regenerate both with `examples/build_lexicon.rs`),
/// and warming the embedded lexicon up loads it rather than building one.
#[test]
fn committed_double_array_matches_the_map() {
    let built = dat::file_for(EMBEDDED_FST).unwrap();
    assert!(
        built == dat::EMBEDDED_DAT,
        "rules/lexicon.dat is stale: run `cargo run --release --example build_lexicon -- --dat-only`"
    );
    let fst = Fst::new(EMBEDDED_FST).unwrap();
    assert!(dat::load(&fst, dat::EMBEDDED_DAT).is_some_and(|(_, t)| t.is_some()));
}

/// An array is used only with the map it was built from: another map's
/// header does not match (that map builds its own array), and damaged
/// bytes are refused before crawdad reads them.
#[test]
fn double_array_header_names_its_map() {
    let small = build::build("中心 5\n中心城区 9\n城区 7\n", "").unwrap();
    let fst = Fst::new(small.fst.as_slice()).unwrap();
    assert!(dat::load(&fst, dat::EMBEDDED_DAT).is_none());
    let own = dat::file_for(&small.fst).unwrap();
    assert!(dat::load(&fst, &own).is_some());
    assert!(dat::load(&fst, &own[..10]).is_none());
    let mut other = own.clone();
    other[9] ^= 1;
    assert!(dat::load(&fst, &other).is_none());
    let lex = Lexicon::from_fst(Cow::Owned(small.fst.clone())).unwrap();
    lex.warm_up();
    let cs = chars("中心城区");
    assert_eq!(
        lex.prefix_words(&cs, 0, 4).collect::<Vec<_>>(),
        [(2, 5), (4, 9)]
    );
    // crawdad keeps END_MARKER for itself: a walk stops before it, as the
    // map's walk finds no word through it.
    let cs = chars(&format!("中心{}城区", crawdad::END_MARKER));
    assert_eq!(lex.prefix_words(&cs, 0, 5).collect::<Vec<_>>(), [(2, 5)]);
}
