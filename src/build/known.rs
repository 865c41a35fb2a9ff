//! The hashes of input files that an earlier build made, each with the
//! file's size, times and identity when it was hashed, kept in the build
//! state (`inputs`), so that the fingerprint hashes only the files that
//! changed since: a build with nothing changed reads none of them.
//!
//! A hash is used again only when the file's metadata is the same as when
//! it was hashed, and the file had last changed well before the hashes were
//! taken: a file changed in the same clock tick as it was read could change
//! again without its times changing (what git calls a racy file), so such a
//! file is hashed every time until it has settled.

use std::collections::HashMap;
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::Result;

/// The file of known hashes, in a state folder.
pub const FILE: &str = "inputs";
/// Its first line: bumped when the format or the hash changes.
const HEADER: &str = "polybook inputs 1";
/// How long before the hashes were taken a file must have last changed
/// for its hash to be kept (file times may lag the clock by a tick).
const SETTLED_NANOS: i128 = 2_000_000_000;

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: i128,
    changed: i128,
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of a file from its metadata (links followed).
    pub fn of(meta: &Metadata) -> Stamp {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let (changed, inode, device) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                meta.ino(),
                meta.dev(),
            )
        };
        #[cfg(not(unix))]
        let (changed, inode, device) = (modified, 0, 0);
        Stamp {
            len: meta.len(),
            modified,
            changed,
            inode,
            device,
        }
    }

    /// The file's modification time, in nanoseconds since 1970 (0 when
    /// unknown).
    pub fn modified(&self) -> u128 {
        self.modified.max(0) as u128
    }

    /// Whether the file had last changed well before `taken`.
    fn settled(&self, taken: i128) -> bool {
        self.modified.max(self.changed) < taken - SETTLED_NANOS
    }
}

/// The hashes of one earlier build, by absolute path.
#[derive(Debug, Default)]
pub struct Known {
    files: HashMap<PathBuf, (Stamp, [u8; 32])>,
}

impl Known {
    /// The known hashes in the state folder `state`; none when the file is
    /// missing or not of this version. A line that cannot be read is left
    /// out (its file is hashed again).
    pub fn read(state: &Path) -> Known {
        let Ok(text) = std::fs::read_to_string(state.join(FILE)) else {
            return Known::default();
        };
        Known::parse(&text)
    }

    fn parse(text: &str) -> Known {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Known::default();
        }
        let files = lines.filter_map(parse_line).collect();
        Known { files }
    }

    /// The hash of the file at `path` if it is known for this stamp.
    pub fn get(&self, path: &Path, stamp: &Stamp) -> Option<[u8; 32]> {
        self.files
            .get(path)
            .filter(|(known, _)| known == stamp)
            .map(|(_, hash)| *hash)
    }
}

/// The hashes just made or used, to keep for the next build.
#[derive(Debug, Default)]
pub struct Taken {
    /// When the files were looked at, in nanoseconds since 1970.
    taken: i128,
    files: Vec<(PathBuf, Stamp, [u8; 32])>,
}

impl Taken {
    /// Starts taking hashes now: files must have changed before this
    /// moment, by [`SETTLED_NANOS`], for their hashes to be kept.
    pub fn now() -> Taken {
        let taken = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        Taken {
            taken,
            files: Vec::new(),
        }
    }

    /// Records the hash of the file at `path`, as it was when stamped.
    pub fn add(&mut self, path: PathBuf, stamp: Stamp, hash: [u8; 32]) {
        if stamp.settled(self.taken) {
            self.files.push((path, stamp, hash));
        }
    }

    /// The file's text, one file a line.
    fn text(&self) -> String {
        let mut out = String::with_capacity(64 + self.files.len() * 160);
        out.push_str(HEADER);
        out.push('\n');
        for (path, s, hash) in &self.files {
            // Paths that are not UTF-8 or hold a line break are hashed
            // every time.
            let Some(p) = path.to_str().filter(|p| !p.contains(['\n', '\r'])) else {
                continue;
            };
            for b in hash {
                out.push_str(&format!("{b:02x}"));
            }
            out.push_str(&format!(
                " {} {} {} {} {} {p}\n",
                s.len, s.modified, s.changed, s.inode, s.device
            ));
        }
        out
    }

    /// Writes the hashes into the state folder `state` (atomically).
    pub fn write(&self, state: &Path) -> Result<()> {
        crate::build::output::write_file(&state.join(FILE), self.text().as_bytes())
    }
}

fn parse_line(line: &str) -> Option<(PathBuf, (Stamp, [u8; 32]))> {
    let mut fields = line.splitn(7, ' ');
    let hex = fields.next()?;
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut hash = [0u8; 32];
    for (i, b) in hash.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    let stamp = Stamp {
        len: fields.next()?.parse().ok()?,
        modified: fields.next()?.parse().ok()?,
        changed: fields.next()?.parse().ok()?,
        inode: fields.next()?.parse().ok()?,
        device: fields.next()?.parse().ok()?,
    };
    let path = fields.next().filter(|p| !p.is_empty())?;
    Some((PathBuf::from(path), (stamp, hash)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(modified: i128) -> Stamp {
        Stamp {
            len: 12,
            modified,
            changed: modified,
            inode: 7,
            device: 3,
        }
    }

    #[test]
    fn hashes_round_trip_for_settled_files_only() {
        let mut taken = Taken::now();
        let old = taken.taken - 10 * SETTLED_NANOS;
        taken.add(PathBuf::from("/p/a b.md"), stamp(old), [0xab; 32]);
        // Changed a moment ago: it could change again unseen.
        taken.add(PathBuf::from("/p/new.md"), stamp(taken.taken - 1), [1; 32]);
        let known = Known::parse(&taken.text());
        assert_eq!(
            known.get(Path::new("/p/a b.md"), &stamp(old)),
            Some([0xab; 32])
        );
        assert_eq!(
            known.get(Path::new("/p/new.md"), &stamp(taken.taken - 1)),
            None
        );
        // Any other size, time or identity is another version.
        let mut other = stamp(old);
        other.len = 13;
        assert_eq!(known.get(Path::new("/p/a b.md"), &other), None);
        let mut moved = stamp(old);
        moved.inode = 8;
        assert_eq!(known.get(Path::new("/p/a b.md"), &moved), None);
        let mut touched = stamp(old);
        touched.changed += 1;
        assert_eq!(known.get(Path::new("/p/a b.md"), &touched), None);
    }

    #[test]
    fn damaged_or_other_versions_are_ignored() {
        assert!(Known::parse("").files.is_empty());
        assert!(Known::parse("polybook inputs 0\n").files.is_empty());
        let bad = format!("{HEADER}\nzz 1 2 3 4 5 /a\n{} 1 2 3 4 /b\n", "0".repeat(64));
        assert!(Known::parse(&bad).files.is_empty());
        let one = format!("{HEADER}\n{} 1 2 3 4 5 /a b\n", "0f".repeat(32));
        let known = Known::parse(&one);
        assert_eq!(known.files.len(), 1);
        assert!(known.files.contains_key(Path::new("/a b")));
    }

    #[test]
    fn a_rewritten_file_has_another_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "# A\n").unwrap();
        let first = Stamp::of(&std::fs::metadata(&path).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "# B\n").unwrap();
        let second = Stamp::of(&std::fs::metadata(&path).unwrap());
        assert_ne!(first, second);
    }
}
