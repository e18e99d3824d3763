//! The `synadm` binary: parse the command line, run the command, report the outcome.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(7);
        }
    };
    let code = match runtime.block_on(cli::run(args)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
