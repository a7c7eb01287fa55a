//! Measures `apply` against a real proftpd in a sandbox: each step's time, and how long
//! until a change is live for a new connection.
//!
//!     cargo run --example apply_timing [-- RUNS]
//!
//! Cycles through a port change watched by a poller thread (it records when the new port
//! first greets), the same change unwatched, and a MaxClients change (not observable
//! from outside; apply's own verify waits for proftpd's reparse marker). Results go to
//! docs/apply.md by hand.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use ftpconf::paths::Paths;
use ftpconf::proftpd::apply::{self, Request, Verdict};
use ftpconf::settings::{Settings, store};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn greets(port: u16) -> bool {
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("220")
}

fn stats(samples: &mut [f64]) -> String {
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    format!("median {median:7.1}  min {:7.1}  max {:7.1}", samples[0], samples[samples.len() - 1])
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = tempfile::Builder::new().prefix("ftpconf-timing.").tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let paths = Paths::new(dir.path());
    let mut settings = Settings { port: u32::from(free_port()), ..Settings::default() };
    store::save(&paths.settings_file(), &settings).unwrap();
    let mut request = Request::new(paths.clone(), paths.settings_file());
    request.start = true;
    let first = apply::run(&request, &mut |_| {});
    assert_eq!(first.verdict, Verdict::Applied, "{first:#?}");
    request.start = false;

    let mut per_step: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    let (mut total_port, mut total_clients, mut live_port) = (Vec::new(), Vec::new(), Vec::new());
    let mut total_quiet = Vec::new();
    for run in 0..runs {
        // 0: port change watched by a poller; 1: port change alone; 2: MaxClients change.
        let kind = run % 3;
        let port_change = kind < 2;
        let new_port = if port_change { free_port() } else { settings.port as u16 };
        if port_change {
            settings.port = u32::from(new_port);
        } else {
            settings.clients = 5 + run as u32;
        }
        store::save(&paths.settings_file(), &settings).unwrap();
        let start = Instant::now();
        let poller = (kind == 0).then(|| {
            std::thread::spawn(move || {
                while !greets(new_port) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                start.elapsed()
            })
        });
        let outcome = apply::run(&request, &mut |_| {});
        let took = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
        for step in &outcome.steps {
            per_step.entry(step.step.name()).or_default().push(step.elapsed.as_secs_f64() * 1000.0);
        }
        if let Some(poller) = poller {
            live_port.push(poller.join().unwrap().as_secs_f64() * 1000.0);
            total_port.push(took);
        } else if port_change {
            total_quiet.push(took);
        } else {
            total_clients.push(took);
        }
    }
    let _ = apply::stop_proftpd(&paths);
    println!("{runs} applies against proftpd (ms):");
    for step in apply::Step::ALL {
        if let Some(samples) = per_step.get_mut(step.name()) {
            println!("  {:<12} {}", step.name(), stats(samples));
        }
    }
    println!("  apply total, port change, with poller   {}", stats(&mut total_port));
    if !total_quiet.is_empty() {
        println!("  apply total, port change, alone         {}", stats(&mut total_quiet));
    }
    if !total_clients.is_empty() {
        println!("  apply total, MaxClients change          {}", stats(&mut total_clients));
    }
    println!("  new port greets the poller (from start) {}", stats(&mut live_port));
}
