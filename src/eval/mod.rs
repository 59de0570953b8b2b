//! Evaluation against proofread (gold) text: character error rates,
//! paragraph breaks and what a cleanup's edits did, defined as in the dev
//! corpus's `score.py` (see [`metrics`]) and computed fast enough to score a
//! whole corpus in well under a second.
//!
//! Files are paired by an id taken from the gold file names: the gold
//! pattern (`{id}.gold.txt`) gives the ids, the candidate pattern
//! (`{id}.txt`) and the raw OCR pattern name the files to compare.

pub mod align;
pub mod html;
pub mod metrics;

use anyhow::{bail, Context as _, Result};
use metrics::{Counts, ParaSep, Prep};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A file name pattern containing `{id}`; a bare name `NAME` means
/// `{id}.NAME.txt` (a corpus flavour such as `tesseract`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(String);

impl Pattern {
    pub fn new(p: &str) -> Self {
        if p.contains("{id}") {
            Pattern(p.to_string())
        } else {
            Pattern(format!("{{id}}.{p}.txt"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn file(&self, id: &str) -> String {
        self.0.replace("{id}", id)
    }

    /// The id in `name`, if `name` matches the pattern.
    pub fn id_of<'a>(&self, name: &'a str) -> Option<&'a str> {
        let (pre, post) = self.0.split_once("{id}")?;
        let id = name.strip_prefix(pre)?.strip_suffix(post)?;
        (!id.is_empty()).then_some(id)
    }

    /// A short name: the pattern without `{id}` and `.txt`.
    pub fn label(&self) -> String {
        let s = self.0.replace("{id}", "");
        let s = s.strip_suffix(".txt").unwrap_or(&s);
        let s = s.trim_matches('.');
        if s.is_empty() {
            self.0.clone()
        } else {
            s.to_string()
        }
    }
}

/// One set of candidate files: a folder and a pattern.
#[derive(Debug, Clone)]
pub struct System {
    pub name: String,
    pub dir: PathBuf,
    pub pattern: Pattern,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Gold folder, or a single gold file.
    pub gold: PathBuf,
    /// Gold pattern; None: `{id}.gold.txt` when such files exist, else `{id}.txt`.
    pub gold_pattern: Option<Pattern>,
    pub systems: Vec<System>,
    /// Raw OCR the candidates were made from: folder and pattern.
    pub ocr: Option<(PathBuf, Pattern)>,
    pub prep: Prep,
    pub para_sep: ParaSep,
    /// Manifest (TSV with a `page` column) and the column to group by.
    pub manifest: Option<(PathBuf, String)>,
    /// Only these page ids (see [`id_selected`]).
    pub pages: Option<String>,
}

/// Whether `id` is selected by `spec`: comma-separated ids or ranges
/// `lo-hi` (compared as strings of the same length: `001-020`).
pub fn id_selected(spec: &str, id: &str) -> bool {
    spec.split(',')
        .map(str::trim)
        .any(|part| match part.split_once('-') {
            Some((lo, hi)) if !lo.is_empty() && !hi.is_empty() => {
                lo.len() == id.len() && lo <= id && id <= hi
            }
            _ => part == id,
        })
}

/// The texts of one page, read and prepared.
#[derive(Debug, Clone)]
pub struct PageTexts {
    pub id: String,
    pub gold: String,
    pub cand: String,
    pub raw: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SystemReport {
    pub system: System,
    pub total: Counts,
    pub groups: BTreeMap<String, Counts>,
    pub pages: Vec<(String, Counts)>,
    pub texts: Vec<PageTexts>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub gold: PathBuf,
    pub gold_pattern: Option<Pattern>,
    pub group_by: Option<String>,
    pub systems: Vec<SystemReport>,
}

/// Reads a text file as score.py does: invalid UTF-8 replaced, then
/// prepared (BOM, line ends, width).
pub fn read_text(path: &Path, prep: Prep) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(metrics::prepare(&String::from_utf8_lossy(&bytes), prep))
}

/// The page ids in `dir` under `pattern`, sorted.
pub fn ids_in(dir: &Path, pattern: &Pattern) -> Result<Vec<String>> {
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read folder {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            pattern
                .id_of(&e.file_name().to_string_lossy())
                .map(String::from)
        })
        .collect();
    ids.sort();
    Ok(ids)
}

/// The gold pattern in force for `dir`.
pub fn gold_pattern_for(dir: &Path, given: Option<&Pattern>) -> Result<Pattern> {
    if let Some(p) = given {
        return Ok(p.clone());
    }
    let gold = Pattern::new("{id}.gold.txt");
    if !ids_in(dir, &gold)?.is_empty() {
        Ok(gold)
    } else {
        Ok(Pattern::new("{id}.txt"))
    }
}

fn read_manifest(path: &Path, column: &str) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read manifest {}", path.display()))?;
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let Some(col) = head.iter().position(|h| *h == column) else {
        bail!("{}: no column {column:?}", path.display());
    };
    let key = head.iter().position(|h| *h == "page").unwrap_or(0);
    let mut out = BTreeMap::new();
    for line in lines {
        let v: Vec<&str> = line.split('\t').collect();
        // index: `key` and `col` are positions in `head`.
        if v.len() == head.len() {
            out.insert(v[key].to_string(), v[col].to_string());
        }
    }
    Ok(out)
}

