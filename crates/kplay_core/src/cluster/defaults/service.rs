//! Defaults for service objects.

use crate::analysis::Options;
use crate::model::Object;

pub fn service(obj: &mut Object, opts: &Options) {
    let _ = (obj, opts);
}
