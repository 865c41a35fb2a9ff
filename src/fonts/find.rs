//! Which font file each script gets: one named in `polybook.toml` (for a
//! language or a script), else an open-licensed font installed on the
//! build machine, found by family name through `fontdb`. A font travels
//! with its licence: the notices of its `name` table and the licence file
//! found beside it (or Debian's copyright file of the package it came in).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::script::Script;

/// One face of a font, read into memory.
#[derive(Debug)]
pub struct FontFile {
    /// Where it was read, for messages and the fingerprint.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// The face's index in a collection (`.ttc`).
    pub index: u32,
    /// 400 or 700.
    pub weight: u16,
    /// The face's own names, for `local()` and the notices.
    pub full_name: String,
    pub postscript_name: String,
    pub family: String,
    /// The text published beside the font.
    pub licence: String,
}

impl FontFile {
    /// Reads face `index` of the font at `path`; `None` with the reason
    /// when it cannot be used.
    pub fn read(path: &Path, bytes: Vec<u8>, index: u32, weight: u16) -> Result<FontFile, String> {
        let font = ttf_parser::Face::parse(&bytes, index)
            .map_err(|e| format!("`{}` is not a font this build reads ({e})", path.display()))?;
        if font.tables().glyf.is_none() {
            return Err(format!(
                "`{}` has PostScript (CFF) outlines, which polybook cannot subset; use a font with TrueType outlines (`glyf`)",
                path.display()
            ));
        }
        // A name in English (or the first readable one).
        let name = |id: u16| {
            let mut found = font
                .names()
                .into_iter()
                .filter(|n| n.name_id == id && n.is_unicode());
            let all: Vec<_> = found.by_ref().collect();
            all.iter()
                .find(|n| n.language_id == 0x0409)
                .or(all.first())
                .and_then(|n| n.to_string())
                .unwrap_or_default()
        };
        use ttf_parser::name_id;
        let (family, full_name, postscript_name) = (
            name(name_id::FAMILY),
            name(name_id::FULL_NAME),
            name(name_id::POST_SCRIPT_NAME),
        );
        let notice = [
            name(name_id::COPYRIGHT_NOTICE),
            name(name_id::LICENSE),
            name(name_id::LICENSE_URL),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
        let mut licence = format!(
            "{full_name}\nA subset of {}, bundled so that this text can be read on devices without a font for its script.\n\n{notice}\n",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        if let Some(text) = licence_file(path) {
            licence.push_str("\n----------------------------------------\n\n");
            licence.push_str(&text);
        }
        Ok(FontFile {
            path: path.to_path_buf(),
            bytes,
            index,
            weight,
            full_name,
            postscript_name,
            family,
            licence,
        })
    }

    pub fn font(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.bytes, self.index).ok()
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.font().is_some_and(|f| f.glyph_index(c).is_some())
    }

    /// Whether the face's licence lets a document embed it: the SIL Open
    /// Font License, or the Apache License (the licence of WenQuanYi and
    /// of older Noto and Droid fonts).
    pub fn embeddable(&self) -> bool {
        self.open_licensed() || self.licence.to_lowercase().contains("apache license")
    }

    /// Whether the face says it is under the SIL Open Font License.
    pub fn open_licensed(&self) -> bool {
        let lower = self.licence.to_lowercase();
        lower.contains("open font license")
            || lower.contains("/ofl")
            || lower.contains("openfontlicense")
    }
}

/// A script's font: its regular face, and its bold one when there is one.
#[derive(Debug)]
pub struct Face {
    pub script: Script,
    pub regular: FontFile,
    pub bold: Option<FontFile>,
}

impl Face {
    pub fn faces(&self) -> impl Iterator<Item = &FontFile> {
        std::iter::once(&self.regular).chain(self.bold.as_ref())
    }
}

/// The text of a licence file beside `font`, or of the Debian copyright
/// file of the package that installed it.
fn licence_file(font: &Path) -> Option<String> {
    let dir = font.parent()?;
    let beside = std::fs::read_dir(dir).ok().and_then(|entries| {
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_uppercase();
                name.starts_with("OFL")
                    || name.starts_with("LICENSE")
                    || name.starts_with("LICENCE")
                    || name.starts_with("COPYING")
            })
            .collect();
        names.sort();
        names.into_iter().find_map(|p| read_text(&p))
    });
    beside.or_else(|| debian_copyright(font))
}

