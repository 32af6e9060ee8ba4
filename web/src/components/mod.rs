//! The playground's components, one per file.

mod diagnostics;
mod editor;
mod header;

pub use diagnostics::DiagnosticsPanel;
pub use editor::Editor;
pub use header::Header;
