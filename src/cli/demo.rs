//! `ftpconf demo` lives above the CLI and the editor ([`crate::demo`]), which it wires.

use super::{Cli, Status};

pub fn demo(cli: &Cli, install: bool) -> Status {
    crate::demo::run(cli, install)
}
