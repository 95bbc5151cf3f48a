//! The `brief` binary: parse the command line, run the command, and turn
//! the outcome into an exit status (0 success, 1 failure, 2 usage).

use brief::cli::Cli;
use brief::term::Term;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let term = Term::detect();
    match brief::commands::run(cli, term) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", brief::commands::render_error(&e, term));
            ExitCode::FAILURE
        }
    }
}
