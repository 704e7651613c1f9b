//! The web UI in headless Chromium: runs `tests/browser/run.mjs` (Node,
//! playwright-core driving Debian's chromium) against this build's binary.
//! It loads the seeds and two hostile pages, opens the story page (timeline,
//! a quote with its speaker, the figures table), searches and opens a
//! result, checks keyboard reach, the phone layout and that no injected
//! script runs; screenshots go to `tests/browser/artifacts/`.
//!
//! Needs node, chromium and `tests/browser/node_modules`
//! (`scripts/browser/setup.sh` provides them). Without them the test says
//! what is missing and passes, unless `DOSSIER_REQUIRE_BROWSER` is set (CI
//! sets it), in which case a missing piece fails it.

use std::path::Path;
use std::process::Command;

#[test]
fn web_ui_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("tests/browser/run.mjs");
    // CHROMIUM, else `chromium` on the PATH (as scripts/browser/setup.sh
    // finds it), else Debian's path.
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| {
        std::env::var_os("PATH")
            .and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join("chromium"))
                    .find(|p| p.is_file())
            })
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| "/usr/bin/chromium".into())
    });
    let required = std::env::var_os("DOSSIER_REQUIRE_BROWSER").is_some();
    let mut missing = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".to_string());
    }
    if !Path::new(&chromium).exists() {
        missing.push(format!("chromium ({chromium})"));
    }
    if !root
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        missing.push("tests/browser/node_modules (npm ci)".to_string());
    }
    if !root.join("../shared/seeds").is_dir() {
        missing.push("../shared/seeds".to_string());
    }
    if !missing.is_empty() {
        let msg = format!(
            "browser test not run, missing: {}; scripts/browser/setup.sh installs them",
            missing.join(", ")
        );
        assert!(!required, "{msg}");
        eprintln!("skipped: {msg}");
        return;
    }
    let out = Command::new("node")
        .arg(&script)
        .env("DOSSIER_BIN", env!("CARGO_BIN_EXE_dossier"))
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{stdout}");
    // The script ends with "N passed, 0 failed"; at least the eight checks
    // it defines must have run.
    let passed: usize = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_suffix(" passed, 0 failed"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a closing 'N passed, 0 failed' line");
    assert!(passed >= 8, "only {passed} browser checks ran");
}
