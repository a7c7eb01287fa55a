//! The editor's applies waiting for "Keep these settings?": the apply layer's registry,
//! shared with `ftpconf apply --confirm` (see [`crate::proftpd::apply::Unconfirmed`]).

pub use crate::proftpd::apply::{Unconfirmed, revert_all};
