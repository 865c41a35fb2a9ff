//! Offline bundles: `keygen`, `bundle` and `verify`, the signature checked
//! with the `minisign` tool, the bundle opened from `file://` in Chromium,
//! and the same bytes from the same sources.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;

const PASSWORD: &str = "correct horse battery staple";
/// 2001-09-09: bundles made with it expired long ago.
const OLD: &str = "1000000000";
/// 2286-11-20: bundles made with it are current for a long time.
const FUTURE: &str = "9999999999";

fn polybook(root: &Path, args: &[&str], epoch: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_polybook"));
    c.arg("-C")
        .arg(root)
        .args(args)
        .env("POLYBOOK_KEY_PASSWORD", PASSWORD)
        .env_remove("POLYBOOK_SECRET_KEY");
    match epoch {
        Some(e) => c.env("SOURCE_DATE_EPOCH", e),
        None => c.env_remove("SOURCE_DATE_EPOCH"),
    };
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// One key pair for all the tests (scrypt makes each one slow).
fn keys() -> &'static Path {
    static KEYS: OnceLock<PathBuf> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let o = polybook(
            &dir,
            &["keygen", "--out", dir.join("keys").to_str().unwrap()],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        dir.join("keys")
    })
}

/// A project made by `init`, in English and French, that publishes the
/// public key.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert_eq!(polybook(root, &["init"], None).status.code(), Some(0));
    assert_eq!(
        polybook(root, &["add-language", "fr"], None).status.code(),
        Some(0)
    );
    std::fs::create_dir(root.join("keys")).unwrap();
    std::fs::copy(keys().join("polybook.pub"), root.join("keys/polybook.pub")).unwrap();
    let mut toml = read(root, "polybook.toml");
    toml.push_str("bundle_public_key = \"keys/polybook.pub\"\n");
    std::fs::write(root.join("polybook.toml"), toml).unwrap();
    dir
}

