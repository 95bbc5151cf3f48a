//! Integration tests: the real `brief` binary over fixture sites in
//! `tests/fixtures/`. One test binary, a module per feature.

mod build;
mod build_lock;
mod build_notes;
mod check;
mod cite;
mod editorial;
mod errors;
mod help;
mod hostile;
mod languages;
mod mali;
mod many;
mod pdf;
mod reader;
mod scaffold;
mod search;
mod serve;
mod serve_load;
mod site_files;
mod support;
