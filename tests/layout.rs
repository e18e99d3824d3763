//! The invariants of ARCHITECTURE.md that a source scan can keep: which layer may import
//! which, where URLs are built, and who may print or exit.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir` (relative to the crate root), with its code lines: comment
/// lines left out, and each file's `#[cfg(test)] mod tests` (the last thing in a file here)
/// cut off.
fn code(dir: &str) -> Vec<(PathBuf, Vec<String>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join(dir), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read source");
            let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let lines = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .map(str::to_string)
                .collect();
            (path.strip_prefix(root).unwrap_or(&path).to_path_buf(), lines)
        })
        .collect()
}

/// The library's files: everything under src/ but the command line and the binary.
fn library() -> Vec<(PathBuf, Vec<String>)> {
    code("src")
        .into_iter()
        .filter(|(p, _)| !p.starts_with("src/cli") && p != Path::new("src/main.rs"))
        .collect()
}

/// `(file, line)` for each code line of `files` containing any of `needles`.
fn offenders(files: &[(PathBuf, Vec<String>)], needles: &[&str]) -> Vec<String> {
    files
        .iter()
        .flat_map(|(path, lines)| {
            lines
                .iter()
                .filter(|l| needles.iter().any(|n| l.contains(n)))
                .map(move |l| format!("{}: {}", path.display(), l.trim()))
        })
        .collect()
}

#[test]
fn the_scan_sees_the_whole_tree() {
    // A moved folder must not make the checks below pass by reading nothing.
    assert!(code("src/cli/kit").len() >= 10);
    assert!(code("src/cli/commands").len() >= 20);
    assert!(library().len() >= 15);
}

#[test]
fn the_library_imports_no_cli_module_and_no_clap() {
    let found = offenders(&library(), &["crate::cli", "clap::", "clap_complete", "rpassword"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_library_never_prints_or_exits() {
    let needles =
        ["println!", "eprintln!", "print!(", "eprint!(", "process::exit", "stdout()", "stderr()"];
    let found = offenders(&library(), &needles);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_kit_never_imports_a_command() {
    let found = offenders(&code("src/cli/kit"), &["cli::commands", "super::super"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_command_never_imports_another_group() {
    // Within a group, files reach each other through `super::`; anything of another group
    // would be reached through `commands::`, which only the dispatch in src/cli/mod.rs uses.
    let found = offenders(&code("src/cli/commands"), &["commands::", "super::super"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_endpoint_url_is_built_by_hand() {
    // Endpoints come from the spec through the generated client; only the raw requests
    // (`synadm raw`, `matrix raw`) join a path typed by the user to a mount.
    let mut files = code("src");
    files.retain(|(p, _)| p != Path::new("src/api/raw.rs"));
    let found = offenders(&files, &["_synapse/admin/v", "_matrix/client/", "_matrix/key/"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A string continued on the next line keeps its layout only with a `\` at the line's end;
/// without it the message holds the next line's indentation ("is unknown;                  give
/// full user IDs", which two error messages once printed). No message spaces words so widely.
#[test]
fn no_message_holds_a_lost_line_continuation() {
    let wide_gap = |line: &str| {
        let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        quoted.iter().any(|text| text.trim().contains("      "))
    };
    let found: Vec<String> = code("src")
        .iter()
        .flat_map(|(path, lines)| {
            lines
                .iter()
                .filter(|l| wide_gap(l))
                .map(move |l| format!("{}: {}", path.display(), l.trim()))
        })
        .collect();
    assert!(found.is_empty(), "strings with a run of spaces inside:\n{}", found.join("\n"));
}
