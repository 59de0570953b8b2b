//! Which files a run takes: the named files, and the text files found by
//! walking the named folders; and where each one's output goes.

use std::path::{Path, PathBuf};

/// One file to process.
#[derive(Debug, Clone)]
pub struct Job {
    pub src: PathBuf,
    /// Where the corrected copy goes (`-o` or `-w`), if anywhere.
    pub dest: Option<PathBuf>,
    /// Named on the command line (not found by a walk).
    pub explicit: bool,
}

/// What the walk found besides jobs.
#[derive(Debug, Default)]
pub struct Walk {
    pub jobs: Vec<Job>,
    /// Files passed over, with why (hidden, binary, link, extension).
    pub notes: Vec<String>,
    pub errors: Vec<String>,
}

pub struct WalkOptions<'a> {
    pub exts: Vec<&'a str>,
    pub hidden: bool,
    pub out_dir: Option<&'a Path>,
    pub in_place: bool,
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// True when the first 8 KiB hold a NUL byte (the test git and grep use).
pub fn looks_binary(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 8192];
    std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        // slice: `Read::read` guarantees `n <= buf.len()`.
        .map(|n| buf[..n].contains(&0))
        .unwrap_or(false)
}

pub fn walk(paths: &[PathBuf], opt: &WalkOptions) -> Walk {
    let mut w = Walk::default();
    let several = paths.len() > 1;
    let mut seen_dest = std::collections::HashSet::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                w.errors.push(format!("{}: {e}", root.display()));
                continue;
            }
        };
        let mut found = Vec::new();
        if meta.is_dir() {
            let walker = walkdir::WalkDir::new(root)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || opt.hidden || !is_hidden(e.file_name()));
            for entry in walker {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        w.errors
                            .push(format!("{}: {e}", e.path().unwrap_or(root).display()));
                        continue;
                    }
                };
                let path = entry.path();
                let ft = entry.file_type();
                if ft.is_symlink() {
                    w.notes
                        .push(format!("{}: skipped: symbolic link", path.display()));
                    continue;
                }
                if !ft.is_file() {
                    continue;
                }
                let ext_ok = opt.exts.contains(&"*")
                    || path
                        .extension()
                        .is_some_and(|x| opt.exts.iter().any(|e| x.eq_ignore_ascii_case(e)));
                if !ext_ok {
                    continue;
                }
                if looks_binary(path) {
                    w.notes
                        .push(format!("{}: skipped: binary file", path.display()));
                    continue;
                }
                let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
                found.push((path.to_path_buf(), rel, false));
            }
            if !opt.hidden {
                // Say once per root that hidden entries were passed over.
                if let Ok(rd) = std::fs::read_dir(root) {
                    if rd.filter_map(Result::ok).any(|e| is_hidden(&e.file_name())) {
                        w.notes.push(format!(
                            "{}: hidden files and folders skipped (--hidden takes them)",
                            root.display()
                        ));
                    }
                }
            }
        } else {
            let name = root
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| root.clone());
            found.push((root.clone(), name, true));
        }
        for (src, rel, explicit) in found {
            let dest = if opt.in_place {
                Some(src.clone())
            } else {
                opt.out_dir.map(|out| {
                    if several && meta.is_dir() {
                        let base = root
                            .canonicalize()
                            .ok()
                            .and_then(|p| p.file_name().map(PathBuf::from));
                        out.join(base.unwrap_or_default()).join(&rel)
                    } else {
                        out.join(&rel)
                    }
                })
            };
            if let Some(d) = &dest {
                if !seen_dest.insert(d.clone()) {
                    w.errors.push(format!(
                        "{}: output {} already written by another input",
                        src.display(),
                        d.display()
                    ));
                    continue;
                }
            }
            w.jobs.push(Job {
                src,
                dest,
                explicit,
            });
        }
    }
    w
}
