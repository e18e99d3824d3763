//! `synadm completions SHELL` and `synadm man`: generated from the command tree itself, so
//! they never disagree with `--help`. Neither reads the config.

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

/// The completion script for `tree`, the whole command tree.
pub fn completions(args: &CompletionsArgs, mut tree: clap::Command) -> Result<(), Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut tree, "synadm", &mut script);
    emit(&script)
}

/// The manual page of `tree`, the whole command tree.
pub fn man(tree: clap::Command) -> Result<(), Error> {
    let mut page = Vec::new();
    clap_mangen::Man::new(tree)
        .render(&mut page)
        .map_err(|e| Error::Io(format!("cannot render the manual page: {e}")))?;
    emit(&page)
}
