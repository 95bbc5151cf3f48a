//! Tera set-up: the built-in templates, overridden by the site's own, and the
//! filters brief adds.

use crate::date::Date;
use crate::diagnostics::{SourceError, display_path};
use anyhow::{Context as _, Result};
use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tera::{Context, ErrorKind, Kwargs, State, Tera, TeraResult};
use walkdir::WalkDir;

/// The folder of templates, relative to the site root.
pub const TEMPLATES_DIR: &str = "templates";

/// Templates compiled into the binary, so a site without `templates/` builds.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("briefing.html", include_str!("../templates/briefing.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("404.html", include_str!("../templates/404.html")),
    (
        "corrections.html",
        include_str!("../templates/corrections.html"),
    ),
    (
        "briefing-list.html",
        include_str!("../templates/briefing-list.html"),
    ),
    (
        "pagination.html",
        include_str!("../templates/pagination.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    ("archive.html", include_str!("../templates/archive.html")),
];

/// Where a template came from, for error messages.
#[derive(Debug, Clone)]
struct Origin {
    /// `templates/base.html`, or `(built-in) base.html`.
    shown: PathBuf,
    source: String,
}

/// What the `get_page` and `url_for` functions look up: each briefing's
/// source path (`sahel/mali.md`) with its page path and its summary. Filled
/// once the site is loaded; the functions are registered before templates
/// compile, because Tera rejects templates calling unknown functions.
#[derive(Debug, Default)]
pub struct FunctionData {
    /// Source path inside `content/` → (page path relative to the root, summary).
    pub by_file: HashMap<String, (String, tera::Value)>,
    /// Every language's interface strings, for `t()` and the `date` filter.
    pub strings: crate::i18n::Strings,
}

/// Values that cost work to make, and whether any template names them
/// (see [`Templates::use_name`]): a value no template reads is not made.
/// The built-in templates read all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    /// `page.content`: the whole body joined into one piece of HTML.
    pub content: bool,
    /// `page.json_ld` and a list's `json_ld`.
    pub json_ld: bool,
    /// `page.related`: worked out for every briefing when the site loads.
    pub related: bool,
    /// The body in parts: `page.sections`, `page.intro_html` and
    /// `page.footnotes_html` (named together: a template showing one part
    /// of the body shows the others).
    pub body: bool,
    /// `page.toc`.
    pub toc: bool,
    /// `page.cite`: the reference formatted in three styles, about 2 ms a
    /// page.
    pub cite: bool,
}

/// The compiled templates.
pub struct Templates {
    tera: Tera,
    /// See [`Templates::reads`].
    reads: Reads,
    /// Every word inside a tag of any template (see [`Templates::use_name`]).
    names: HashSet<String>,
    origins: BTreeMap<String, Origin>,
    data: Arc<RwLock<FunctionData>>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.origins.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Templates {
    /// Compiles the built-in templates with the site's `templates/*.html`
    /// taking the place of any built-in of the same name.
    pub fn load(root: &Path) -> Result<Templates> {
        let mut origins: BTreeMap<String, Origin> = BUILTIN
            .iter()
            .map(|(name, source)| {
                (
                    name.to_string(),
                    Origin {
                        shown: PathBuf::from(format!("(built-in) {name}")),
                        source: source.to_string(),
                    },
                )
            })
            .collect();
        let dir = root.join(TEMPLATES_DIR);
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
                let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
                let path = entry.path();
                if !entry.file_type().is_file()
                    || path.extension().is_none_or(|e| e != "html" && e != "xml")
                {
                    continue;
                }
                let name = path
                    .strip_prefix(&dir)
                    .unwrap_or(path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let shown = display_path(root, path);
                let bytes = crate::site_fs::read(root, path, crate::content::MAX_FILE_BYTES, 0)
                    .with_context(|| format!("failed to read `{}`", shown.display()))?;
                let source = String::from_utf8(bytes).map_err(|e| {
                    SourceError::new(&shown, "this template is not valid UTF-8")
                        .at_offset(
                            &String::from_utf8_lossy(e.as_bytes()),
                            e.utf8_error().valid_up_to(),
                            1,
                        )
                        .with_help("save the file as UTF-8")
                })?;
                origins.insert(name, Origin { shown, source });
            }
        }
        Templates::compile(origins)
    }

