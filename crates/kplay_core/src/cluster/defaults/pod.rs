//! Defaults for pod objects.

use crate::analysis::Options;
use crate::model::Object;

pub fn pod(obj: &mut Object, opts: &Options) {
    let _ = (obj, opts);
}
