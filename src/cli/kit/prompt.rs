//! Questions to the person at the terminal: confirmations and secrets. All prompts go to
//! stderr so that stdout carries data only.

use std::io::{BufRead, IsTerminal};
use synadm::Error;

/// Reads one line from stdin after printing `question` on stderr; `None` at end of input.
pub fn ask(question: &str) -> Result<Option<String>, Error> {
    super::stderr::write(question);
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line)?;
    Ok((read > 0).then(|| line.trim_end_matches(['\r', '\n']).to_string()))
}

/// Asks a yes/no question (default no); anything but yes aborts the command.
pub fn confirm(question: &str) -> Result<(), Error> {
    match ask(&format!("{question} [y/N] "))? {
        Some(answer) if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") => Ok(()),
        Some(_) => Err(Error::Aborted("not confirmed".into())),
        None => Err(Error::Aborted(
            "no answer to the confirmation prompt (stdin closed); pass --batch to skip it".into(),
        )),
    }
}

/// [`confirm`] answered on the terminal (`/dev/tty`): for commands whose stdin carries their
/// input (a list of IDs), so the answer cannot come from there.
pub fn confirm_on_terminal(question: &str) -> Result<(), Error> {
    let no_terminal = |e: std::io::Error| {
        Error::Aborted(format!(
            "the input came on stdin, so the question is asked on the terminal, and there is \
             none ({e}); pass --batch to skip it"
        ))
    };
    let tty = std::fs::File::open("/dev/tty").map_err(no_terminal)?;
    super::stderr::write(&format!("{question} [y/N] "));
    let mut answer = String::new();
    std::io::BufReader::new(tty).read_line(&mut answer).map_err(no_terminal)?;
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Error::Aborted("not confirmed".into()))
    }
}

/// Reads a secret without echo when stdin is a terminal (a plain line otherwise).
pub fn secret(question: &str) -> Result<String, Error> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(question)
            .map_err(|e| Error::Io(format!("cannot read the answer: {e}")))
    } else {
        ask(question)?.ok_or_else(|| Error::Aborted("no answer (stdin closed)".into()))
    }
}

/// The password given with `-p`, or asked for (hidden, twice) when none was; refused in
/// `--batch` mode, where nobody can answer, and when empty.
pub fn password(given: Option<String>, batch: bool) -> Result<String, Error> {
    match given {
        Some(p) if !p.is_empty() => Ok(p),
        Some(_) => Err(Error::Usage("the password must not be empty".into())),
        None if batch => {
            Err(Error::Usage("no password given; use -p/--password in --batch mode".into()))
        }
        None => new_password(),
    }
}

/// Asks for a new password twice and insists both agree.
pub fn new_password() -> Result<String, Error> {
    let first = secret("New password: ")?;
    if first.is_empty() {
        return Err(Error::Usage("the password must not be empty".into()));
    }
    let again = secret("Repeat the new password: ")?;
    if first != again {
        return Err(Error::Usage("the two passwords differ".into()));
    }
    Ok(first)
}