    fn compile(origins: BTreeMap<String, Origin>) -> Result<Templates> {
        let mut tera = Tera::new();
        let data = Arc::new(RwLock::new(FunctionData::default()));
        register(&mut tera, &data);
        let mut names = HashSet::new();
        for origin in origins.values() {
            names_in(&origin.source, &mut names);
        }
        let named = |name: &str| names.contains(name);
        let reads = Reads {
            content: named("content"),
            json_ld: named("json_ld"),
            related: named("related"),
            body: named("sections") || named("intro_html") || named("footnotes_html"),
            toc: named("toc"),
            cite: named("cite"),
        };
        let mut templates = Templates {
            tera,
            reads,
            names,
            origins,
            data,
        };
        let sources: Vec<(String, String)> = templates
            .origins
            .iter()
            .map(|(n, o)| (n.clone(), o.source.clone()))
            .collect();
        if let Err(e) = templates.tera.add_raw_templates(sources) {
            return Err(templates.explain(e, None).into());
        }
        Ok(templates)
    }

    /// Site-wide values every template sees (`site`, `assets`…), set once.
    pub fn set_global<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.tera.global_context().insert(key, value);
    }

    /// A site-wide value already converted, so large lists are not converted twice.
    pub fn set_global_value(&mut self, key: &'static str, value: tera::Value) {
        self.tera.global_context().insert_value(key, value);
    }

    /// Gives `get_page` and `url_for` the loaded site.
    pub fn set_function_data(&self, data: FunctionData) {
        if let Ok(mut guard) = self.data.write() {
            *guard = data;
        }
    }

    /// Whether `t()` has a string of `key` in `lang`.
    pub fn has_string(&self, lang: &str, key: &str) -> bool {
        self.data
            .read()
            .is_ok_and(|d| d.strings.get(lang, key).is_some())
    }

    /// Gives `get_page` and `url_for` a new summary of one briefing.
    pub fn update_function_entry(&self, rel: &str, path: String, summary: tera::Value) {
        if let Ok(mut guard) = self.data.write() {
            guard.by_file.insert(rel.to_string(), (path, summary));
        }
    }

    /// Whether any template names `name` inside a `{{ }}` or `{% %}` tag: a
    /// conservative test (it may say yes for a name in a string) of whether
    /// templates read a variable or call a function. It is how the build
    /// knows what a page can show: `page.content` is joined only for
    /// templates that read it, and `serve` re-renders a page when a value
    /// it can read changed.
    pub fn use_name(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Which of the values that cost work to make the templates read.
    pub fn reads(&self) -> Reads {
        self.reads
    }

    /// Renders `name`; errors name the template, the line, and the briefing
    /// being rendered.
    pub fn render(&self, name: &str, context: &Context, page: Option<&Path>) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| self.explain(e, page).into())
    }

    /// [`Templates::render`] as bytes for a file, into a buffer of
    /// `capacity` to start with. Tera writes only UTF-8, so there is no
    /// string to check, and a buffer near the page's size grows at most once.
    pub fn render_bytes(
        &self,
        name: &str,
        context: &Context,
        page: Option<&Path>,
        capacity: usize,
    ) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|e| self.explain(e, page))?;
        Ok(out)
    }

    /// Turns a Tera error into one that names the template file and line.
    fn explain(&self, e: tera::Error, page: Option<&Path>) -> SourceError {
        let rendering = page
            .map(|p| format!(" (while rendering `{}`)", p.display()))
            .unwrap_or_default();
        match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let origin = self.origins.get(report.filename());
                let shown =
                    origin.map_or_else(|| PathBuf::from(report.filename()), |o| o.shown.clone());
                let span = report.span();
                let mut message = lower_first(report.message());
                message.push_str(&rendering);
                let help = if message.contains("not found in context")
                    || message.contains("undefined")
                {
                    "check the spelling against the template variables in `brief help templates`, or guard it with `{% if x is defined %}`"
                } else if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                    "fix the template syntax at the marked place"
                } else {
                    "see the template variables and filters in `brief help templates`"
                };
                let err = SourceError::new(shown, message).with_help(help);
                match origin {
                    Some(o) => err.at_offset(&o.source, span.range.start, span.range.len().max(1)),
                    None => {
                        let mut err = err;
                        err.line = Some(span.start_line);
                        err.column = Some(span.start_col + 1);
                        err
                    }
                }
            }
            ErrorKind::Msg(text) if text.contains(" --> ") => {
                // Tera reports unknown filters, functions and tests as text
                // already formatted: `error: …` then ` --> name:line:col`.
                self.locate_report_text(text, &rendering)
            }
            other => {
                let name = match other {
                    ErrorKind::CircularExtend { tpl, .. }
                    | ErrorKind::CircularInclude { tpl, .. }
                    | ErrorKind::MissingParent { current: tpl, .. } => tpl.clone(),
                    ErrorKind::TemplateNotFound(name) => name.clone(),
                    _ => String::new(),
                };
                let shown = self.origins.get(&name).map_or_else(
                    || PathBuf::from(format!("{TEMPLATES_DIR}/{name}")),
                    |o| o.shown.clone(),
                );
                let mut chain = lower_first(&other.to_string());
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                chain.push_str(&rendering);
                SourceError::new(shown, chain).with_help(
                    "check `{% extends %}` and `{% include %}` names against the files in templates/",
                )
            }
        }
    }
}

