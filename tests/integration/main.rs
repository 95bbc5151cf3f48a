//! Integration tests: the real `brief` binary over fixture sites in
//! `tests/fixtures/`. One test binary, a module per feature.

mod build;
mod check;
mod errors;
mod hostile;
mod mali;
mod many;
mod scaffold;
mod serve;
mod support;
