//! Footnotes: numbered in order of first reference, gathered into one list
//! at the end of the body whichever section defines them.

use crate::slug::IdSet;
use std::collections::HashMap;
use std::fmt::Write;

/// One note, from its first reference or its definition.
struct Footnote {
    /// Its number in the list; 0 until first referenced.
    number: usize,
    /// The part of its ids after `fn-` / `fnref-`.
    slug: String,
    /// References to it so far.
    refs: usize,
    /// Its definition as HTML, once found.
    html: Option<String>,
}

/// The notes of one body, as they are met.
#[derive(Default)]
pub(super) struct Footnotes {
    notes: Vec<Footnote>,
    /// Label → index into `notes`.
    index: HashMap<String, usize>,
    /// The slugs handed out, so two labels never share one.
    slugs: IdSet,
    /// Notes numbered so far: counting them at each new reference made
    /// 80,000 notes take 8 s.
    numbered: usize,
}

impl Footnotes {
    /// The index of the note called `label`, added if new.
    fn slot(&mut self, label: &str) -> usize {
        if let Some(&i) = self.index.get(label) {
            return i;
        }
        self.notes.push(Footnote {
            number: 0,
            slug: self.slugs.unique(label, "note"),
            refs: 0,
            html: None,
        });
        self.index.insert(label.to_string(), self.notes.len() - 1);
        self.notes.len() - 1
    }

    /// Records the definition of `label`, rendered as `html`.
    pub(super) fn define(&mut self, label: &str, html: String) {
        let i = self.slot(label);
        self.notes[i].html = Some(html);
    }

    /// Records a reference to `label` and returns its HTML: the note's
    /// number, linking to it, with an id to link back to.
    pub(super) fn reference(&mut self, label: &str) -> String {
        let i = self.slot(label);
        if self.notes[i].number == 0 {
            self.numbered += 1;
            self.notes[i].number = self.numbered;
        }
        let f = &mut self.notes[i];
        f.refs += 1;
        let ref_id = if f.refs == 1 {
            format!("fnref-{}", f.slug)
        } else {
            // `_` never occurs in a slug, so a repeat's id can never be
            // the first reference of a note whose slug ends in `-2`.
            format!("fnref-{}_{}", f.slug, f.refs)
        };
        format!(
            "<sup class=\"footnote-ref\" id=\"{ref_id}\"><a href=\"#fn-{}\" aria-describedby=\"footnotes-label\">{}</a></sup>",
            f.slug, f.number
        )
    }

    /// Numbers the notes never referenced (after the others), and returns
    /// the list of defined notes as HTML, or an empty string.
    pub(super) fn finish(&mut self, labels: &super::Labels<'_>) -> String {
        // Referenced notes keep their reference order; unreferenced ones follow.
        let first_free = self.notes.iter().filter(|f| f.number > 0).count() + 1;
        for (n, f) in (first_free..).zip(self.notes.iter_mut().filter(|f| f.number == 0)) {
            f.number = n;
        }
        let mut defined: Vec<&Footnote> = self.notes.iter().filter(|f| f.html.is_some()).collect();
        if defined.is_empty() {
            return String::new();
        }
        defined.sort_by_key(|f| f.number);
        let mut s = format!(
            "<section class=\"footnotes\" id=\"footnotes\" aria-labelledby=\"footnotes-label\">\n<h2 id=\"footnotes-label\">{}</h2>\n<ol>\n",
            super::escape_text(labels.notes)
        );
        for f in defined {
            let body = f.html.as_deref().unwrap_or_default().trim_end();
            let back = if f.refs > 0 {
                let label = labels
                    .back_to_reference
                    .replace("{number}", &f.number.to_string());
                format!(
                    " <a href=\"#fnref-{}\" class=\"footnote-back\" aria-label=\"{}\">↩</a>",
                    f.slug,
                    super::escape_attr(&label)
                )
            } else {
                String::new()
            };
            // Put the back link inside the last paragraph so it does not sit on a line of its own.
            let body = match body.strip_suffix("</p>") {
                Some(inner) if !back.is_empty() => format!("{inner}{back}</p>"),
                _ => format!("{body}{back}"),
            };
            let _ = writeln!(
                s,
                "<li id=\"fn-{}\" value=\"{}\">{body}</li>",
                f.slug, f.number
            );
        }
        s.push_str("</ol>\n</section>\n");
        s
    }

    /// The ids the notes put on the page: each defined note's, then each
    /// reference's.
    pub(super) fn ids(&self) -> impl Iterator<Item = String> + '_ {
        self.notes.iter().flat_map(|f| {
            let note = f.html.is_some().then(|| format!("fn-{}", f.slug));
            let refs = (1..=f.refs).map(|n| {
                if n == 1 {
                    format!("fnref-{}", f.slug)
                } else {
                    format!("fnref-{}_{n}", f.slug)
                }
            });
            note.into_iter().chain(refs)
        })
    }
}