impl Templates {
    /// Re-locates an error Tera gave only as report text, so it names the
    /// template's real file and shows its line.
    fn locate_report_text(&self, text: &str, rendering: &str) -> SourceError {
        let message = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        let location = text
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or_default();
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().and_then(|c| c.parse::<usize>().ok());
        let line = parts.next().and_then(|l| l.parse::<usize>().ok());
        let name = parts.next().unwrap_or_default();
        let origin = self.origins.get(name);
        let shown = origin.map_or_else(
            || PathBuf::from(format!("{TEMPLATES_DIR}/{name}")),
            |o| o.shown.clone(),
        );
        let err = SourceError::new(shown, format!("{}{rendering}", lower_first(&message)))
            .with_help("the filters, functions and tests brief adds are listed in `brief help templates`, beside Tera's own");
        match (origin, line) {
            (Some(o), Some(line)) => err.at_line(&o.source, line, column),
            _ => err,
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("HTML") && !s.starts_with("JSON") => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

/// Filters and functions brief adds to Tera's built-ins.
fn register(tera: &mut Tera, data: &Arc<RwLock<FunctionData>>) {
    let d = Arc::clone(data);
    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let (date, format) = date_filter(value, &kwargs)?;
            let lang: Option<tera::Value> = state.get("lang")?;
            let Some(lang) = lang.as_ref().and_then(tera::Value::as_str) else {
                return Ok(date.format(format));
            };
            let guard = d
                .read()
                .map_err(|_| tera::Error::message("site data unavailable"))?;
            // Weekday names are looked up only for a format that shows one.
            let weekdays = if format.contains("%A") || format.contains("%a") {
                guard.strings.weekdays(lang)
            } else {
                None
            };
            let out = date.format_in(format, weekdays.as_ref());
            Ok(guard.strings.localize_months(lang, &out))
        },
    );
    let d = Arc::clone(data);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let key: &str = kwargs.must_get("key")?;
            // Most calls name only a key: the language is borrowed from
            // the page's value and no argument list is made for them.
            let lang: Option<tera::Value> = state.get("lang")?;
            let lang = lang.as_ref().and_then(tera::Value::as_str).unwrap_or("");
            let guard = d
                .read()
                .map_err(|_| tera::Error::message("site data unavailable"))?;
            let mut args = Vec::new();
            let mut count = None;
            for (name, value) in kwargs.iter() {
                let name = name.to_string();
                if name == "key" {
                    continue;
                }
                if name == "count" {
                    count = value.as_i64();
                }
                args.push((name, value.to_string()));
            }
            let plural = count.map(|n| crate::i18n::plural_key(lang, key, n));
            let full = plural.as_deref().unwrap_or(key);
            let found = guard
                .strings
                .get(lang, full)
                .or_else(|| guard.strings.get(lang, key));
            match found {
                Some(text) => Ok(crate::i18n::fill(text, args)),
                None => Err(tera::Error::message(format!(
                    "t: no interface string `{full}` in the language `{lang}`; add it under [strings.{lang}] in site.toml"
                ))),
            }
        },
    );
    let d = Arc::clone(data);
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, _: &State| -> TeraResult<tera::Value> {
            let path: &str = kwargs.must_get("path")?;
            let key = path.trim_start_matches("@/");
            let guard = d
                .read()
                .map_err(|_| tera::Error::message("site data unavailable"))?;
            guard
                .by_file
                .get(key)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    tera::Error::message(format!("get_page: no briefing `{path}` under content/"))
                })
        },
    );
    let d = Arc::clone(data);
    tera.register_function(
        "url_for",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let root: String = state.get("root")?.unwrap_or_default();
            if let Some(file) = path.strip_prefix("@/") {
                let (file, fragment) = file.split_once('#').map_or((file, ""), |(f, h)| (f, h));
                let guard = d
                    .read()
                    .map_err(|_| tera::Error::message("site data unavailable"))?;
                let (page_path, _) = guard.by_file.get(file).ok_or_else(|| {
                    tera::Error::message(format!("url_for: no briefing `{path}` under content/"))
                })?;
                let hash = if fragment.is_empty() {
                    String::new()
                } else {
                    format!("#{fragment}")
                };
                return Ok(format!("{root}{page_path}{hash}"));
            }
            let path = path.trim_start_matches('/');
            // Folders get their index.html so links also work from disk.
            if path.is_empty() || path.ends_with('/') {
                Ok(format!("{root}{path}index.html"))
            } else {
                Ok(format!("{root}{path}"))
            }
        },
    );
}

