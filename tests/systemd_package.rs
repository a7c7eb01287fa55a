//! The Debian package under a real systemd: builds the .deb, boots Debian 12 in a
//! systemd-nspawn container and checks the production path there (scripts/systemd-test.sh
//! has the steps; docs/packaging.md lists what they check). Needs root, mmdebstrap and
//! systemd-container (scripts/test.sh installs them) and fails loudly without them.

use std::process::Command;
use std::time::Instant;

#[test]
fn the_package_serves_ftp_under_systemd_and_nothing_takes_it_down() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/systemd-test.sh");
    let started = Instant::now();
    // A shell's environment, not the test runner's: cargo inside the script then sees
    // what `cargo build` saw and finds the build fresh instead of redoing it.
    let keep = ["PATH", "HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "LANG"];
    let out = Command::new("bash")
        .arg(script)
        .env_clear()
        .envs(keep.iter().filter_map(|k| Some((k, std::env::var_os(k)?))))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{script} failed ({}):\n{text}", out.status);
    assert!(text.contains("== all checks passed"), "{text}");
    println!("{text}\nsystemd package test: {:.1} s", started.elapsed().as_secs_f64());
}
