//! `ftpconf demo`: a private proftpd on 127.0.0.1 to try ftpconf on, without touching
//! the machine's FTP service. Everything lives under a temporary root (or `--root DIR`)
//! and goes through the same apply code as the real thing.

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::cli::apply::{StepPrinter, report};
use crate::cli::{Cli, Status};
use crate::paths::Paths;
use crate::proftpd::{self, apply};
use crate::settings::{Settings, store};
use crate::shutdown::{self, Stage};

/// The port a demo prefers; another free one when it is taken.
const PREFERRED_PORT: u16 = 2121;

pub fn run(cli: &Cli, install: bool) -> Status {
    if apply::proftpd_binary().is_none() && !offer_install(install) {
        eprintln!(
            "ftpconf demo needs proftpd. Install it with `ftpconf demo --install`, or:\n  \
             apt-get install --no-install-recommends proftpd-core proftpd-mod-crypto\n\
             (on a systemd host that also starts the system proftpd on port 21; \
             `systemctl disable --now proftpd` stops it again)"
        );
        return Status::Refused;
    }
    // The demo never uses the real root: "/" (the default) means "make a temporary one".
    let (root, temporary) = if cli.paths().is_real_system() {
        match tempfile::Builder::new().prefix("ftpconf-demo.").tempdir() {
            Ok(dir) => (dir.keep(), true),
            Err(e) => {
                eprintln!("ftpconf: cannot create a temporary directory: {e}");
                return Status::Refused;
            }
        }
    } else {
        (cli.root.clone(), false)
    };
    let status = serve(cli, &root);
    if temporary {
        let _ = std::fs::remove_dir_all(&root);
    }
    status
}

/// Installs proftpd with apt-get when asked (`--install`, or "y" at a terminal prompt).
/// A policy-rc.d that refuses service starts is put in place for the install, so the
/// package does not start a system proftpd on port 21 behind the user's back.
fn offer_install(install: bool) -> bool {
    const PACKAGES: [&str; 2] = ["proftpd-core", "proftpd-mod-crypto"];
    if !install {
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            return false;
        }
        print!("proftpd is not installed. Install {} with apt-get now? [y/N] ", PACKAGES.join(" "));
        let _ = std::io::Write::flush(&mut std::io::stdout());
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return false;
        }
    }
    let policy = Path::new("/usr/sbin/policy-rc.d");
    let created = !policy.exists()
        && std::fs::write(
            policy,
            "#!/bin/sh\n# ftpconf demo: no service starts while installing\nexit 101\n",
        )
        .and_then(|()| std::fs::set_permissions(policy, std::fs::Permissions::from_mode(0o755)))
        .is_ok();
    let run = |args: &[&str]| {
        std::process::Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut install_args = vec!["install", "-y", "--no-install-recommends"];
    install_args.extend(PACKAGES);
    let ok = run(&["update"]) && run(&install_args);
    if created {
        let _ = std::fs::remove_file(policy);
    }
    if ok && apply::proftpd_binary().is_some() {
        println!(
            "proftpd installed; the system service was not started (Debian enables it for the \
             next boot: `systemctl disable proftpd` if this machine should not serve FTP)."
        );
        true
    } else {
        eprintln!("ftpconf: installing proftpd failed");
        false
    }
}

fn serve(cli: &Cli, root: &Path) -> Status {
    let paths = Paths::new(root);
    if let Err(e) = prepare_root(&paths) {
        eprintln!("ftpconf: cannot prepare {}: {e}", root.display());
        return Status::Refused;
    }
    let settings_file = paths.settings_file();
    let settings = match first_settings(&paths, &settings_file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ftpconf: {e}");
            return Status::Invalid;
        }
    };
    // A signal (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) stops the demo's proftpd (and removes a
    // temporary root) before exiting, after the editor has given the terminal back.
    let _stop = stop_on_signal(paths.clone(), root.to_path_buf(), cli.paths().is_real_system());
    println!("ftpconf demo: a private proftpd under {}", root.display());
    let mut request = apply::Request::new(paths.clone(), settings_file.clone());
    request.start = true;
    request.reason = "demo".into();
    let mut printer = StepPrinter::new(cli);
    let outcome = apply::run(&request, &mut |e| printer.show(e));
    if outcome.verdict != apply::Verdict::Applied {
        let status = report(&outcome);
        let _ = apply::stop_proftpd(&paths);
        return status;
    }
    print_welcome(&paths, &settings, &settings_file);
    let edited = match std::io::stdin().is_terminal() {
        true => crate::tui::run(&crate::editor::options(cli), &paths, &settings_file),
        false => Err(crate::tui::Error::NotATerminal),
    };
    let mut status = Status::Ok;
    if let Err(crate::tui::Error::NotATerminal) = edited {
        println!("Serving until you press Enter (or input ends; Ctrl-C works too).");
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    } else if let Err(e) = edited {
        status = crate::editor::report(e, &settings_file);
    }
    match apply::stop_proftpd(&paths) {
        Ok(done) => println!("{done}"),
        Err(e) => eprintln!("ftpconf: {e}"),
    }
    status
}

