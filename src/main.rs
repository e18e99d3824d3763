//! The `synadm` binary: parse the command line, run the command, report the outcome.

// Output goes through the output layer and `kit::stderr`, which tolerate closed pipes.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

mod cli;

use clap::Parser;
use synadm::Error;

fn main() {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            cli::kit::stderr::line(&format!("error: cannot start the async runtime: {e}"));
            std::process::exit(7);
        }
    };
    let code = match runtime.block_on(cli::run(args)) {
        Ok(()) => 0,
        // The reader has what it wanted (`synadm … | head`); nothing to report.
        Err(Error::OutputClosed) => 0,
        Err(e) => {
            // Error texts can carry server data (a Matrix error message): no raw controls.
            cli::kit::stderr::line(&format!("error: {}", synadm::output::sanitize(&e.to_string())));
            e.exit_code()
        }
    };
    std::process::exit(code);
}
