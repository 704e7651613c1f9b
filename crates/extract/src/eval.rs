//! trafilatura's own main-text benchmark, scored exactly as its
//! `tests/eval_common.py` does: for every page, each `with` snippet must be
//! in the output and each `without` snippet must not; both sides are
//! whitespace-normalised (`\s+` to one space, trimmed) and matched as
//! substrings. Counts are summed over pages; precision, recall, accuracy and
//! F1 come from the summed counts. A page whose extraction fails counts as a
//! full miss (every `with` a false negative, every `without` a true negative).
//!
//! The set: `DIR/tests/evaldata.json` (or `DIR/evaldata.json`) maps a URL to
//! `{file, with, without, ...}`; the page is `cache/FILE` or `eval/FILE`
//! (cache first, as trafilatura resolves it), stored gzipped as `FILE.gz`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One annotated page.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    #[serde(skip)]
    pub url: String,
    pub file: String,
    #[serde(rename = "with", default)]
    pub with: Vec<String>,
    #[serde(rename = "without", default)]
    pub without: Vec<String>,
}

/// Summed confusion counts.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

/// Scores derived from [`Counts`], each 0 when its denominator is empty.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub accuracy: f64,
    pub f1: f64,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }

    pub fn scores(&self) -> Scores {
        let div = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Scores {
            precision: div(self.tp, self.tp + self.fp),
            recall: div(self.tp, self.tp + self.fn_),
            accuracy: div(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_),
            f1: div(2 * self.tp, 2 * self.tp + self.fp + self.fn_),
        }
    }
}

/// Collapse every run of Unicode white space to one space and trim, like
/// Python's `re.sub(r"\s+", " ", text).strip()`.
pub fn norm(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split(is_py_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Python's `\s` on str patterns: Unicode white space plus the ASCII
/// separators 0x1c-0x1f.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Score one page's output (`None`: extraction failed).
pub fn count(case: &Case, output: Option<&str>) -> Counts {
    let (tp, fp) = match output {
        Some(out) => {
            let o = norm(out);
            (
                case.with.iter().filter(|w| o.contains(&norm(w))).count(),
                case.without.iter().filter(|w| o.contains(&norm(w))).count(),
            )
        }
        None => (0, 0),
    };
    Counts {
        tp,
        fp,
        fn_: case.with.len() - tp,
        tn: case.without.len() - fp,
    }
}

/// Find `evaldata.json` under the set's folder (the folder itself or `tests/`).
pub fn root(dir: &Path) -> Option<PathBuf> {
    [dir.to_path_buf(), dir.join("tests")]
        .into_iter()
        .find(|d| d.join("evaldata.json").is_file())
}

/// Load the annotated pages, in file order of the JSON object (sorted by URL
/// for a stable order).
pub fn load(dir: &Path) -> Result<(PathBuf, Vec<Case>), String> {
    let root = root(dir).ok_or_else(|| {
        format!(
            "no evaldata.json in {} or {}/tests",
            dir.display(),
            dir.display()
        )
    })?;
    let raw = std::fs::read(root.join("evaldata.json")).map_err(|e| e.to_string())?;
    let map: BTreeMap<String, Case> =
        serde_json::from_slice(&raw).map_err(|e| format!("evaldata.json: {e}"))?;
    let cases = map
        .into_iter()
        .map(|(url, mut c)| {
            c.url = url;
            c
        })
        .collect();
    Ok((root, cases))
}

/// The page's HTML bytes: `cache/` before `eval/`, plain or gzipped.
pub fn read_page(root: &Path, file: &str) -> Result<Vec<u8>, String> {
    for sub in ["cache", "eval"] {
        let plain = root.join(sub).join(file);
        if plain.is_file() {
            return std::fs::read(&plain).map_err(|e| e.to_string());
        }
        let gz = root.join(sub).join(format!("{file}.gz"));
        if gz.is_file() {
            let f = std::fs::File::open(&gz).map_err(|e| e.to_string())?;
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(f)
                .read_to_end(&mut out)
                .map_err(|e| format!("{}: {e}", gz.display()))?;
            return Ok(out);
        }
    }
    Err(format!("{file}: not found under cache/ or eval/"))
}

/// The text the pipeline makes of a page for this benchmark: the body
/// (`Document.text`), as trafilatura's text output is the body without title.
pub fn pipeline_output(html: &[u8]) -> Option<String> {
    pipeline_output_and_language(html).map(|(text, _)| text)
}

/// [`pipeline_output`] with the language the pipeline identified in the
/// page (none when it could not tell), for scores per language.
pub fn pipeline_output_and_language(html: &[u8]) -> Option<(String, Option<String>)> {
    let hints = dossier_model::SourceHints {
        content_type: Some("text/html".into()),
        ..Default::default()
    };
    crate::extract(html, &hints)
        .ok()
        .map(|d| (d.text, d.language))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(with: &[&str], without: &[&str]) -> Case {
        Case {
            url: "u".into(),
            file: "f.html".into(),
            with: with.iter().map(|s| s.to_string()).collect(),
            without: without.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn snippets_match_after_white_space_normalisation() {
        let c = case(
            &["The talks  resumed\non Monday", "not there"],
            &["Subscribe now", "Home"],
        );
        let k = count(
            &c,
            Some("The talks resumed on\u{a0}Monday, officials said.\n\nSubscribe   now"),
        );
        assert_eq!(
            k,
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1,
                tn: 1
            }
        );
        let s = k.scores();
        assert!((s.f1 - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_failed_page_is_a_full_miss() {
        let c = case(&["a", "b"], &["c"]);
        assert_eq!(
            count(&c, None),
            Counts {
                tp: 0,
                fp: 0,
                fn_: 2,
                tn: 1
            }
        );
        assert_eq!(Counts::default().scores().f1, 0.0);
    }

    #[test]
    fn norm_is_pythons_split_join() {
        assert_eq!(norm("  a \t b\u{2003}c \n"), "a b c");
        assert_eq!(norm(""), "");
    }

    #[test]
    fn the_set_is_read_from_folders_and_gzip() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("tests");
        std::fs::create_dir_all(t.join("eval")).unwrap();
        std::fs::create_dir_all(t.join("cache")).unwrap();
        std::fs::write(t.join("evaldata.json"), r#"{"https://b.example/":{"file":"b.html","with":["x"],"without":["y"]},"https://a.example/":{"file":"a.html","with":["p"],"without":["q"],"title":"T"}}"#).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>zipped</p>").unwrap();
        std::fs::write(t.join("eval").join("a.html.gz"), gz.finish().unwrap()).unwrap();
        std::fs::write(t.join("cache").join("b.html"), b"<p>plain</p>").unwrap();
        let (root, cases) = load(dir.path()).unwrap();
        assert_eq!(
            cases.iter().map(|c| c.url.as_str()).collect::<Vec<_>>(),
            vec!["https://a.example/", "https://b.example/"]
        );
        assert_eq!(read_page(&root, "a.html").unwrap(), b"<p>zipped</p>");
        assert_eq!(read_page(&root, "b.html").unwrap(), b"<p>plain</p>");
        assert!(read_page(&root, "c.html").is_err());
    }
}
