//! Writes the Debian package's generated files from the clap definitions: a man page for
//! `ftpconf` and one per top-level subcommand (`ftpconf-apply.1`, ...), and completion
//! scripts for bash, zsh and fish.
//!
//!     cargo run --example ftpconf-gen-assets -- OUT_DIR
//!
//! An example rather than part of the binary: clap_mangen and clap_complete stay
//! dev-dependencies, so the shipped binary carries no generator code.
//! scripts/build-deb.sh runs it; OUT_DIR gets man/*.1 and completions/.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{Roff, roman};
use ftpconf::cli::Cli;

fn main() -> std::io::Result<()> {
    let out: PathBuf = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        eprintln!("usage: ftpconf-gen-assets OUT_DIR");
        std::process::exit(2);
    });
    let man = out.join("man");
    let completions = out.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;

    let mut command = Cli::command();
    command.build();
    write_man(&command, "ftpconf", GUIDE, &man)?;
    // Every subcommand ftpconf(1) lists gets its page ("help" included).
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("ftpconf-{}", sub.get_name());
        // The page's NAME and SYNOPSIS read "ftpconf-apply", as in git's pages (clap
        // wants a static name; leaking a few short strings in a one-shot tool is fine).
        let page = sub
            .clone()
            .name(name.clone().leak() as &str)
            .bin_name(format!("ftpconf {}", sub.get_name()));
        write_man(&page, &name, &[], &man)?;
    }

    for (shell, file) in
        [(Shell::Bash, "ftpconf"), (Shell::Zsh, "_ftpconf"), (Shell::Fish, "ftpconf.fish")]
    {
        let mut text = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "ftpconf", &mut text);
        std::fs::write(completions.join(file), text)?;
    }
    println!("wrote man pages and completions to {}", out.display());
    Ok(())
}

/// Sections of ftpconf(1) beyond the clap definitions: what an admin needs to go from a
/// fresh install to FTP served through systemd. Paragraphs starting with "$ " are
/// commands, shown as typed.
const GUIDE: &[(&str, &[&str])] = &[
    (
        "GETTING STARTED",
        &[
            "As root, open the editor with `ftpconf`, or set values from the shell, check \
             them and put them into service. `--start` starts proftpd.service when it is not \
             running (its enabled state is left as it is):",
            "$ ftpconf set general.port=21 access.local_user_login=true\n\
             $ ftpconf validate\n$ ftpconf apply --start",
            "Local users log in with their system passwords; with access.local_user_login \
             off, only members of group ftp may (create it with groupadd ftp). \
             `ftpconf show` lists every setting; `ftpconf backups` and `ftpconf rollback` \
             go back to an earlier configuration.",
        ],
    ),
    (
        "SYSTEMD",
        &[
            "When proftpd.service runs (root /), apply reloads it with `systemctl reload \
             proftpd`, keeping the master process, and checks that proftpd greets on every \
             address family the configuration listens on (127.0.0.1 and ::1). When any \
             check fails, the previous files are put back and proftpd is reloaded or \
             restarted through systemd.",
            "The package installs a drop-in, \
             /usr/lib/systemd/system/proftpd.service.d/ftpconf-reload-guard.conf, that \
             makes every `systemctl reload proftpd` (yours, a certificate renewal hook's) \
             run `proftpd --configtest` on the live file first. When the test fails the \
             reload is refused and the running proftpd keeps serving its old \
             configuration; `journalctl -u proftpd` shows proftpd's complaint. A bare \
             `kill -HUP` is not guarded: proftpd exits when it re-reads a broken file.",
        ],
    ),
    (
        "HAND-WRITTEN CONFIGURATION",
        &["ftpconf replaces /etc/proftpd/proftpd.conf without asking only when it wrote \
             the file itself or the file is Debian's unmodified one. Over any other file \
             apply stops with exit status 3 and says so; `ftpconf apply \
             --replace-foreign` replaces it and keeps a copy in \
             /var/lib/ftpconf/replaced-foreign/ (and in the backup)."],
    ),
    (
        "FILES",
        &["/etc/ftpconf/ftpconf.toml: the settings. /etc/proftpd/proftpd.conf and \
             proftpd.motd: what ftpconf renders. /var/lib/ftpconf/: the applied settings, \
             backups and fingerprints of installed configurations. \
             /var/log/proftpd/proftpd.log: proftpd's log. Removing or purging the package \
             keeps /etc/ftpconf and /var/lib/ftpconf; delete them by hand when no longer \
             wanted."],
    ),
];

fn write_man(
    command: &clap::Command,
    name: &str,
    guide: &[(&str, &[&str])],
    dir: &Path,
) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(command.clone())
        .title(name.to_uppercase())
        .section("1")
        .manual("ftpconf manual")
        .source(format!("ftpconf {}", env!("CARGO_PKG_VERSION")));
    let mut text = Vec::new();
    man.render_title(&mut text)?;
    man.render_name_section(&mut text)?;
    man.render_synopsis_section(&mut text)?;
    man.render_description_section(&mut text)?;
    man.render_options_section(&mut text)?;
    if command.has_subcommands() {
        man.render_subcommands_section(&mut text)?;
    }
    let mut roff = Roff::new();
    for (title, paragraphs) in guide {
        roff.control("SH", [*title]);
        for paragraph in *paragraphs {
            match paragraph.strip_prefix("$ ") {
                Some(_) => {
                    roff.control("PP", []).control("nf", []);
                    for line in paragraph.lines() {
                        roff.text([roman(line)]);
                    }
                    roff.control("fi", []);
                }
                None => {
                    roff.control("PP", []).text([roman(*paragraph)]);
                }
            }
        }
    }
    roff.to_writer(&mut text)?;
    man.render_extra_section(&mut text)?;
    if command.get_version().is_some() {
        man.render_version_section(&mut text)?;
    }
    std::fs::write(dir.join(format!("{name}.1")), text)
}
