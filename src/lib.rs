//! brief turns briefings written in Markdown into a fast, accessible,
//! printable static site.
//!
//! The pipeline runs one way (see ARCHITECTURE.md):
//!
//! 1. [`site`] loads the site: `site.toml`, templates, static files and
//!    every briefing ([`briefing`]), and indexes them (tags, related
//!    briefings, links, what lists show of each).
//! 2. [`plan`] lists every file the site builds into, one route each,
//!    and finds any two that claim one path.
//! 3. [`render`] renders a route into a value: its bytes and what it found
//!    (warnings, anchor links, ids).
//! 4. [`build`] renders every route into a staging folder and swaps it in
//!    ([`output`]); [`check`] renders in memory and reads what the render
//!    returned; [`serve`] re-renders exactly the routes an edit changed.
//!
//! Problems are data ([`Problems`]) all the way up, printed once by one
//! [`report::Reporter`].
//!
//! The modules are the crate's own; this front door is what the binary,
//! the examples and the fuzz targets use.

mod briefing;
mod build;
mod cache;
mod check;
mod citation;
mod cli;
mod clock;
mod commands;
mod config;
mod content;
mod date;
mod diagnostics;
mod feeds;
mod fingerprint;
mod frontmatter;
mod help;
mod i18n;
mod links;
mod markdown;
mod output;
mod pdf;
mod plan;
mod reload;
mod render;
mod report;
mod scaffold;
mod search;
mod serve;
mod single;
mod site;
mod site_fs;
mod slug;
mod taxonomy;
mod templates;
mod term;
mod translations;
mod typography;
mod undocs;
mod views;
mod walk;
mod words;

pub use build::{BuildOptions, BuildReport, build};
pub use check::{CheckOptions, Report as CheckReport, check};
pub use cli::Cli;
pub use commands::run;
pub use diagnostics::{Problems, SourceError};
pub use serve::{ServeOptions, serve};
pub use site::Selection;
pub use term::Term;

/// What the fuzz targets in `fuzz/` drive: the parsers and renderers that
/// read untrusted text. Not a stable interface; each item is here because
/// a target names it:
///
/// - `front_matter`: `split_front_matter`, `parse_front_matter`.
/// - `markdown`: `render`, `render_with`, `RenderOptions`, `Rendered`,
///   `RESERVED_IDS`, `count_words`.
/// - `page`: `Briefing`, `Site`, `LoadOptions` and its `Selection`, `plan`,
///   `render_route` and its `Want`, `Contents`, `id_values`.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::briefing::Briefing;
    pub use crate::frontmatter::{parse as parse_front_matter, split as split_front_matter};
    pub use crate::links::id_values;
    pub use crate::markdown::{RESERVED_IDS, RenderOptions, Rendered, render, render_with};
    pub use crate::output::Contents;
    pub use crate::plan::plan;
    pub use crate::render::{Want, render as render_route};
    pub use crate::site::{LoadOptions, Selection, Site};
    pub use crate::words::count_words;
}
