//! The simulated control plane: defaults, registry, allocators, controllers, EndpointSlices, DNS.

pub mod defaults;

use crate::analysis::Options;
use crate::diagnostic::Diagnostic;
use crate::model::Object;
use crate::source::SourceFile;

/// Cross-object diagnostics found by simulating the cluster.
pub fn simulate_diagnostics(_files: &[SourceFile], _objects: &[Object], _opts: &Options, _out: &mut Vec<Diagnostic>) {}
