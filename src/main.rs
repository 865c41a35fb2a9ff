//! The `polybook` command line: parses arguments, calls the library, prints
//! diagnostics and maps the outcome to an exit code (0 clean, 1 content errors,
//! 2 usage or configuration errors).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "polybook",
    version,
    about = "Multilingual Markdown manuals to a static website"
)]
struct Cli {
    /// Project folder (the one holding polybook.toml).
    #[arg(long, short = 'C', global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print more detail.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        /// Output folder (default: `output` in the project).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Do not write EPUB books.
        #[arg(long)]
        no_epub: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { out, no_epub } => {
            let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
                Ok(v) => match v.trim().parse::<i64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        eprintln!(
                            "error: SOURCE_DATE_EPOCH must be a number of seconds, not `{v}`"
                        );
                        return ExitCode::from(2);
                    }
                },
                Err(_) => None,
            };
            let opts = polybook::BuildOptions {
                root: cli.root,
                out,
                dry_run: false,
                progress: !cli.quiet && std::io::stderr().is_terminal(),
                no_epub,
                source_date_epoch,
            };
            match polybook::build(&opts) {
                Ok(report) => {
                    for d in &report.diagnostics {
                        if d.is_error() || !cli.quiet {
                            eprintln!("{d}");
                        }
                    }
                    if cli.verbose {
                        for (stage, time) in &report.stages {
                            eprintln!("  {stage}: {:.1} ms", time.as_secs_f64() * 1000.0);
                        }
                    }
                    if !cli.quiet {
                        eprintln!(
                            "Built {} pages in {} languages from {} manuals in {:.2} s into {} ({} written, {} removed; {} errors, {} warnings)",
                            report.pages,
                            report.languages,
                            report.manuals,
                            report.elapsed.as_secs_f64(),
                            report.out.display(),
                            report.written,
                            report.removed,
                            report.errors(),
                            report.warnings(),
                        );
                    }
                    if report.errors() > 0 {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(e) => report_fatal(&e),
            }
        }
    }
}

fn report_fatal(e: &polybook::Error) -> ExitCode {
    match e {
        polybook::Error::Config(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            eprintln!("error: {e}; nothing was built");
        }
        other => eprintln!("error: {other}"),
    }
    ExitCode::from(2)
}