/// Pairs the files, reads them, and scores every page of every system.
/// Missing candidate or raw files are an error that names them.
pub fn evaluate(cfg: &Config) -> Result<Report> {
    // (id, gold path, candidate paths per system, raw path)
    let single = cfg.gold.is_file();
    let mut pairs: Vec<(String, PathBuf)> = Vec::new();
    let gold_pattern = if single {
        pairs.push((
            cfg.gold
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            cfg.gold.clone(),
        ));
        None
    } else {
        let gp = gold_pattern_for(&cfg.gold, cfg.gold_pattern.as_ref())?;
        let mut ids = ids_in(&cfg.gold, &gp)?;
        if let Some(spec) = &cfg.pages {
            ids.retain(|id| id_selected(spec, id));
        }
        if ids.is_empty() {
            bail!(
                "no gold files matching {} in {}",
                gp.as_str(),
                cfg.gold.display()
            );
        }
        pairs.extend(ids.into_iter().map(|id| {
            let p = cfg.gold.join(gp.file(&id));
            (id, p)
        }));
        Some(gp)
    };
    let path_of = |dir: &Path, pat: &Pattern, id: &str| -> PathBuf {
        if single {
            dir.to_path_buf()
        } else {
            dir.join(pat.file(id))
        }
    };
    let mut missing = Vec::new();
    for (id, _) in &pairs {
        for s in &cfg.systems {
            let p = path_of(&s.dir, &s.pattern, id);
            if !p.is_file() {
                missing.push(p);
            }
        }
        if let Some((dir, pat)) = &cfg.ocr {
            let p = path_of(dir, pat, id);
            if !p.is_file() {
                missing.push(p);
            }
        }
    }
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(10)
            .map(|p| format!("  {}", p.display()))
            .collect();
        bail!(
            "{} file(s) to compare with the gold are missing:\n{}{}",
            missing.len(),
            shown.join("\n"),
            if missing.len() > 10 { "\n  …" } else { "" }
        );
    }
    let groups_of = match &cfg.manifest {
        Some((path, col)) => Some(read_manifest(path, col)?),
        None => None,
    };
    let golds: Vec<String> = pairs
        .par_iter()
        .map(|(_, p)| read_text(p, cfg.prep))
        .collect::<Result<_>>()?;
    let raws: Vec<Option<String>> = pairs
        .par_iter()
        .map(|(id, _)| match &cfg.ocr {
            Some((dir, pat)) => read_text(&path_of(dir, pat, id), cfg.prep).map(Some),
            None => Ok(None),
        })
        .collect::<Result<_>>()?;
    let mut systems = Vec::new();
    for s in &cfg.systems {
        let texts: Vec<PageTexts> = pairs
            .par_iter()
            .enumerate()
            .map(|(i, (id, _))| {
                // index: `golds` and `raws` hold one entry per pair.
                Ok(PageTexts {
                    id: id.clone(),
                    gold: golds[i].clone(),
                    cand: read_text(&path_of(&s.dir, &s.pattern, id), cfg.prep)?,
                    raw: raws[i].clone(),
                })
            })
            .collect::<Result<_>>()?;
        let pages: Vec<(String, Counts)> = texts
            .par_iter()
            .map(|t| {
                (
                    t.id.clone(),
                    metrics::score_page(&t.gold, &t.cand, t.raw.as_deref(), cfg.para_sep),
                )
            })
            .collect();
        let mut total = Counts::default();
        let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
        for (id, c) in &pages {
            total.add(c);
            if let Some(g) = groups_of.as_ref().and_then(|m| m.get(id)) {
                groups.entry(g.clone()).or_default().add(c);
            }
        }
        systems.push(SystemReport {
            system: s.clone(),
            total,
            groups,
            pages,
            texts,
        });
    }
    Ok(Report {
        gold: cfg.gold.clone(),
        gold_pattern,
        group_by: cfg.manifest.as_ref().map(|(_, c)| c.clone()),
        systems,
    })
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |v| json!(v))
}

