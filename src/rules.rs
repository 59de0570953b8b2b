//! Rule data: plain UTF-8 tables under `rules/`, embedded in the binary as
//! defaults and extendable from a user's folder.
//!
//! Every file is tab-separated, one entry per line, `#` starts a comment line,
//! blank lines are ignored. The first column is the entry's key. A user's file
//! of the same name adds entries and replaces those with the same key; a line
//! `!key` removes a default entry. `--no-default-rules` starts from nothing.

use anyhow::{bail, Context as _, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// One kind of rule file: its name, what its columns hold, and the default
/// content compiled into the binary.
#[derive(Debug)]
pub struct RuleFileSpec {
    pub name: &'static str,
    /// Column names, for error messages and `--explain`.
    pub columns: &'static [&'static str],
    /// Columns that every entry must have (the rest are optional).
    pub required: usize,
    pub about: &'static str,
    pub default: &'static str,
}

/// Every rule file ocrfix reads. Adding a file means adding it here and under
/// `rules/`; the canonical-form test walks this list.
pub const RULE_FILES: &[RuleFileSpec] = &[
    RuleFileSpec {
        name: "titles.tsv",
        columns: &["word"],
        required: 1,
        about: "Title words of bylines and page headers (记者, 通讯员, 编辑): a space after them, before a name, is kept.",
        default: include_str!("../rules/titles.tsv"),
    },
    RuleFileSpec {
        name: "words.tsv",
        columns: &["word", "freq"],
        required: 1,
        about: "Words for the lexicon language model on top of the jieba dictionary, with a count on jieba's scale (omitted: just enough to beat the word's split; 0: remove the word).",
        default: include_str!("../rules/words.tsv"),
    },
    RuleFileSpec {
        name: "protected.tsv",
        columns: &["word"],
        required: 1,
        about: "Words that corrections never change (names of people above all).",
        default: include_str!("../rules/protected.tsv"),
    },
];

/// Where an entry came from, for messages: `rules/titles.tsv:12`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub fields: Vec<String>,
    pub origin: Origin,
}

impl Entry {
    pub fn key(&self) -> &str {
        &self.fields[0]
    }

    /// Field `i`, or "" when the optional column is absent.
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).map(String::as_str).unwrap_or("")
    }
}

/// All loaded rule tables, by file name. Entries keep file order.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    tables: BTreeMap<&'static str, Vec<Entry>>,
}

/// Parses one rule file. `label` names it in errors.
pub fn parse_table(spec: &RuleFileSpec, label: &str, content: &str) -> Result<Vec<(bool, Entry)>> {
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let origin = Origin {
            file: label.to_string(),
            line: i + 1,
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (remove, body) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let fields: Vec<String> = body.split('\t').map(str::to_string).collect();
        if fields[0].trim().is_empty() {
            bail!(
                "{origin}: empty key; expected {}",
                spec.columns.join("<TAB>")
            );
        }
        if fields.iter().any(|f| f != f.trim()) {
            bail!("{origin}: a field has leading or trailing spaces; columns are separated by one tab");
        }
        if !remove && fields.len() < spec.required {
            bail!(
                "{origin}: expected {} tab-separated columns ({}), found {}",
                spec.required,
                spec.columns.join(", "),
                fields.len()
            );
        }
        if fields.len() > spec.columns.len() {
            bail!(
                "{origin}: expected at most {} columns ({}), found {}",
                spec.columns.len(),
                spec.columns.join(", "),
                fields.len()
            );
        }
        out.push((remove, Entry { fields, origin }));
    }
    Ok(out)
}

impl Rules {
    /// The defaults compiled into the binary.
    pub fn embedded() -> Result<Self> {
        let mut rules = Rules::default();
        for spec in RULE_FILES {
            let label = format!("<built-in>/rules/{}", spec.name);
            let entries = parse_table(spec, &label, spec.default)?;
            rules.merge(spec, entries);
        }
        Ok(rules)
    }

    /// Loads `dir` on top of `self`. Files not named in [`RULE_FILES`] are an
    /// error, so a typo in a file name does not silently do nothing.
    pub fn extend_from_dir(&mut self, dir: &Path) -> Result<()> {
        let listing = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read rules folder {}", dir.display()))?;
        let mut names: Vec<_> = listing
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for name in names {
            let name_s = name.to_string_lossy();
            // .md: notes beside the tables; .fst: the compiled lexicon, so
            // that a copy of the repository's rules/ works as a --rules DIR.
            if name_s.starts_with('.') || name_s.ends_with(".md") || name_s.ends_with(".fst") {
                continue;
            }
            let path = dir.join(&name);
            let Some(spec) = RULE_FILES.iter().find(|s| s.name == name_s) else {
                let known: Vec<_> = RULE_FILES.iter().map(|s| s.name).collect();
                bail!(
                    "{}: unknown rules file; known files: {}",
                    path.display(),
                    known.join(", ")
                );
            };
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let content = String::from_utf8(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{}: invalid UTF-8 at byte {}",
                    path.display(),
                    e.utf8_error().valid_up_to()
                )
            })?;
            let entries = parse_table(spec, &path.display().to_string(), &content)?;
            self.merge(spec, entries);
        }
        Ok(())
    }

    fn merge(&mut self, spec: &'static RuleFileSpec, entries: Vec<(bool, Entry)>) {
        let table = self.tables.entry(spec.name).or_default();
        for (remove, entry) in entries {
            table.retain(|e| e.key() != entry.key());
            if !remove {
                table.push(entry);
            }
        }
    }

    /// The entries of one file (empty if it has none).
    pub fn table(&self, name: &str) -> &[Entry] {
        self.tables.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> &'static RuleFileSpec {
        &RULE_FILES[0]
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse_table(spec(), "x.tsv", "# c\n记者\n a\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tsv:3: a field has leading or trailing spaces; columns are separated by one tab"
        );
        let err = parse_table(spec(), "x.tsv", "a\tb\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.tsv:1: expected at most 1 columns"),
            "{err}"
        );
    }

    #[test]
    fn user_entries_extend_and_remove() {
        let mut r = Rules::embedded().unwrap();
        assert!(r.table("titles.tsv").iter().any(|e| e.key() == "记者"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("titles.tsv"), "!记者\n主持人\n").unwrap();
        r.extend_from_dir(dir.path()).unwrap();
        assert!(!r.table("titles.tsv").iter().any(|e| e.key() == "记者"));
        assert!(r.table("titles.tsv").iter().any(|e| e.key() == "主持人"));
    }

    #[test]
    fn unknown_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("titel.tsv"), "x\n").unwrap();
        let err = Rules::default().extend_from_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains("unknown rules file"), "{err}");
    }
}
