//! The "About this copy" page: how a reader checks an offline bundle.

use crate::model::urls;

use super::*;

impl SiteContext<'_> {
    /// How to check a bundle of the language: the public key and the
    /// commands, with the bundle's file names.
    pub(super) fn about_context(&self, lang: usize, path: &str) -> minijinja::Value {
        let l = self.lang(lang);
        let title = self.ui(&l.code).get("about-copy").to_string();
        let common = self.common(lang, path, title, None, &|i| {
            (about_path(&self.lang(i).code), false)
        });
        let bundle = format!("{}.zip", l.code);
        let key = self
            .project
            .config
            .bundle_key_line
            .clone()
            .unwrap_or_default();
        let bundle_url = urls::relative(path, &format!("bundles/{bundle}"));
        let minisign = format!("minisign -Vm {bundle} -P {key}");
        let polybook = format!("polybook verify {bundle} --key polybook.pub");
        minijinja::context! {
            page => common,
            key => key,
            bundle => bundle,
            bundle_url => bundle_url,
            minisign => minisign,
            polybook => polybook,
        }
    }
}