/// A page's or a total's counts with the rates derived from them.
pub fn counts_json(c: &Counts) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("cer_nows".into(), json!(c.cer_nows()));
        m.insert("cer_ws".into(), json!(c.cer_ws()));
        m.insert("para_p".into(), json!(c.para_p()));
        m.insert("para_r".into(), json!(c.para_r()));
        m.insert("para_f1".into(), json!(c.para_f1()));
        for (key, e, len) in [
            ("edits_nows", &c.edits_nows, c.gold_chars),
            ("edits_ws", &c.edits_ws, c.gold_len_ws),
        ] {
            if let (Some(e), Some(Value::Object(em))) = (e, m.get_mut(key)) {
                em.insert("edit_precision".into(), opt(e.precision()));
                em.insert("fixed_frac".into(), opt(e.fixed_frac()));
                let len = len.max(1) as f64;
                em.insert("raw_cer".into(), json!(e.raw_errors as f64 / len));
                em.insert("cand_cer".into(), json!(e.cand_errors as f64 / len));
            }
        }
    }
    v
}

impl Report {
    /// The whole report as one JSON document (stable keys, for dashboards).
    pub fn to_json(&self) -> Value {
        let systems: Vec<Value> = self
            .systems
            .iter()
            .map(|s| {
                let mut o = json!({
                    "name": s.system.name,
                    "dir": s.system.dir.display().to_string(),
                    "pattern": s.system.pattern.as_str(),
                    "total": counts_json(&s.total),
                    "pages": s.pages.iter().map(|(id, c)| {
                        let mut v = counts_json(c);
                        if let Value::Object(m) = &mut v {
                            m.insert("id".into(), json!(id));
                        }
                        v
                    }).collect::<Vec<_>>(),
                });
                if let (Some(col), Value::Object(m)) = (&self.group_by, &mut o) {
                    let groups: serde_json::Map<String, Value> = s
                        .groups
                        .iter()
                        .map(|(k, c)| (k.clone(), counts_json(c)))
                        .collect();
                    m.insert(format!("by_{col}"), Value::Object(groups));
                }
                o
            })
            .collect();
        json!({
            "gold": self.gold.display().to_string(),
            "gold_pattern": self.gold_pattern.as_ref().map(|p| p.as_str().to_string()),
            "systems": systems,
        })
    }

