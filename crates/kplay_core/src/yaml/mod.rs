//! Span-keeping YAML loading with Kubernetes' scalar semantics. Loading never fails: it returns
//! the documents it could build and diagnostics for the rest.
//!
//! Files are split at `---` lines before parsing, so a syntax error in one document leaves the
//! others intact. Each document is parsed by `saphyr-parser` (events with exact spans and scalar
//! styles) and built into a [`Node`] tree here, which is where anchors, aliases, merge keys,
//! duplicate keys and the resource limits are handled.

pub mod emit;
mod emit_kubectl;
mod json;
pub mod key_order;
mod load;
mod node;
pub mod resolve;

pub(crate) use json::unmarshal as json_unmarshal;
pub use load::{load_file, Document, LoadedFile};
pub use node::{format_go_float, format_go_float32_key, Entry, Node, NodeKind, Resolved, Scalar, ScalarStyle};

use serde::{Deserialize, Serialize};

/// Bounds that keep hostile input from exhausting time or memory. Exceeding one gives a
/// `yaml-limit-exceeded` diagnostic at the place it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
// Unknown keys are refused: a misspelt limit silently keeping its default would be a surprise.
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Nodes that alias expansion may create in one document (billion-laughs guard).
    pub max_alias_nodes: usize,
    /// Nesting depth of collections in one document.
    pub max_depth: usize,
    /// Size of one document in bytes. The API server refuses request bodies over 3 MiB.
    pub max_document_bytes: usize,
    /// Size of one file in bytes.
    pub max_file_bytes: usize,
    /// Documents analysed in one file.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_alias_nodes: 100_000,
            max_depth: 256,
            max_document_bytes: 8 * 1024 * 1024,
            max_file_bytes: 64 * 1024 * 1024,
            max_documents: 100_000,
        }
    }
}
