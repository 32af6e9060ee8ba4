//! kplay's core: loads Kubernetes manifests with exact positions, checks them as the API server
//! would, and simulates what the cluster does with them. It does no IO: hosts hand it text and
//! get data back.

pub mod admission;
pub mod analysis;
pub mod api;
pub mod cluster;
pub mod diagnostic;
pub mod model;
pub mod proxy;
pub mod report;
pub mod rules;
pub mod schema;
pub mod sort;
pub mod source;
pub mod suppress;
pub mod version;
pub mod yaml;

pub use analysis::{analyze, analyze_and_simulate, Analysis, Options};
pub use diagnostic::{Diagnostic, ErrorType, Label, ObjectRef, Severity};
pub use source::{ColumnEncoding, FileId, LineIndex, Position, SourceFile, Span};
pub use version::KubeVersion;
