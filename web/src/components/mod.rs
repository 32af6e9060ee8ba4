//! The playground's components, one per file.

mod diagnostics;
mod dns;
mod editor;
mod frozen;
pub mod header;
mod map;
pub mod panels;
mod pick;
mod proxy;
mod trace;
mod traffic;

pub use diagnostics::DiagnosticsPanel;
pub use dns::DnsView;
pub use editor::{flush_pending, Editor};
pub use frozen::Frozen;
pub use header::Header;
pub use map::MapView;
pub use panels::Panels;
pub use proxy::ProxyView;
pub use trace::TraceView;
pub use traffic::Traffic;
