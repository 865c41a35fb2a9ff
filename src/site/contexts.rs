//! The template values of each kind of page: root, home, contents, chapter
//! and print pages.

use minijinja::value::Serde;
use serde::Serialize;

use crate::model::{ChapterRef, urls};
use crate::render::markdown::{PrintLinks, Rendered, SiteLinks, print_id};

use super::*;

impl<'a> SiteContext<'a> {
    pub(super) fn root_context(&self, path: &str) -> minijinja::Value {
        let source = self
            .project
            .langs()
            .iter()
            .position(|l| l.code == self.project.source_lang())
            .unwrap_or(0);
        let common = self.common(
            source,
            path,
            self.project.config.title.clone(),
            None,
            &|i| (urls::home(&self.lang(i).code), false),
        );
        #[derive(Serialize)]
        struct Choice<'a> {
            code: &'a str,
            dir: &'a str,
            name: String,
            site_title: &'a str,
            choose: &'a str,
            url: String,
        }
        let choices: Vec<Choice> = self
            .project
            .langs()
            .iter()
            .map(|l| Choice {
                code: &l.code,
                dir: l.dir.as_str(),
                name: self.lang_name(l).to_string(),
                site_title: self.project.config.title_in(&l.code),
                choose: self.ui(&l.code).get("choose-language"),
                url: urls::relative(path, &urls::home(&l.code)),
            })
            .collect();
        minijinja::context! { page => common, choices => Serde(choices) }
    }

    pub(super) fn home_context(&self, lang: usize, path: &str) -> minijinja::Value {
        let code = &self.lang(lang).code;
        let title = self.project.config.title_in(code).to_string();
        let common = self.common(lang, path, title, None, &|i| {
            (urls::home(&self.lang(i).code), false)
        });
        let manuals: Vec<ManualView> = (0..self.project.manuals.len())
            .map(|m| self.manual_view(lang, m, path, None))
            .collect();
        let about_url = self
            .project
            .config
            .bundle_key_line
            .is_some()
            .then(|| urls::relative(path, &about_path(code)));
        minijinja::context! { page => common, manuals => Serde(manuals), about_url => about_url }
    }

    pub(super) fn contents_context(
        &self,
        lang: usize,
        manual: usize,
        path: &str,
    ) -> minijinja::Value {
        let m = &self.project.manuals[manual];
        let view = self.manual_view(lang, manual, path, None);
        let common = self.common(
            lang,
            path,
            view.title.to_string(),
            m.config.description.clone(),
            &|i| (urls::contents(&self.lang(i).code, &m.id), false),
        );
        minijinja::context! { page => common, manual => Serde(view) }
    }

    pub(super) fn body(&self, lang: usize, r: ChapterRef) -> &Rendered {
        &self.bodies[lang][self.project.flat_index(r)]
    }

    /// A chapter page's data, and the length of its body's HTML.
    pub(super) fn chapter_context(
        &self,
        lang: usize,
        r: ChapterRef,
        path: &str,
    ) -> (minijinja::Value, usize) {
        let l = self.lang(lang);
        let m = &self.project.manuals[r.manual];
        let ch = &m.chapters[r.chapter];
        let (src, fallback) = self.project.content(r, &l.code);
        let content_lang = self.project.config.lang(&src.lang).unwrap_or(l);
        let rendered = self.body(lang, r);
        let html = rendered.filled(&SiteLinks {
            project: self.project,
            page_lang: &l.code,
            page_path: path,
        });
        let link_to = |ci: usize| {
            let other = ChapterRef {
                manual: r.manual,
                chapter: ci,
            };
            let (shown, fallback) = self.project.content(other, &l.code);
            Link {
                title: shown.title.clone(),
                title_lang: fallback.then(|| shown.lang.clone()),
                url: urls::relative(path, &urls::chapter(&l.code, &m.id, &m.chapters[ci].id)),
            }
        };
        let len = html.len();
        let view = ChapterView {
            title: &src.title,
            body: crate::site::theme::Html::value(html),
            needs_h1: !rendered.starts_with_h1,
            fallback,
            outdated_source_url: (self.project.config.outdated_notice
                && !fallback
                && l.code != self.project.source_lang()
                && crate::translate::provenance::state(self.project, r, &l.code)
                    == crate::translate::provenance::State::Outdated)
                .then(|| {
                    urls::relative(
                        path,
                        &urls::chapter(self.project.source_lang(), &m.id, &ch.id),
                    )
                }),
            partial_source_url: (!fallback
                && l.code != self.project.source_lang()
                && src.po.is_some_and(|f| f.partial()))
            .then(|| {
                urls::relative(
                    path,
                    &urls::chapter(self.project.source_lang(), &m.id, &ch.id),
                )
            }),
            content_lang: &content_lang.code,
            content_dir: content_lang.dir.as_str(),
            headings: rendered.headings.clone(),
            previous: r.chapter.checked_sub(1).map(link_to),
            next: (r.chapter + 1 < m.chapters.len()).then(|| link_to(r.chapter + 1)),
            extra: &src.front.extra,
        };
        let common = self.common(
            lang,
            path,
            src.title.clone(),
            src.front.description.clone(),
            &|i| {
                let code = &self.lang(i).code;
                (
                    urls::chapter(code, &m.id, &ch.id),
                    !ch.sources.contains_key(code),
                )
            },
        );
        let manual = self.manual_view(lang, r.manual, path, Some(r));
        let ctx =
            minijinja::context! { page => common, manual => Serde(manual), chapter => Serde(view) };
        (ctx, len)
    }

    /// The print page's data, and the length of its chapters' HTML.
    pub(super) fn print_context(
        &self,
        lang: usize,
        manual: usize,
        path: &str,
    ) -> (minijinja::Value, usize) {
        let l = self.lang(lang);
        let m = &self.project.manuals[manual];
        let mut chapters = Vec::new();
        let mut len = 0;
        for (ci, ch) in m.chapters.iter().enumerate() {
            let r = ChapterRef {
                manual,
                chapter: ci,
            };
            let (src, fallback) = self.project.content(r, &l.code);
            let content_lang = self.project.config.lang(&src.lang).unwrap_or(l);
            let rendered = self.body(lang, r);
            let html = rendered.filled(&PrintLinks::new(
                SiteLinks {
                    project: self.project,
                    page_lang: &l.code,
                    page_path: path,
                },
                r,
            ));
            len += html.len();
            chapters.push(PrintChapter {
                anchor: print_id(&ch.id, None),
                title: &src.title,
                body: crate::site::theme::Html::value(html),
                needs_h1: !rendered.starts_with_h1,
                fallback,
                content_lang: &content_lang.code,
                content_dir: content_lang.dir.as_str(),
            });
        }
        let view = self.manual_view(lang, manual, path, None);
        let common = self.common(lang, path, view.title.to_string(), None, &|i| {
            (urls::print(&self.lang(i).code, &m.id), false)
        });
        let ctx = minijinja::context! { page => common, manual => Serde(view), chapters => Serde(chapters) };
        (ctx, len)
    }
}
