//! A chapter body split into searchable sections, at headings of level 1
//! to 3, from the same pulldown-cmark events as the body render.

use crate::model::outline;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A searchable section of a chapter: the text under one heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Heading id (as in the chapter); `None` for the text before the first heading.
    pub id: Option<String>,
    pub heading: String,
    pub text: String,
}

/// Splits a chapter body into sections, at headings of level 1 to 3.
pub fn sections(body: &str, ids: &[String]) -> Vec<Section> {
    let mut sections = Sections::new(ids);
    for event in Parser::new_ext(body, outline::options()) {
        sections.event(&event);
    }
    sections.finish()
}

/// Room made for a section's text when it starts: grown from nothing, a
/// section of a few kilobytes was copied eight times.
pub(super) const SECTION_TEXT_BYTES: usize = 1024;

/// Builds the sections of a chapter from the events of its Markdown, so
/// that a parse made for another purpose can also give them.
pub struct Sections<'a> {
    ids: &'a [String],
    out: Vec<Section>,
    in_heading: bool,
    heading_no: usize,
}

impl<'a> Sections<'a> {
    /// `ids` are the chapter's heading ids, in order.
    pub fn new(ids: &'a [String]) -> Self {
        Sections {
            ids,
            out: vec![Section {
                id: None,
                heading: String::new(),
                text: String::new(),
            }],
            in_heading: false,
            heading_no: 0,
        }
    }

    /// Takes the next event of the chapter, in order.
    pub fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading_no += 1;
                if (*level as u8) <= 3 {
                    self.out.push(Section {
                        id: self.ids.get(self.heading_no - 1).cloned(),
                        heading: String::new(),
                        text: String::with_capacity(SECTION_TEXT_BYTES),
                    });
                    self.in_heading = true;
                } else {
                    self.in_heading = false;
                }
            }
            Event::End(TagEnd::Heading(_)) => self.in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                let s = self.out.last_mut().expect("never empty");
                if self.in_heading {
                    s.heading.push_str(t);
                } else {
                    s.text.push_str(t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                self.out.last_mut().expect("never empty").text.push(' ');
            }
            _ => {}
        }
    }

    /// The sections, without empty ones.
    pub fn finish(mut self) -> Vec<Section> {
        self.out
            .retain(|s| !s.heading.trim().is_empty() || !s.text.trim().is_empty());
        // Held until the language's index is made, beside the next
        // language's: without the room grown for appending.
        for s in &mut self.out {
            s.text.shrink_to_fit();
        }
        self.out
    }
}
