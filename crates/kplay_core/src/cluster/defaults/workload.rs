//! Defaults for workload objects.

use crate::analysis::Options;
use crate::model::Object;

pub fn workload(obj: &mut Object, opts: &Options) {
    let _ = (obj, opts);
}
