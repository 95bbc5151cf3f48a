//! The `brief` binary: parse the command line, run the command, and turn
//! the outcome into an exit status (0 success, 1 failure, 2 usage).

use brief::{Cli, Term};
use clap::Parser;
use std::process::ExitCode;

// Builds allocate many small strings and template values from every core;
// jemalloc's per-thread caches make that about a tenth faster than the
// system allocator, at the same peak memory (see bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    brief::run(Cli::parse(), Term::detect())
}
