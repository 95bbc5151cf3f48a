//! Integration tests: the real `brief` binary over fixture sites in
//! `tests/fixtures/`. One test binary, a module per feature.

mod build;
mod errors;
mod hostile;
mod mali;
mod many;
mod support;