fn prepare_root(paths: &Paths) -> std::io::Result<()> {
    // proftpd refuses world-writable log directories, and anonymous users must be able
    // to walk down to their directory.
    std::fs::create_dir_all(paths.root())?;
    std::fs::set_permissions(paths.root(), std::fs::Permissions::from_mode(0o755))?;
    proftpd::ensure_runtime_dirs(paths)
}

/// The settings already under the root, or fresh defaults on a free port with anonymous
/// (read-only) login to a small public directory.
fn first_settings(paths: &Paths, settings_file: &Path) -> Result<Settings, String> {
    if settings_file.exists() {
        return store::load(settings_file).map_err(|e| e.to_string());
    }
    let mut settings = Settings { port: u32::from(free_port()), ..Settings::default() };
    if user_exists("ftp") {
        let public = paths.root().join("srv/ftp");
        std::fs::create_dir_all(&public).map_err(|e| e.to_string())?;
        let _ = std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o755));
        let _ =
            std::fs::write(public.join("README.txt"), "This file is served by the ftpconf demo.\n");
        settings.anonymous_login = true;
        settings.anonymous_path = public.to_string_lossy().into_owned();
    }
    store::save(settings_file, &settings)
        .map_err(|e| format!("cannot write {}: {e}", settings_file.display()))?;
    Ok(settings)
}

fn user_exists(name: &str) -> bool {
    std::fs::read_to_string("/etc/passwd")
        .is_ok_and(|p| p.lines().any(|l| l.split(':').next() == Some(name)))
}

fn free_port() -> u16 {
    if TcpListener::bind(("0.0.0.0", PREFERRED_PORT)).is_ok() {
        return PREFERRED_PORT;
    }
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(PREFERRED_PORT)
}

fn print_welcome(paths: &Paths, settings: &Settings, settings_file: &Path) {
    let port = settings.port;
    println!();
    println!("proftpd is listening on 127.0.0.1:{port} (this machine only).");
    if settings.anonymous_login {
        println!("Try:  curl ftp://127.0.0.1:{port}/ --user anonymous:guest");
        println!("      (anonymous, read-only: {})", settings.anonymous_path);
    }
    println!(
        "Local users log in when they are in group ftp (or after turning on \
         `access.local_user_login`), e.g. curl ftp://127.0.0.1:{port}/ --user NAME:PASSWORD"
    );
    println!("Settings: {}", settings_file.display());
    println!(
        "In the editor (it opens next at a terminal): change a setting, `s` reviews, `a` saves \
         and applies, `c` applies and keeps it only if you confirm."
    );
    println!(
        "Or change one and apply from another shell, e.g.:\n  \
         ftpconf --root {} set clients=5 && ftpconf --root {} apply",
        paths.root().display(),
        paths.root().display()
    );
    println!("proftpd's log: {}", paths.system_log().display());
}

/// Stops the demo's proftpd (and removes a temporary root) if a termination signal
/// arrives, so no daemon is left behind.
fn stop_on_signal(paths: Paths, root: PathBuf, temporary: bool) -> shutdown::Registration {
    shutdown::on_signal(Stage::Stop, move |_| {
        let _ = apply::stop_proftpd(&paths);
        if temporary {
            let _ = std::fs::remove_dir_all(&root);
        }
        eprintln!("\nftpconf demo: stopped");
    })
}
