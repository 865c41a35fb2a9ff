//! Shell completions and man pages, made from the command-line definition
//! so that they always match it.

use std::path::Path;

use crate::error::{Error, Result};

/// Writes the completion script of `shell` for `cmd` to `out`.
pub fn completions(
    cmd: &mut clap::Command,
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, cmd, name, out);
    Ok(())
}

/// Writes the man page of `cmd` to `out`; or, with `dir`, one page for the
/// command and one for each subcommand (`polybook.1`, `polybook-build.1`...)
/// into that folder, returning their names.
pub fn man(
    cmd: clap::Command,
    dir: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> Result<Vec<String>> {
    match dir {
        None => {
            clap_mangen::Man::new(cmd)
                .render(out)
                .map_err(|e| Error::io("write", "standard output", e))?;
            Ok(Vec::new())
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
            let mut pages = Vec::new();
            let name = cmd.get_name().to_string();
            let mut cmd = cmd;
            cmd.build();
            write_page(&cmd, &name, dir, &mut pages)?;
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let full = format!("{name}-{}", sub.get_name());
                let sub = sub.clone().name(full.clone());
                write_page(&sub, &full, dir, &mut pages)?;
            }
            Ok(pages)
        }
    }
}

fn write_page(cmd: &clap::Command, name: &str, dir: &Path, pages: &mut Vec<String>) -> Result<()> {
    let mut bytes = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut bytes)
        .map_err(|e| Error::io("write", dir, e))?;
    let file = format!("{name}.1");
    crate::build::output::replace_file(&dir.join(&file), &bytes)?;
    pages.push(file);
    Ok(())
}
