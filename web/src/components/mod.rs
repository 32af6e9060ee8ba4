//! The playground's components, one per file.

mod diagnostics;
mod editor;
mod header;
mod panels;

pub use diagnostics::DiagnosticsPanel;
pub use editor::Editor;
pub use header::Header;
pub use panels::Panels;