    /// A table for the terminal: one row per page (unless `totals_only`),
    /// per group, and the total; then the edit figures when the raw OCR was
    /// given.
    pub fn to_table(&self, totals_only: bool) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let width = self
            .systems
            .iter()
            .map(|x| x.system.name.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        let idw = self
            .systems
            .iter()
            .flat_map(|x| {
                x.pages
                    .iter()
                    .map(|(id, _)| id)
                    .chain(x.groups.keys())
                    .map(|id| id.chars().count())
            })
            .max()
            .unwrap_or(5)
            .clamp(5, 40);
        let hdr = format!(
            "{:<width$} {:<idw$} {:>5} {:>7} {:>9} {:>8} {:>6} {:>6} {:>6} {:>6} {:>6}",
            "system",
            "page",
            "pages",
            "chars",
            "CER-nows%",
            "CER-ws%",
            "cjk_sp",
            "hw_pun",
            "paraP",
            "paraR",
            "paraF1"
        );
        let _ = writeln!(s, "{hdr}");
        let _ = writeln!(s, "{}", "-".repeat(hdr.chars().count()));
        let row = |s: &mut String, name: &str, page: &str, c: &Counts| {
            let _ = writeln!(
                s,
                "{:<width$} {:<idw$} {:>5} {:>7} {:>9.2} {:>8.2} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3}",
                name,
                page,
                c.pages,
                c.gold_chars,
                100.0 * c.cer_nows(),
                100.0 * c.cer_ws(),
                c.cjk_spaces,
                c.hw_punct,
                c.para_p(),
                c.para_r(),
                c.para_f1()
            );
        };
        for sys in &self.systems {
            if !totals_only {
                for (id, c) in &sys.pages {
                    row(&mut s, &sys.system.name, id, c);
                }
            }
            for (g, c) in &sys.groups {
                row(&mut s, &sys.system.name, g, c);
            }
            row(&mut s, &sys.system.name, "ALL", &sys.total);
        }
        if self.systems.iter().any(|x| x.total.edits_nows.is_some()) {
            let _ = writeln!(s, "\nedits relative to the raw OCR (fixed / introduced / neutral, in gold positions):");
            let h2 = format!(
                "{:<width$} {:<5} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7}",
                "system",
                "mode",
                "raw_err",
                "cand_err",
                "changes",
                "fixed",
                "introd",
                "neutral",
                "edit_P%",
                "fixed%"
            );
            let _ = writeln!(s, "{h2}");
            let _ = writeln!(s, "{}", "-".repeat(h2.chars().count()));
            let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.2}", 100.0 * v));
            for sys in &self.systems {
                for (mode, e) in [("nows", &sys.total.edits_nows), ("ws", &sys.total.edits_ws)] {
                    if let Some(e) = e {
                        let _ = writeln!(
                            s,
                            "{:<width$} {:<5} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7}",
                            sys.system.name,
                            mode,
                            e.raw_errors,
                            e.cand_errors,
                            e.changes,
                            e.fixed,
                            e.introduced,
                            e.neutral,
                            pct(e.precision()),
                            pct(e.fixed_frac())
                        );
                    }
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = Pattern::new("tesseract");
        assert_eq!(p.as_str(), "{id}.tesseract.txt");
        assert_eq!(p.id_of("001.tesseract.txt"), Some("001"));
        assert_eq!(p.id_of("001.gold.txt"), None);
        assert_eq!(p.label(), "tesseract");
        let q = Pattern::new("{id}.txt");
        assert_eq!(q.id_of("a.b.txt"), Some("a.b"));
        assert_eq!(q.id_of(".txt"), None);
        assert_eq!(q.file("7"), "7.txt");
    }

    #[test]
    fn page_selection() {
        assert!(id_selected("001-020", "005"));
        assert!(!id_selected("001-020", "021"));
        assert!(!id_selected("001-020", "0050"));
        assert!(id_selected("003,007", "007"));
        assert!(!id_selected("003,007", "070"));
        assert!(id_selected("003, 010-012", "011"));
    }
}
