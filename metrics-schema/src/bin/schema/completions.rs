//! `schema completions SHELL` and `schema man`: shell completion scripts (clap_complete)
//! and the manual page (clap_mangen), both generated from the argument definitions.

use std::path::PathBuf;

use clap::{Args, Command, CommandFactory};
use clap_complete::Shell;

use crate::cli;

/// Arguments of `schema completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    shell: Shell,
}

/// Runs `schema completions`: prints the script. Install it where the shell looks, e.g.
/// `schema completions bash > ~/.local/share/bash-completion/completions/schema`.
pub fn completions(args: CompletionsArgs) -> u8 {
    let mut command = crate::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "schema", &mut script);
    cli::print(&String::from_utf8_lossy(&script));
    cli::OK
}

/// Arguments of `schema man`.
#[derive(Args)]
pub struct ManArgs {
    /// Write every page (`schema.1`, `schema-lint.1`, …) into this directory instead of
    /// printing the main page.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs `schema man`: prints the roff manual page (`schema man > schema.1`), or writes the
/// pages of the command and of every subcommand into `--dir`.
pub fn man(args: ManArgs) -> u8 {
    let command = crate::Cli::command();
    let Some(dir) = args.dir else {
        return match render(command) {
            Ok(page) => {
                cli::print(&page);
                cli::OK
            }
            Err(e) => {
                error!("cannot render the manual page: {e}");
                cli::USAGE
            }
        };
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        error!("cannot create `{}`: {e}", dir.display());
        return cli::USAGE;
    }
    let mut pages = Vec::new();
    collect(command, "schema".to_owned(), &mut pages);
    for (name, command) in pages {
        let path = dir.join(format!("{name}.1"));
        let page = match render(command) {
            Ok(page) => page,
            Err(e) => {
                error!("cannot render the manual page of `{name}`: {e}");
                return cli::USAGE;
            }
        };
        if let Err(e) = metrics_schema::io::write_atomic(&path, page.as_bytes()) {
            error!("cannot write `{}`: {e}", path.display());
            return cli::USAGE;
        }
    }
    cli::OK
}

/// `command` and its subcommands, depth first, each with its page name (`schema-lint`).
fn collect(command: Command, name: String, pages: &mut Vec<(String, Command)>) {
    let command = command
        .display_name(name.clone())
        .bin_name(name.replace('-', " "));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub.clone(), format!("{name}-{}", sub.get_name()), pages);
    }
    pages.push((name, command));
}

fn render(command: Command) -> std::io::Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}
