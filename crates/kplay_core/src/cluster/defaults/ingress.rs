//! Defaults for ingress objects.

use crate::analysis::Options;
use crate::model::Object;

pub fn ingress(obj: &mut Object, opts: &Options) {
    let _ = (obj, opts);
}