fn read_text(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// The copyright file of the Debian package that lists `font`.
fn debian_copyright(font: &Path) -> Option<String> {
    let wanted = font.to_str()?;
    let mut lists: Vec<PathBuf> = std::fs::read_dir("/var/lib/dpkg/info")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("fonts-") && name.ends_with(".list")
        })
        .collect();
    lists.sort();
    let list = lists
        .into_iter()
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l == wanted)))?;
    let stem = list.file_stem()?.to_string_lossy().into_owned();
    let package = stem.split(':').next()?;
    read_text(&Path::new("/usr/share/doc").join(package).join("copyright"))
}

/// The folders installed fonts are read from: on Linux and the BSDs
/// exactly those [`Installed::list`] reads (fontdb's list without
/// fontconfig), on macOS and Windows the system's and the user's font
/// folders, which fontdb reads among others. The build's fingerprint
/// covers what they hold, so that installing or removing a font rebuilds
/// the pages and books that may use it.
pub fn system_font_folders() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut folders = Vec::new();
    if cfg!(target_os = "windows") {
        if let Some(root) = std::env::var_os("SYSTEMROOT") {
            folders.push(PathBuf::from(root).join("Fonts"));
        }
        if let Some(profile) = std::env::var_os("USERPROFILE") {
            folders.push(PathBuf::from(profile).join("AppData/Local/Microsoft/Windows/Fonts"));
        }
    } else if cfg!(target_os = "macos") {
        folders.extend(["/Library/Fonts", "/System/Library/Fonts"].map(PathBuf::from));
        folders.extend(home.map(|h| h.join("Library/Fonts")));
    } else {
        folders.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
        if let Some(h) = home {
            folders.push(h.join(".fonts"));
            folders.push(h.join(".local/share/fonts"));
        }
    }
    folders
}

/// The folders a build of `project` may read fonts from: those that hold
/// the files named in `[fonts]` (and the bold faces beside them) and the
/// installed fonts' folders, as far as they exist. `serve` and
/// `build --watch` watch them, so that a font named, replaced or installed
/// while they run is used by the next rebuild.
pub fn font_folders(project: &crate::model::Project) -> Vec<PathBuf> {
    let named = project.config.fonts.named_folders(&project.paths.root);
    let mut folders: Vec<PathBuf> = named
        .chain(system_font_folders())
        .filter(|f| f.is_dir())
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

/// The fonts installed on this machine, listed when first needed.
pub struct Installed {
    db: fontdb::Database,
}

impl Installed {
    pub fn list() -> Installed {
        let mut db = fontdb::Database::new();
        if cfg!(any(target_os = "macos", target_os = "windows")) {
            db.load_system_fonts();
        } else {
            // The folders fontdb reads on Linux and the BSDs, taken from
            // the one list the build's fingerprint also reads.
            for folder in system_font_folders() {
                db.load_fonts_dir(folder);
            }
        }
        Installed { db }
    }

    /// The first of `script`'s families that is installed under an open
    /// licence, and covers the script's letters in `sample`.
    pub fn find(&self, script: Script, sample: &BTreeSet<char>) -> Option<Face> {
        self.find_with(script, sample, FontFile::open_licensed)
    }

    /// [`Installed::find`] with another test of the licence.
    pub fn find_with(
        &self,
        script: Script,
        sample: &BTreeSet<char>,
        licence: fn(&FontFile) -> bool,
    ) -> Option<Face> {
        script.families().iter().find_map(|family| {
            let regular = self.face(family, 400)?;
            if !licence(&regular) || !sample.iter().all(|&c| regular.covers(c)) {
                return None;
            }
            Some(Face {
                script,
                bold: self.face(family, 700),
                regular,
            })
        })
    }

    fn face(&self, family: &str, weight: u16) -> Option<FontFile> {
        let query = fontdb::Query {
            families: &[fontdb::Family::Name(family)],
            weight: fontdb::Weight(weight),
            stretch: fontdb::Stretch::Normal,
            style: fontdb::Style::Normal,
        };
        let id = self.db.query(&query)?;
        let info = self.db.face(id)?;
        if info.weight.0 != weight || !info.families.iter().any(|(f, _)| f == family) {
            return None;
        }
        let path = match &info.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
            fontdb::Source::Binary(_) => return None,
        };
        let bytes = std::fs::read(&path).ok()?;
        FontFile::read(&path, bytes, info.index, weight).ok()
    }
}