/// `{{ page.date | date }}` → "5 September 2012"; `date(format="%Y")` for others.
fn date_filter<'k>(value: &str, kwargs: &'k Kwargs) -> TeraResult<(Date, &'k str)> {
    let date = Date::parse(value).map_err(tera::Error::message)?;
    let format: Option<&str> = kwargs.get("format")?;
    Ok((date, format.unwrap_or("%-d %B %Y")))
}

/// Adds to `names` every word (letters, digits and `_`) inside a tag
/// (`{{ }}` or `{% %}`) of `source`: every variable, field, function and
/// filter a template may name, and words of strings too.
fn names_in(source: &str, names: &mut HashSet<String>) {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut rest = source;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let close = match rest.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => continue,
        };
        let end = rest.find(close).unwrap_or(rest.len());
        for name in rest[..end].split(|c: char| !word(c)) {
            if !name.is_empty() && !names.contains(name) {
                names.insert(name.to_string());
            }
        }
        rest = &rest[end..];
    }
}

/// Whether `name` appears as a whole word inside a tag of `source`.
#[cfg(test)]
fn uses_name(source: &str, name: &str) -> bool {
    let mut names = HashSet::new();
    names_in(source, &mut names);
    names.contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(templates: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        for (name, body) in templates {
            std::fs::write(dir.path().join("templates").join(name), body).unwrap();
        }
        dir
    }

    #[test]
    fn site_template_overrides_builtin() {
        let dir = site_with(&[("index.html", "custom {{ x }}")]);
        let t = Templates::load(dir.path()).unwrap();
        let mut ctx = Context::new();
        ctx.insert("x", &1);
        assert_eq!(t.render("index.html", &ctx, None).unwrap(), "custom 1");
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let dir = site_with(&[("extra.html", "ok\n{% if %}\n")]);
        let err = Templates::load(dir.path()).unwrap_err();
        let err = err.downcast::<SourceError>().unwrap();
        assert_eq!(err.path, Path::new("templates/extra.html"));
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn undefined_variables_are_errors_naming_the_page() {
        let dir = site_with(&[("index.html", "a\n{{ nope }}")]);
        let t = Templates::load(dir.path()).unwrap();
        let err = t
            .render(
                "index.html",
                &Context::new(),
                Some(Path::new("content/a.md")),
            )
            .unwrap_err()
            .downcast::<SourceError>()
            .unwrap();
        assert_eq!(err.location(), "templates/index.html:2:4");
        assert!(err.message.contains("content/a.md"), "{}", err.message);
    }

    #[test]
    fn unknown_filters_name_the_site_template_file() {
        let dir = site_with(&[(
            "briefing.html",
            "{% extends \"base.html\" %}\n{% block main %}{{ page.title | nosuch }}{% endblock main %}\n",
        )]);
        let err = Templates::load(dir.path())
            .unwrap_err()
            .downcast::<SourceError>()
            .unwrap();
        assert_eq!(err.location(), "templates/briefing.html:2:33");
        assert_eq!(err.message, "unknown filter `nosuch`");
        assert_eq!(
            err.source_line.as_deref(),
            Some("{% block main %}{{ page.title | nosuch }}{% endblock main %}")
        );
    }

    #[test]
    fn date_filter_formats() {
        let dir = site_with(&[("index.html", "{{ d | date }}|{{ d | date(format=\"%Y\") }}")]);
        let t = Templates::load(dir.path()).unwrap();
        let mut ctx = Context::new();
        ctx.insert("d", "2012-09-05");
        assert_eq!(
            t.render("index.html", &ctx, None).unwrap(),
            "5 September 2012|2012"
        );
    }

    #[test]
    fn circular_includes_are_errors_not_hangs() {
        let dir = site_with(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% include \"a.html\" %}"),
        ]);
        let result =
            Templates::load(dir.path()).and_then(|t| t.render("a.html", &Context::new(), None));
        let err = result.unwrap_err().to_string();
        assert!(err.to_lowercase().contains("circular"), "{err}");
    }

    #[test]
    fn finds_names_used_in_tags_only() {
        assert!(uses_name("{% for b in briefings %}", "briefings"));
        assert!(uses_name("{{ get_page(path=\"a.md\").title }}", "get_page"));
        assert!(uses_name("{{briefings|length}}", "briefings"));
        assert!(!uses_name("<h2>Related briefings</h2>", "briefings"));
        assert!(!uses_name("{{ page.related_briefings }}", "briefings"));
        assert!(!uses_name("{# briefings #} { briefings }", "briefings"));
    }
}