fn bundle(root: &Path, epoch: &str, extra: &[&str]) -> Output {
    let key = keys().join("polybook.key");
    let mut args = vec!["bundle", "--secret-key", key.to_str().unwrap()];
    args.extend(extra);
    let o = polybook(root, &args, Some(epoch));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

fn verify(root: &Path, zip: &Path) -> Output {
    polybook(root, &["verify", zip.to_str().unwrap()], None)
}

fn zip_entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn unzip(zip: &Path, to: &Path) {
    for (name, bytes) in zip_entries(zip) {
        let p = to.join(&name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

#[test]
fn a_bundle_verifies_and_one_changed_byte_does_not() {
    let dir = project();
    let root = dir.path();
    let o = bundle(root, FUTURE, &[]);
    assert!(text(&o).contains("bundles/fr.zip"), "{}", text(&o));
    let zip = root.join("output/bundles/fr.zip");

    let o = verify(root, &zip);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("authentic and current"), "{}", text(&o));
    // With the key named, from outside the project, as a reader would.
    let o = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .args(["verify", zip.to_str().unwrap(), "--key"])
        .arg(keys().join("polybook.pub"))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The standard minisign tool agrees, and shows the dates and hash.
    let m = Command::new("minisign")
        .args(["-V", "-m"])
        .arg(&zip)
        .arg("-p")
        .arg(root.join("keys/polybook.pub"))
        .output()
        .expect("minisign runs (run `bash .ci/run` once to install it)");
    assert!(m.status.success(), "{}", text(&m));
    let bytes = std::fs::read(&zip).unwrap();
    let sha = polybook::bundle::sha256_hex(&bytes);
    assert!(
        text(&m).contains(&format!(
            "polybook-bundle lang=fr built=2286-11-20 valid-until=2287-05-19 sha256={sha}"
        )),
        "{}",
        text(&m)
    );

    // One byte changed: not authentic, for polybook and for minisign.
    let mut changed = bytes.clone();
    let at = changed.len() / 2;
    changed[at] ^= 1;
    std::fs::write(&zip, &changed).unwrap();
    let o = verify(root, &zip);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("NOT authentic") && text(&o).contains("Do not trust it"));
    let m = Command::new("minisign")
        .args(["-V", "-m"])
        .arg(&zip)
        .arg("-p")
        .arg(root.join("keys/polybook.pub"))
        .output()
        .unwrap();
    assert!(!m.status.success());

    // Another key, or no signature: not authentic either.
    std::fs::write(&zip, &bytes).unwrap();
    let other = tempfile::tempdir().unwrap();
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    std::fs::write(
        other.path().join("k.pub"),
        pair.pk.to_box().unwrap().to_string(),
    )
    .unwrap();
    let o = polybook(
        root,
        &[
            "verify",
            zip.to_str().unwrap(),
            "--key",
            other.path().join("k.pub").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    std::fs::remove_file(root.join("output/bundles/fr.zip.minisig")).unwrap();
    assert_eq!(verify(root, &zip).status.code(), Some(2));
}

#[test]
fn an_expired_bundle_is_authentic_but_says_since_when() {
    let dir = project();
    let root = dir.path();
    bundle(root, OLD, &["--lang", "fr"]);
    let zip = root.join("output/bundles/fr.zip");
    assert!(!root.join("output/bundles/en.zip").exists());
    let o = verify(root, &zip);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("authentic, but expired since 2002-03-08")
            && text(&o).contains("get a new copy"),
        "{}",
        text(&o)
    );

    // `bundle_valid_days` sets the date.
    let toml = read(root, "polybook.toml") + "bundle_valid_days = 30\n";
    std::fs::write(root.join("polybook.toml"), toml).unwrap();
    bundle(root, OLD, &["--lang", "fr"]);
    assert!(text(&verify(root, &zip)).contains("expired since 2001-10-09"));

    // The home page says so in Chromium, from file://, with no request elsewhere.
    let site = tempfile::tempdir().unwrap();
    unzip(&zip, site.path());
    let seen = node(
        "bundle.mjs",
        &[&format!("file://{}/fr/index.html", site.path().display())],
    );
    assert_eq!(seen["expiredShown"], true, "{seen}");
    assert!(
        seen["dates"].as_str().unwrap().contains("2001-09-09"),
        "{seen}"
    );
    assert_eq!(seen["outside"].as_array().unwrap().len(), 0, "{seen}");
    assert_eq!(seen["errors"].as_array().unwrap().len(), 0, "{seen}");
    // Without script, the page states the dates and hides the notice.
    let home = parse(site.path(), "fr/index.html");
    let dates = select(&home, "main .bundle-dates");
    assert_eq!(dates.len(), 1);
    assert!(dates[0].text().collect::<String>().contains("2001-10-09"));
    assert_eq!(
        attr(&home, ".bundle-expired", "hidden").as_deref(),
        Some("")
    );
}

/// Runs a script of `tests/browser/`; its JSON output.
fn node(script: &str, args: &[&str]) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/puppeteer-core").is_dir(),
        "puppeteer-core is not installed: run `bash .ci/run` once (npm install in tests/browser)"
    );
    let out = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
        .expect("node runs");
    assert!(out.status.success(), "{script} {args:?}: {}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_unzipped_bundle_works_from_file_with_search_and_holds_only_what_it_links() {
    let dir = project();
    let root = dir.path();
    bundle(root, FUTURE, &[]);
    let zip = root.join("output/bundles/fr.zip");
    let entries = zip_entries(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "files in a fixed order");
    for want in [
        "index.html",
        "fr/index.html",
        "fr/handbook/assessing-risk.html",
        "fr/search-index.js",
        "fr/handbook/handbook-fr.epub",
        "en/handbook/assessing-risk.html",
        "static/search.js",
        "static/style.css",
        "static/bundle-date.js",
    ] {
        assert!(names.contains(&want), "{want} missing: {names:?}");
    }
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("bundles/") || *n == "sitemap.xml"),
        "{names:?}"
    );
    // Every local link of every page leads to a file of the bundle.
    let site = tempfile::tempdir().unwrap();
    unzip(&zip, site.path());
    let mut broken = Vec::new();
    for (name, _) in entries.iter().filter(|(n, _)| n.ends_with(".html")) {
        let doc = parse(site.path(), name);
        for a in select(&doc, "a[href], link[href], script[src]") {
            let href = a.value().attr("href").or(a.value().attr("src")).unwrap();
            if href.starts_with('#') || href.contains(':') {
                continue;
            }
            let path = href.split('#').next().unwrap();
            let target = Path::new(name).parent().unwrap().join(path);
            if !site.path().join(&target).exists() {
                broken.push(format!("{name}: {href}"));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");

    // Search works from file:// in the unzipped French bundle.
    let url = format!(
        "file://{}/fr/handbook/security-plan.html",
        site.path().display()
    );
    let got = node("search.mjs", &[&url, "capacities"]);
    let first = got["results"][0]["resolved"].as_str().unwrap_or("");
    assert!(first.contains("/fr/handbook/assessing-risk.html"), "{got}");
    assert_eq!(got["outside"].as_array().unwrap().len(), 0, "{got}");
    // A current bundle shows no notice; its root page leads to its language.
    let seen = node(
        "bundle.mjs",
        &[&format!("file://{}/fr/index.html", site.path().display())],
    );
    assert_eq!(seen["expiredShown"], false, "{seen}");
    let index = parse(site.path(), "index.html");
    assert_eq!(
        attr(&index, "main a", "href").as_deref(),
        Some("fr/index.html")
    );
}

#[test]
fn the_same_sources_give_the_same_bundle_and_builds_keep_bundles() {
    let dir = project();
    let root = dir.path();
    bundle(root, FUTURE, &["--lang", "en"]);
    let first = std::fs::read(root.join("output/bundles/en.zip")).unwrap();
    // A later build leaves the bundles alone; a bundle holds no earlier bundle.
    let o = polybook(root, &["build"], Some(FUTURE));
    assert_eq!(o.status.code(), Some(0));
    assert!(root.join("output/bundles/en.zip").is_file());
    // Another copy of the project, bundled into another folder.
    let copy = tempfile::tempdir().unwrap();
    copy_dir(root, copy.path());
    std::fs::remove_dir_all(copy.path().join("output")).unwrap();
    let out = tempfile::tempdir().unwrap();
    bundle(
        copy.path(),
        FUTURE,
        &["--lang", "en", "--out", out.path().to_str().unwrap()],
    );
    let second = std::fs::read(out.path().join("bundles/en.zip")).unwrap();
    assert!(first == second, "two bundles of the same sources differ");
    assert!(
        zip_entries(&root.join("output/bundles/en.zip"))
            .iter()
            .all(|(n, _)| !n.contains("bundles"))
    );
}

#[test]
fn keys_are_never_written_into_the_project_nor_over_other_keys() {
    let dir = project();
    let root = dir.path();
    for inside in ["keys-here", "manuals/x", "."] {
        let o = polybook(
            root,
            &["keygen", "--out", root.join(inside).to_str().unwrap()],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{inside}: {}", text(&o));
        assert!(text(&o).contains("inside the project"), "{}", text(&o));
    }
    assert!(!root.join("keys-here").exists());
    let o = polybook(root, &["keygen", "--out", keys().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("exists already"), "{}", text(&o));
    // A wrong password opens no key, and nothing is written.
    let o = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(["bundle", "--secret-key"])
        .arg(keys().join("polybook.key"))
        .env("POLYBOOK_KEY_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("wrong password"), "{}", text(&o));
    assert!(!root.join("output/bundles").exists());
}

#[test]
fn every_language_publishes_the_key_and_how_to_check_a_copy() {
    let dir = project();
    let root = dir.path();
    let o = bundle(root, FUTURE, &["--lang", "fr"]);
    assert!(text(&o).contains("0 errors, 0 warnings"), "{}", text(&o));
    let out = root.join("output");
    let key = read(keys(), "polybook.pub");
    let key_line = key.lines().nth(1).unwrap();
    for lang in ["en", "fr"] {
        let home = parse(&out, &format!("{lang}/index.html"));
        assert_eq!(
            attr(&home, ".about-copy a", "href").as_deref(),
            Some("about-this-copy.html")
        );
        let page = parse(&out, &format!("{lang}/about-this-copy.html"));
        let codes: Vec<String> = select(&page, "pre code")
            .iter()
            .map(|c| c.text().collect())
            .collect();
        assert_eq!(codes[0], key_line, "{lang}");
        // The command the page gives works, as a reader would run it.
        if lang == "fr" {
            let args: Vec<&str> = codes[1].split_whitespace().collect();
            assert_eq!(args[..3], ["minisign", "-Vm", "fr.zip"]);
            let m = Command::new("minisign")
                .args(&args[1..])
                .current_dir(out.join("bundles"))
                .output()
                .expect("minisign runs");
            assert!(m.status.success(), "{}", text(&m));
        }
    }
    let fr = read(&out, "fr/about-this-copy.html");
    assert!(fr.contains("À propos de cette copie"), "{fr}");

    // Every built-in language has these strings, in its own words.
    let i18n = Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n");
    let en = read(&i18n, "en.ftl");
    let value = |text: &str, id: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{id} = ")))
            .map(str::to_string)
    };
    for entry in std::fs::read_dir(&i18n).unwrap() {
        let path = entry.unwrap().path();
        let code = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for id in [
            "bundle-built",
            "bundle-valid-until",
            "bundle-expired",
            "about-copy",
            "about-copy-intro",
            "about-copy-key",
            "about-copy-check",
            "about-copy-polybook",
            "about-copy-dates",
            "about-copy-failed",
        ] {
            let v = value(&text, id).unwrap_or_else(|| panic!("{code}: no `{id}`"));
            if code != "en" {
                assert_ne!(
                    Some(v),
                    value(&en, id),
                    "{code}: `{id}` is the English text"
                );
            }
        }
    }
}
