//! Messages for the person at the terminal: notes, `-v` logs, progress, prompts, errors.
//! They go to stderr so that stdout carries data only, and a stderr that cannot be
//! written (closed pipe, full disk) is ignored: losing a message must never stop or crash
//! a command whose data is fine.

use std::io::Write;

/// Writes `text` as is (no newline added); whole lines go above any progress lines shown.
pub fn write(text: &str) {
    if text.ends_with('\n') && super::progress::print_above(text) {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
}

/// Writes one line.
pub fn line(message: &str) {
    write(&format!("{message}\n"));
}

/// `n` with the noun that fits it: "1 room", "2 rooms", "0 rooms".
pub fn counted(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
