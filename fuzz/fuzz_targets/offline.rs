//! The machine the validating targets check against: a root that does not exist, and
//! no DNS, so what they explore is the input, not this host.

use std::sync::OnceLock;

use ftpconf::paths::Paths;
use ftpconf::proftpd::System;

pub fn system() -> &'static System {
    static SYSTEM: OnceLock<System> = OnceLock::new();
    SYSTEM.get_or_init(|| System::new(Paths::new("/nonexistent-ftpconf-fuzz")).offline())
}
