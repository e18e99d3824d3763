//! `synadm completions SHELL` and `synadm man`: generated from the command tree itself, so
//! they never disagree with `--help`. Neither reads the config.

use clap::CommandFactory;
use std::io::Write;
use synadm::Error;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, ignore_case = true)]
    shell: clap_complete::Shell,
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn emit(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Io(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

pub fn completions(args: &CompletionsArgs) -> Result<(), Error> {
    let mut cmd = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "synadm", &mut script);
    emit(&script)
}

pub fn man() -> Result<(), Error> {
    let mut page = Vec::new();
    clap_mangen::Man::new(super::Cli::command())
        .render(&mut page)
        .map_err(|e| Error::Io(format!("cannot render the manual page: {e}")))?;
    emit(&page)
}
