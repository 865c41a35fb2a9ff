//! The sitemap: every page with its alternates in other languages.

use crate::model::{Project, urls};

/// The sitemap, listing every page with its alternates in other languages.
/// Locations are absolute when `base_url` is set, else relative to the site root.
pub fn sitemap(project: &Project) -> String {
    let base = project.config.base_url.as_deref().unwrap_or("");
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let esc = crate::render::html::escape;
    let by_lang = |f: &dyn Fn(&str) -> String| -> Vec<(String, String)> {
        project
            .langs()
            .iter()
            .map(|l| (l.code.clone(), f(&l.code)))
            .collect()
    };
    let mut groups: Vec<Vec<(String, String)>> = vec![by_lang(&|c| urls::home(c))];
    for m in &project.manuals {
        groups.push(by_lang(&|c| urls::contents(c, &m.id)));
        for ch in &m.chapters {
            groups.push(by_lang(&|c| urls::chapter(c, &m.id, &ch.id)));
        }
    }
    for group in groups {
        for (_, loc) in &group {
            xml.push_str(&format!(
                "  <url>\n    <loc>{}</loc>\n",
                esc(&format!("{base}{}", urls::encode_path(loc)))
            ));
            for (code, alt) in &group {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    esc(code),
                    esc(&format!("{base}{}", urls::encode_path(alt)))
                ));
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}
