//! Measures the work done on every keystroke in the editor and on every `ftpconf` call:
//! validation (without DNS), rendering, and the settings file round trip.
//! Run with `cargo bench --bench core`; numbers go to docs/performance.md.

use std::hint::black_box;
use std::time::Instant;

use ftpconf::paths::Paths;
use ftpconf::proftpd::{Facts, render};
use ftpconf::proftpd::{System, validate};
use ftpconf::settings::{Settings, store};

fn measure(name: &str, iterations: u32, mut work: impl FnMut()) {
    for _ in 0..iterations / 10 {
        work();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        work();
    }
    let per_op = start.elapsed() / iterations;
    println!("{name:<40} {:>10.1} µs/op  ({iterations} iterations)", per_op.as_secs_f64() * 1e6);
}

fn main() {
    // What the editor uses on every keystroke: no DNS, groups and certificates remembered.
    let system = System::new(Paths::new("/nonexistent-ftpconf-bench")).quick();
    let defaults = Settings::default();
    let mut busy = ftpconf::settings::samples::every_feature_on("/tmp", "nas");
    busy.tls_enable = false;
    busy.display_login = "Welcome\n".repeat(50);
    busy.auxiliary_parameters = "ShowSymlinks on\n".repeat(200);
    let facts = Facts::gather(&busy, &system);

    measure("validate (defaults, quick: as in the editor)", 20_000, || {
        black_box(validate(black_box(&defaults), &system));
    });
    measure("validate (every feature, 200 aux lines, quick)", 20_000, || {
        black_box(validate(black_box(&busy), &system));
    });
    measure("render (defaults)", 20_000, || {
        black_box(render(black_box(&defaults), &facts));
    });
    measure("render (every feature, 200 aux lines)", 20_000, || {
        black_box(render(black_box(&busy), &facts));
    });
    let text = store::to_toml(&busy);
    measure("settings TOML write", 5_000, || {
        black_box(store::to_toml(black_box(&busy)));
    });
    measure("settings TOML read", 5_000, || {
        black_box(store::parse(black_box(&text), "bench").unwrap());
    });
}
