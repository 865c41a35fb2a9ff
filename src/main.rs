//! The `polybook` command line: parses arguments, calls the library, prints
//! diagnostics and maps the outcome to an exit code (0 clean, 1 content errors,
//! 2 usage or configuration errors).

// Builds allocate and free many small strings from every thread; mimalloc
// does this faster than the system allocator (about a fifth of a large
// build's time). Built without transparent huge pages, to keep peak memory low.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use polybook::live::rebuild::Round;

#[derive(Parser)]
#[command(
    name = "polybook",
    version,
    about = "Multilingual Markdown manuals to a static website, EPUB books and PDF books"
)]
struct Cli {
    /// Project folder (the one holding polybook.toml).
    #[arg(long, short = 'C', global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print more detail (time taken by each stage).
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// What `build` and `serve` produce, and where.
#[derive(clap::Args, Clone, Default)]
struct Target {
    /// Output folder (default: `output` in the project).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Do not write EPUB books.
    #[arg(long)]
    no_epub: bool,
    /// Do not write PDF books.
    #[arg(long)]
    no_pdf: bool,
    /// Build only this language (repeat it or separate codes with commas);
    /// other languages' output is left as it is.
    #[arg(long = "lang", value_name = "CODE", value_delimiter = ',')]
    langs: Vec<String>,
    /// Build only this manual (repeat it or separate ids with commas).
    #[arg(long = "manual", value_name = "ID", value_delimiter = ',')]
    manuals: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site and the EPUB and PDF books into the output folder.
    Build {
        #[command(flatten)]
        target: Target,
        /// Rebuild after every change to the sources, until Ctrl-C.
        #[arg(long)]
        watch: bool,
        /// Write only the files no language owns (the root page,
        /// sitemap.xml, static/): the last step of a build split into
        /// shards with --lang, run in the folder that holds their outputs.
        #[arg(long, conflicts_with = "watch")]
        shared_only: bool,
    },
    /// Build, serve the site on this machine, and rebuild and reload pages on every change.
    Serve {
        /// Port to listen on (the next free one is used when it is taken).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; loopback unless told otherwise.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Also answer requests for this host name (repeat it for more);
        /// others than the server's own names get 403.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<String>,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        target: Target,
    },
    /// Check everything a build checks, without writing anything.
    Check {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Show which translations are current, partial, outdated, unknown, missing or orphaned.
    Status {
        /// Only this language.
        #[arg(long)]
        lang: Option<String>,
        /// Only this manual.
        #[arg(long)]
        manual: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Show what changed in the source of this translation since it was translated (git).
        #[arg(long, value_name = "FILE")]
        diff: Option<PathBuf>,
    },
    /// Record in translations that they match the current source.
    Stamp {
        /// Translation files to stamp.
        files: Vec<PathBuf>,
        /// Stamp every translation of this manual (with no FILE).
        #[arg(long)]
        manual: Option<String>,
        /// Stamp every translation in this language (with no FILE).
        #[arg(long)]
        lang: Option<String>,
    },
    /// gettext PO files for translation platforms (Weblate, Transifex, Crowdin).
    #[command(subcommand)]
    Po(PoCommand),
    /// Start a new project: polybook.toml and one manual of two chapters.
    Init {
        /// Folder of the new project (default: the project folder, `-C`).
        dir: Option<PathBuf>,
        /// The source language (BCP 47).
        #[arg(long, value_name = "CODE", default_value = "en")]
        language: String,
    },
    /// Publish one more language: polybook.toml, its folders, its UI strings.
    AddLanguage {
        /// The language's code (BCP 47, like `es` or `pt-BR`).
        code: String,
    },
    /// Add a manual: its folder, manual.toml and a first chapter.
    AddManual {
        /// The manual's folder name (small letters, digits, `-`, `_`).
        name: String,
    },
    /// Print the completion script of a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Make a key pair for signing bundles (outside the project).
    Keygen {
        /// Folder of the keys (default: ~/.config/polybook).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Build, then write a signed zip of each language's site into <out>/bundles/.
    Bundle {
        /// Bundle only this language (repeat it or separate codes with commas).
        #[arg(long = "lang", value_name = "CODE", value_delimiter = ',')]
        langs: Vec<String>,
        /// The secret key (default: $POLYBOOK_SECRET_KEY, else ~/.config/polybook/polybook.key).
        #[arg(long, value_name = "FILE")]
        secret_key: Option<PathBuf>,
        /// Output folder (default: `output` in the project).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a bundle's signature and date: exit 0 current, 1 expired, 2 not authentic.
    Verify {
        /// The bundle (its signature is BUNDLE.minisig).
        bundle: PathBuf,
        /// The publisher's public key (default: the project's `bundle_public_key`).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
    /// Print the man page, or write one page per subcommand into a folder.
    Man {
        /// Write `polybook.1`, `polybook-build.1`... into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PoCommand {
    /// Write po/<manual>/<chapter>.pot from the source and merge each
    /// po/<lang>/<manual>/<chapter>.po with it (translations are kept).
    Export {
        /// Only this manual (repeat it or separate ids with commas).
        #[arg(long = "manual", value_name = "ID", value_delimiter = ',')]
        manuals: Vec<String>,
        /// Only the catalogues of this language (repeat it or separate codes
        /// with commas); templates are written for every selected manual.
        #[arg(long = "lang", value_name = "CODE", value_delimiter = ',')]
        langs: Vec<String>,
    },
    /// Make po/<lang>/<manual>/<chapter>.po from each Markdown translation
    /// manuals/<manual>/<lang>/<chapter>.md, aligned with its source (the
    /// Markdown files are left as they are; a catalogue's translations are
    /// kept, only its untranslated entries are filled).
    Import {
        /// Only this manual (repeat it or separate ids with commas).
        #[arg(long = "manual", value_name = "ID", value_delimiter = ',')]
        manuals: Vec<String>,
        /// Only this language (repeat it or separate codes with commas).
        #[arg(long = "lang", value_name = "CODE", value_delimiter = ',')]
        langs: Vec<String>,
    },
}

/// mimalloc's `mi_option_purge_delay`: how long, in milliseconds, freed memory
/// stays committed before it goes back to the system.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's own purge delay, by which the index above is recognised.
const MIMALLOC_DEFAULT_PURGE_DELAY: std::ffi::c_long = 1000;

/// Returns freed memory to the system after 100 ms rather than mimalloc's
/// 1,000: a build frees one language's text and search index and then
/// allocates the next one's, and with the longer delay both stay resident at
/// once. On the kit's 6,400-page corpus this lowers the peak by about a
/// sixth (from about 310 MB to about 260 MB, with or without EPUBs) for about
/// 0.25 s more system time, a few per cent of the build.
/// `MIMALLOC_PURGE_DELAY` in the environment still decides.
#[allow(unsafe_code)]
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: reads and sets one of mimalloc's options, a plain integer it
    // reads whenever it schedules a purge. The index is the one of mimalloc
    // v3's `mi_option_e`, which `libmimalloc-sys` builds by default; an option
    // that does not hold the purge delay's default is left alone, so a
    // mimalloc that numbers its options otherwise is never misconfigured.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == MIMALLOC_DEFAULT_PURGE_DELAY {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100);
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            ref target,
            watch,
            shared_only,
        } => {
            if watch {
                watch_and_build(&cli, target.clone())
            } else {
                build(&cli, target.clone(), shared_only)
            }
        }
        Command::Serve {
            port,
            ref bind,
            ref allow_hosts,
            open,
            ref target,
        } => serve(
            &cli,
            port,
            bind.clone(),
            allow_hosts.clone(),
            open,
            target.clone(),
        ),
        Command::Check { strict, format } => check(&cli, strict, format),
        Command::Status {
            ref lang,
            ref manual,
            format,
            ref diff,
        } => status(&cli, lang.clone(), manual.clone(), format, diff.clone()),
        Command::Stamp {
            ref files,
            ref manual,
            ref lang,
        } => stamp(&cli, files.clone(), manual.clone(), lang.clone()),
        Command::Po(PoCommand::Export {
            ref manuals,
            ref langs,
        }) => po_export(&cli, manuals.clone(), langs.clone()),
        Command::Po(PoCommand::Import {
            ref manuals,
            ref langs,
        }) => po_import(&cli, manuals.clone(), langs.clone()),
        Command::Init {
            ref dir,
            ref language,
        } => done(polybook::start::init(&polybook::start::InitOptions {
            dir: dir.clone().unwrap_or_else(|| cli.root.clone()),
            language: language.clone(),
        })),
        Command::AddLanguage { ref code } => done(polybook::start::add_language(&cli.root, code)),
        Command::AddManual { ref name } => done(polybook::start::add_manual(&cli.root, name)),
        Command::Keygen { ref out } => {
            done(polybook::bundle::keygen(&polybook::bundle::KeygenOptions {
                root: cli.root.clone(),
                out: out.clone(),
            }))
        }
        Command::Bundle {
            ref langs,
            ref secret_key,
            ref out,
        } => bundle(&cli, langs.clone(), secret_key.clone(), out.clone()),
        Command::Verify {
            ref bundle,
            ref key,
        } => verify(&cli, bundle, key.as_deref()),
        Command::Completions { shell } => {
            polybook::start::completions(&mut Cli::command(), shell, &mut std::io::stdout())
                .map(|_| ExitCode::SUCCESS)
        }
        Command::Man { ref out } => {
            polybook::start::man(Cli::command(), out.as_deref(), &mut std::io::stdout())
                .and_then(|pages| done(Ok(pages.join("\n"))))
        }
    };
    result.unwrap_or_else(|e| report_fatal(&e))
}

/// Prints problems to standard error through one buffer: unbuffered, each
/// part of each problem was a write of its own, thousands for a large
/// project with many warnings.
fn print_diagnostics(cli: &Cli, diags: &[polybook::Diagnostic]) {
    use std::io::Write;
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    for d in diags {
        if d.is_error() || !cli.quiet {
            // Nothing better can be done when standard error is closed.
            let _ = writeln!(err, "{d}");
        }
    }
    let _ = err.flush();
}

fn build(cli: &Cli, target: Target, shared_only: bool) -> polybook::Result<ExitCode> {
    let opts = polybook::BuildOptions {
        shared_only,
        ..build_options(cli, target)?
    };
    polybook::build::on_interrupt(None);
    let report = polybook::build(&opts)?;
    Ok(print_report(cli, &report, shared_only))
}

/// Prints a build's problems and summary; the exit code it calls for.
/// `n` and the English noun, plural but for one.
fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `shared_only`: the build wrote only the files no language owns.
fn print_report(cli: &Cli, report: &polybook::BuildReport, shared_only: bool) -> ExitCode {
    print_diagnostics(cli, &report.diagnostics);
    if report.left_out > 0 && !cli.quiet {
        eprintln!(
            "{} in the files of other languages or manuals not shown here: a build of those, or of everything, shows them",
            counted(report.left_out, "problem")
        );
    }
    if cli.verbose {
        for (stage, time) in &report.stages {
            eprintln!("  {stage}: {:.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    if !cli.quiet {
        let what = if shared_only {
            "the files every language shares (root page, sitemap.xml, static/)".to_string()
        } else {
            format!(
                "{} pages in {} from {}",
                report.pages,
                counted(report.languages, "language"),
                counted(report.manuals, "manual")
            )
        };
        eprintln!(
            "Built {what} in {:.2} s into {} ({} written, {} removed; {} errors, {} warnings)",
            report.elapsed.as_secs_f64(),
            report.out.display(),
            report.written,
            report.removed,
            report.errors(),
            report.warnings(),
        );
        if let Some(largest) = report.search_indexes.iter().max_by_key(|s| s.bytes) {
            let total: usize = report.search_indexes.iter().map(|s| s.bytes).sum();
            eprintln!(
                "Search indexes for {}: {} KB in all, largest {} ({} KB){}",
                counted(report.search_indexes.len(), "language"),
                total / 1024,
                largest.lang,
                largest.bytes / 1024,
                if cli.verbose {
                    ""
                } else {
                    "; -v shows each one gzipped"
                }
            );
        }
        if cli.verbose {
            for size in &report.search_indexes {
                eprintln!("  {}", index_line(&report.out, size));
            }
        }
    }
    if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One language's search index in the verbose summary: its size, gzipped
/// too, and for a split index, what a reader loads first, per part and per
/// chunk of shown text.
fn index_line(out: &std::path::Path, size: &polybook::search::IndexSize) -> String {
    let gz = |rel: String| std::fs::read(out.join(rel)).map_or(0, |b| gzip_len(&b));
    let main = gz(polybook::search::index_path(&size.lang));
    let parts: Vec<usize> = (0..size.parts)
        .map(|k| gz(polybook::search::part_path(&size.lang, k)))
        .collect();
    let chunks: Vec<usize> = (0..size.chunks)
        .map(|k| gz(polybook::search::chunk_path(&size.lang, k)))
        .collect();
    let all = main + parts.iter().sum::<usize>() + chunks.iter().sum::<usize>();
    let mut line = format!(
        "search index {}: {} KB ({} KB gzipped)",
        size.lang,
        size.bytes / 1024,
        all / 1024
    );
    if parts.is_empty() && chunks.is_empty() {
        return line;
    }
    line.push_str(&format!("; {} KB gzipped loaded first", main / 1024));
    let range = |sizes: &[usize]| {
        let (least, most) = (sizes.iter().min(), sizes.iter().max());
        let kb = |n: Option<&usize>| n.map_or(0, |n| n.div_ceil(1024));
        format!("{} to {} KB gzipped", kb(least), kb(most))
    };
    if !parts.is_empty() {
        line.push_str(&format!(
            ", then {} parts of {}, each loaded when a query needs it",
            parts.len(),
            range(&parts)
        ));
    }
    if !chunks.is_empty() {
        line.push_str(&format!(
            "{} {} chunks of shown text of {}, each loaded when one of its sections is a result shown",
            if parts.is_empty() { ", then" } else { "; and" },
            chunks.len(),
            range(&chunks)
        ));
    }
    line
}

/// The size of `bytes` once gzipped at gzip's default level (what the
/// `gzip` command and most web servers produce).
fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_or(0, |v| v.len())
}

fn build_options(cli: &Cli, target: Target) -> polybook::Result<polybook::BuildOptions> {
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => Some(v.trim().parse::<i64>().map_err(|_| {
            polybook::Error::Usage(format!(
                "SOURCE_DATE_EPOCH must be a number of seconds, not `{v}`"
            ))
        })?),
        Err(_) => None,
    };
    Ok(polybook::BuildOptions {
        root: cli.root.clone(),
        out: target.out,
        dry_run: false,
        progress: !cli.quiet && std::io::stderr().is_terminal(),
        no_epub: target.no_epub,
        no_pdf: target.no_pdf,
        source_date_epoch,
        languages: target.langs,
        manuals: target.manuals,
        shared_only: false,
    })
}

fn watch_and_build(cli: &Cli, target: Target) -> polybook::Result<ExitCode> {
    let opts = polybook::BuildOptions {
        progress: false,
        ..build_options(cli, target)?
    };
    let target = opts.resolve_existing()?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    polybook::build::on_interrupt(Some(stop.clone()));
    eprintln!(
        "Watching {} for changes (Ctrl-C to stop)",
        target.root.display()
    );
    polybook::live::rebuild::run(
        target,
        &|| stop.load(std::sync::atomic::Ordering::SeqCst),
        |round| match round {
            Round::Built {
                report,
                first: true,
                ..
            } => {
                print_report(cli, report, false);
            }
            Round::Built { report, new, .. } => {
                let new: Vec<polybook::Diagnostic> = new.into_iter().cloned().collect();
                print_diagnostics(cli, &new);
                eprintln!("{}", report.rebuilt_line());
            }
            Round::Failed(e) | Round::FinishFailed(e) => {
                report_fatal(e);
            }
            Round::Finished(_) => {}
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

fn serve(
    cli: &Cli,
    port: u16,
    bind: String,
    allow_hosts: Vec<String>,
    open: bool,
    target: Target,
) -> polybook::Result<ExitCode> {
    let opts = polybook::live::serve::ServeOptions {
        build: polybook::BuildOptions {
            progress: false,
            ..build_options(cli, target)?
        },
        bind,
        port,
        allow_hosts,
        open,
    };
    polybook::live::serve::serve(&opts, cli.quiet)?;
    Ok(ExitCode::SUCCESS)
}

fn check(cli: &Cli, strict: bool, format: Format) -> polybook::Result<ExitCode> {
    let report = polybook::build(&polybook::BuildOptions {
        root: cli.root.clone(),
        // Books are made in memory too: some problems only they meet.
        dry_run: true,
        ..Default::default()
    })?;
    let failed = report.errors() > 0 || (strict && report.warnings() > 0);
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "schema": "polybook-check/1",
                "errors": report.errors(),
                "warnings": report.warnings(),
                "strict": strict,
                "diagnostics": report.diagnostics,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("serialisable")
            );
        }
        Format::Text => {
            print_diagnostics(cli, &report.diagnostics);
            if !cli.quiet {
                eprintln!(
                    "Checked {} pages in {}: {} errors, {} warnings{}",
                    report.pages,
                    counted(report.languages, "language"),
                    report.errors(),
                    report.warnings(),
                    if strict && report.warnings() > 0 {
                        " (warnings count as errors with --strict)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn status(
    cli: &Cli,
    lang: Option<String>,
    manual: Option<String>,
    format: Format,
    diff: Option<PathBuf>,
) -> polybook::Result<ExitCode> {
    let (project, problems) = polybook::build::load(&cli.root)?;
    for code in lang.iter() {
        if project.config.lang(code).is_none() {
            return Err(polybook::Error::Usage(format!(
                "`{code}` is not a published language"
            )));
        }
    }
    for id in manual.iter() {
        if project.manual_by_id(id).is_none() {
            return Err(polybook::Error::Usage(format!("there is no manual `{id}`")));
        }
    }
    if let Some(file) = diff {
        print!("{}", polybook::translate::status::diff(&project, &file)?);
        return Ok(ExitCode::SUCCESS);
    }
    let report = polybook::translate::status::report_with(
        &project,
        &polybook::translate::status::Filter { manual, lang },
        &problems,
        &[],
    );
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        ),
        Format::Text => print!("{}", polybook::translate::status::to_text(&report)),
    }
    Ok(ExitCode::SUCCESS)
}

fn stamp(
    cli: &Cli,
    files: Vec<PathBuf>,
    manual: Option<String>,
    lang: Option<String>,
) -> polybook::Result<ExitCode> {
    if files.is_empty() && manual.is_none() && lang.is_none() {
        return Err(polybook::Error::Usage(
            "name the translations to stamp: `polybook stamp FILE...`, or `--manual M` and/or `--lang L`".into(),
        ));
    }
    let (project, problems) = polybook::build::load(&cli.root)?;
    let report = polybook::translate::stamp::stamp(
        &project,
        &problems,
        &polybook::translate::stamp::Selection {
            files,
            manual,
            lang,
        },
    )?;
    print_diagnostics(cli, &report.diagnostics);
    if !cli.quiet {
        for f in &report.stamped {
            eprintln!("stamped {}", f.display());
        }
        eprintln!(
            "{} stamped, {} already current",
            report.stamped.len(),
            report.unchanged.len()
        );
    }
    Ok(if report.diagnostics.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn po_export(cli: &Cli, manuals: Vec<String>, langs: Vec<String>) -> polybook::Result<ExitCode> {
    let (project, problems) = polybook::build::load(&cli.root)?;
    let sel = polybook::po::Selection { manuals, langs };
    let report = polybook::po::export(&project, &problems, &sel)?;
    let shown: Vec<_> = report
        .unread_sources
        .iter()
        .chain(&report.diagnostics)
        .cloned()
        .collect();
    print_diagnostics(cli, &shown);
    if !cli.quiet {
        for f in &report.written {
            eprintln!("wrote {}", f.display());
        }
        let mut summary = format!(
            "{} written, {} unchanged",
            report.written.len(),
            report.unchanged
        );
        for (n, what) in [
            (
                report.kept_markdown.len(),
                "chapters translated in Markdown got no catalogue",
            ),
            (
                report.diagnostics.len(),
                "catalogues could not be read and were left as they are",
            ),
            (
                report.unread_sources.len(),
                "source chapters could not be read and their templates were left as they are",
            ),
        ] {
            if n > 0 {
                summary.push_str(&format!("; {n} {what}"));
            }
        }
        eprintln!("{summary}");
    }
    Ok(if shown.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn po_import(cli: &Cli, manuals: Vec<String>, langs: Vec<String>) -> polybook::Result<ExitCode> {
    let (project, _) = polybook::build::load(&cli.root)?;
    let sel = polybook::po::Selection { manuals, langs };
    let report = polybook::po::import(&project, &sel)?;
    print_diagnostics(cli, &report.diagnostics);
    if !cli.quiet {
        for f in &report.written {
            eprintln!("wrote {}", f.display());
        }
        let warnings = report.diagnostics.iter().filter(|d| !d.is_error()).count();
        eprintln!(
            "{} Markdown translations read, {} catalogues written, {} unchanged, {} entries filled, {} blocks to review",
            report.imported.len(),
            report.written.len(),
            report.unchanged,
            report.filled,
            warnings
        );
        if !report.imported.is_empty() {
            eprintln!(
                "the Markdown files were left as they are: check the catalogues, then remove the Markdown files (a chapter with both is an error)"
            );
        }
    }
    Ok(if report.diagnostics.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn bundle(
    cli: &Cli,
    langs: Vec<String>,
    secret_key: Option<PathBuf>,
    out: Option<PathBuf>,
) -> polybook::Result<ExitCode> {
    let target = Target {
        out: out.clone(),
        no_epub: false,
        no_pdf: false,
        langs: Vec::new(),
        manuals: Vec::new(),
    };
    let opts = build_options(cli, target)?;
    let built = build(
        cli,
        Target {
            out: out.clone(),
            ..Target::default()
        },
        false,
    )?;
    if built != ExitCode::SUCCESS {
        eprintln!("error: the build has errors; no bundle was made");
        return Ok(built);
    }
    let paths = polybook::bundle::bundle(&polybook::bundle::BundleOptions {
        root: cli.root.clone(),
        out,
        langs,
        secret_key,
        source_date_epoch: opts.source_date_epoch,
    })?;
    done(Ok(paths
        .iter()
        .map(|p| format!("wrote {}", p.display()))
        .collect::<Vec<_>>()
        .join("\n")))
}

fn verify(
    cli: &Cli,
    bundle: &std::path::Path,
    key: Option<&std::path::Path>,
) -> polybook::Result<ExitCode> {
    let key = match key {
        Some(k) => k.to_path_buf(),
        None => polybook::bundle::project_key(&cli.root)?,
    };
    let verdict = polybook::bundle::verify(bundle, None, &key, polybook::bundle::today())?;
    println!("{}", verdict.message(bundle));
    Ok(ExitCode::from(verdict.code()))
}

/// Prints what a command that writes into the project did.
fn done(result: polybook::Result<String>) -> polybook::Result<ExitCode> {
    let text = result?;
    if !text.is_empty() {
        println!("{}", text.trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

fn report_fatal(e: &polybook::Error) -> ExitCode {
    match e {
        polybook::Error::Config(diags) | polybook::Error::Options(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            eprintln!("error: {e}; nothing was built");
        }
        other => eprintln!("error: {other}"),
    }
    ExitCode::from(2)
}
