//! Starting a project: `init`, `add-language`, `add-manual`, shell
//! completions and the man page, and what `cargo package` ships.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;

fn polybook(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A project made by `init` in a fresh folder.
fn new_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = polybook(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

#[test]
fn init_makes_a_project_that_builds_with_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manuals-site");
    let o = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("init")
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("polybook build"), "{}", stdout(&o));
    assert_eq!(
        files(&root),
        [
            ".gitignore",
            "manuals/handbook/en/assessing-risk.md",
            "manuals/handbook/en/security-plan.md",
            "manuals/handbook/manual.toml",
            "polybook.toml"
        ]
    );
    let ignore = read(&root, ".gitignore");
    assert!(ignore.lines().any(|l| l == "/output/"), "{ignore}");
    assert!(ignore.lines().any(|l| l == "/.polybook/"), "{ignore}");

    let o = polybook(&root, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("warning:"), "{}", stderr(&o));
    let page = parse(&root.join("output"), "en/handbook/security-plan.html");
    assert_eq!(
        select(&page, "main h1")[0].text().collect::<String>(),
        "A security plan"
    );
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("polybook.toml"), "title = \"mine\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("manuals/handbook")).unwrap();
    std::fs::write(dir.path().join("manuals/handbook/manual.toml"), "mine").unwrap();
    let o = polybook(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("polybook.toml") && err.contains("manuals/handbook/manual.toml"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        files(dir.path()),
        ["manuals/handbook/manual.toml", "polybook.toml"]
    );
    assert_eq!(read(dir.path(), "polybook.toml"), "title = \"mine\"\n");
}

#[test]
fn init_in_a_language_without_built_in_strings_writes_them_marked_untranslated() {
    let dir = tempfile::tempdir().unwrap();
    let o = polybook(dir.path(), &["init", "--language", "tr"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(read(dir.path(), "i18n/tr.ftl").contains("# untranslated\n"));
    let o = polybook(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: i18n/tr.ftl:") && stderr(&o).contains("untranslated"),
        "{}",
        stderr(&o)
    );

    // Built-in strings: no file, no warning; a code spelt otherwise is refused.
    let es = tempfile::tempdir().unwrap();
    assert_eq!(
        polybook(es.path(), &["init", "--language", "es"])
            .status
            .code(),
        Some(0)
    );
    assert!(!es.path().join("i18n").exists());
    let bad = tempfile::tempdir().unwrap();
    let o = polybook(bad.path(), &["init", "--language", "pt_BR"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`pt-BR`"), "{}", stderr(&o));
    assert!(files(bad.path()).is_empty());
}

#[test]
fn add_language_keeps_the_configuration_byte_for_byte_and_publishes_with_fallbacks() {
    let dir = new_project();
    let root = dir.path();
    let before = "# Our site.\n\
        title = \"Protection manuals\"   # shown on every page\n\
        source_language = \"en\"\n\
        languages = [\"en\", \"es\"] # in menu order\n\
        manuals = [\"handbook\"]\n\
        \n\
        # Titles in other languages.\n\
        [titles]\n\
        es = \"Manuales de protección\"  # checked by María\n";
    std::fs::write(root.join("polybook.toml"), before).unwrap();
    std::fs::create_dir(root.join("manuals/handbook/es")).unwrap();

    let o = polybook(root, &["add-language", "fr"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("manuals/handbook/fr/"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        read(root, "polybook.toml"),
        before.replace("[\"en\", \"es\"]", "[\"en\", \"es\", \"fr\"]")
    );
    assert!(root.join("manuals/handbook/fr").is_dir());
    // French has built-in UI strings.
    assert!(!root.join("i18n/fr.ftl").exists());

    let o = polybook(root, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 warnings"), "{}", stderr(&o));
    let out = root.join("output");
    let page = parse(&out, "fr/handbook/assessing-risk.html");
    assert_eq!(attr(&page, "html", "lang").as_deref(), Some("fr"));
    let notice =
        std::fs::read_to_string(root.join("output/fr/handbook/assessing-risk.html")).unwrap();
    assert!(
        notice.contains("pas encore été traduit"),
        "the French page shows the English chapter under the French notice"
    );
    assert!(notice.contains("Every protection plan starts"));

    // Twice is refused; so is a code not spelt as BCP 47 spells it.
    let o = polybook(root, &["add-language", "fr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already"), "{}", stderr(&o));
    let o = polybook(root, &["add-language", "pt_BR"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`pt-BR`"), "{}", stderr(&o));
    assert!(read(root, "polybook.toml").contains("[\"en\", \"es\", \"fr\"]"));
}

#[test]
fn add_language_without_built_in_strings_writes_them_and_the_build_warns_until_translated() {
    let dir = new_project();
    let root = dir.path();
    let o = polybook(root, &["add-language", "tr"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ftl = read(root, "i18n/tr.ftl");
    assert!(
        ftl.contains("# untranslated\ncontents = Contents\n"),
        "{ftl}"
    );
    let o = polybook(root, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("untranslated"), "{}", stderr(&o));

    // Translated, with the markers gone: no warning.
    let translated = ftl
        .replace("# untranslated\n", "")
        .replace("contents = Contents", "contents = İçindekiler");
    std::fs::write(root.join("i18n/tr.ftl"), translated).unwrap();
    let o = polybook(root, &["build"]);
    assert!(stderr(&o).contains("0 warnings"), "{}", stderr(&o));
    let page = read(&root.join("output"), "tr/handbook/index.html");
    assert!(page.contains("İçindekiler"));
}

#[test]
fn add_manual_makes_a_manual_that_builds_and_lists_it() {
    let dir = new_project();
    let root = dir.path();
    let o = polybook(root, &["add-manual", "field-guide"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(read(root, "polybook.toml").contains("manuals = [\"handbook\", \"field-guide\"]"));
    let o = polybook(root, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 warnings"), "{}", stderr(&o));
    assert!(
        root.join("output/en/field-guide/introduction.html")
            .is_file()
    );

    for bad in ["field-guide", "Field-Guide", "../x", ""] {
        let o = polybook(root, &["add-manual", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
    }
}

#[test]
fn completions_and_man_pages_come_from_the_command_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = polybook(root, &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(
            script.contains("add-language") && script.contains("bundle"),
            "{shell}: {script}"
        );
    }
    let o = polybook(root, &["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(
        page.starts_with(".ie") || page.contains(".TH polybook"),
        "{page}"
    );
    assert!(page.contains("add\\-language"), "{page}");

    let dir = tempfile::tempdir().unwrap();
    let o = polybook(root, &["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pages = files(dir.path());
    for want in [
        "polybook.1",
        "polybook-build.1",
        "polybook-init.1",
        "polybook-verify.1",
    ] {
        assert!(pages.iter().any(|p| p == want), "{pages:?}");
    }
    assert!(read(dir.path(), "polybook-build.1").contains("\\-\\-no\\-epub"));
}

#[test]
fn the_published_crate_holds_only_what_it_needs() {
    let o = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&o);
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "README.md",
        "src/main.rs",
        "src/start/starter/assessing-risk.md",
        "themes/default/templates/base.html",
        "themes/default/static/search.js",
        "i18n/en.ftl",
        "i18n/am.ftl",
        "i18n/bo.ftl",
    ] {
        assert!(files.contains(&needed), "{needed} missing: {list}");
    }
    for f in &files {
        assert!(
            ![
                "tests/",
                "bench",
                "target/",
                "output/",
                "manuals/",
                "docs/",
                ".polybook"
            ]
            .iter()
            .any(|p| f.starts_with(p)),
            "{f} should not be published"
        );
    }
    let manifest = read(Path::new(env!("CARGO_MANIFEST_DIR")), "Cargo.toml");
    for key in [
        "description",
        "license",
        "repository",
        "readme",
        "keywords",
        "categories",
        "rust-version",
    ] {
        assert!(
            manifest.lines().any(|l| l.starts_with(&format!("{key} ="))),
            "Cargo.toml has no `{key}`"
        );
    }
}

/// Every `polybook ...` command of a CI file's shell lines.
fn polybook_commands(lines: &[String]) -> Vec<Vec<String>> {
    lines
        .iter()
        .flat_map(|l| l.split(['\n', ';']).map(str::to_string).collect::<Vec<_>>())
        .flat_map(|l| l.split(['&', '|']).map(str::to_string).collect::<Vec<_>>())
        .map(|l| l.trim().to_string())
        .filter(|l| l.starts_with("polybook "))
        .map(|l| l.split_whitespace().skip(1).map(str::to_string).collect())
        .collect()
}

/// Whether the command line parses: the arguments followed by `--help`
/// exit 0 only when every subcommand, flag and value before it is real.
fn parses(args: &[String]) -> Result<(), String> {
    let o = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    if o.status.success() {
        Ok(())
    } else {
        Err(format!("`polybook {}`: {}", args.join(" "), stderr(&o)))
    }
}

#[test]
fn ci_examples_run_only_real_commands_and_flags() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci");
    // The check itself tells a wrong flag from a right one.
    assert!(parses(&["check".into(), "--strict".into()]).is_ok());
    assert!(parses(&["check".into(), "--strictly".into()]).is_err());
    assert!(parses(&["chek".into()]).is_err());

    let mut problems = Vec::new();
    let mut seen = Vec::new();
    // GitHub Actions: the `run` of every step of every job.
    let gh: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read(&docs, "github-pages.yml")).unwrap();
    let mut runs = Vec::new();
    for (_, job) in gh["jobs"].as_mapping().unwrap() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(run) = step["run"].as_str() {
                runs.push(run.to_string());
            }
        }
    }
    let gh_cmds = polybook_commands(&runs);
    // The sharded one: shards of languages, then the shared files over them.
    let sharded: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read(&docs, "github-pages-sharded.yml")).unwrap();
    let job_runs = |job: &str| -> Vec<String> {
        (sharded["jobs"][job]["steps"].as_sequence().unwrap().iter())
            .filter_map(|step| step["run"].as_str().map(str::to_string))
            .collect()
    };
    let shard_cmds = polybook_commands(&job_runs("shard"));
    let merge_cmds = polybook_commands(&job_runs("merge"));
    assert!(
        (shard_cmds.iter()).any(|c| c.join(" ") == "build --lang \"$LANGS\" --out public"),
        "{shard_cmds:?}"
    );
    assert!(
        (merge_cmds.iter()).any(|c| c.join(" ") == "build --shared-only --out public"),
        "{merge_cmds:?}"
    );
    assert_eq!(sharded["jobs"]["merge"]["needs"], "shard");
    for c in polybook_commands(&job_runs("check"))
        .iter()
        .chain(&shard_cmds)
        .chain(&merge_cmds)
    {
        if let Err(e) = parses(c) {
            problems.push(format!("github-pages-sharded.yml: {e}"));
        }
        seen.push(c.clone());
    }
    // GitLab CI: the script lines of every job.
    let gl: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read(&docs, "gitlab-pages.yml")).unwrap();
    let mut lines = Vec::new();
    for (_, job) in gl.as_mapping().unwrap() {
        for key in ["before_script", "script", "after_script"] {
            for l in job[key].as_sequence().into_iter().flatten() {
                lines.push(l.as_str().unwrap().to_string());
            }
        }
    }
    let gl_cmds = polybook_commands(&lines);
    for (file, cmds) in [
        ("github-pages.yml", &gh_cmds),
        ("gitlab-pages.yml", &gl_cmds),
    ] {
        let flat: Vec<String> = cmds.iter().map(|c| c.join(" ")).collect();
        assert!(
            flat.iter().any(|c| c == "check --strict"),
            "{file} runs no `polybook check --strict`: {flat:?}"
        );
        assert!(
            flat.iter().any(|c| c.starts_with("build --out public")),
            "{file} builds no site to publish: {flat:?}"
        );
        for c in cmds {
            if let Err(e) = parses(c) {
                problems.push(format!("{file}: {e}"));
            }
            seen.push(c.clone());
        }
    }
    assert_eq!(
        gh["jobs"]["build"]["steps"]
            .as_sequence()
            .unwrap()
            .last()
            .unwrap()["with"]["path"],
        "public"
    );
    assert_eq!(gl["pages"]["artifacts"]["paths"][0], "public");

    // The Dockerfile: two stages, the last one holding the binary only, and
    // a default command that is a real one.
    let docker = read(&docs, "Dockerfile");
    let stages: Vec<&str> = docker.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(stages.len(), 2, "{docker}");
    assert!(stages[0].ends_with(" AS build"));
    let last = &docker[docker.rfind("\nFROM ").unwrap()..];
    assert!(last.contains("COPY --from=build /out/bin/polybook /usr/local/bin/polybook"));
    assert!(!last.contains("COPY . "), "{last}");
    let cmd = last.lines().find_map(|l| l.strip_prefix("CMD ")).unwrap();
    let args: Vec<String> = serde_json::from_str(cmd).unwrap();
    if let Err(e) = parses(&args) {
        problems.push(format!("Dockerfile: {e}"));
    }
    // Every file the build stage copies exists.
    for l in docker.lines().filter_map(|l| l.strip_prefix("COPY ")) {
        if l.starts_with("--from") {
            continue;
        }
        let parts: Vec<&str> = l.split_whitespace().collect();
        for src in &parts[..parts.len() - 1] {
            assert!(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(src).exists(),
                "the Dockerfile copies `{src}`, which is not in the repository"
            );
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        seen.iter().filter(|c| c[0] == "bundle").count() == 2,
        "both CI files make bundles: {seen:?}"
    );
}
