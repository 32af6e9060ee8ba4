//! Rules of the `endpointslice` group: API-server parity for user-written
//! `discovery.k8s.io/v1` EndpointSlices (`ValidateEndpointSliceCreate`). Each rule is one file;
//! list it once in `RULES`.

mod address_invalid;
mod address_type_invalid;
mod endpoint_invalid;
mod limit_exceeded;
mod port_invalid;

use super::{Ctx, Cur, Rule};

pub static RULES: &[&Rule] =
    &[&address_type_invalid::RULE, &address_invalid::RULE, &endpoint_invalid::RULE, &port_invalid::RULE, &limit_exceeded::RULE];

pub(crate) const MAX_ENDPOINTS: usize = 1000;
pub(crate) const MAX_ADDRESSES: usize = 100;
pub(crate) const MAX_PORTS: usize = 20000;
pub(crate) const MAX_HINTS: usize = 8;

/// The root of an EndpointSlice; `None` for other kinds.
pub(crate) fn root<'a>(ctx: &Ctx<'a>) -> Option<Cur<'a>> {
    (ctx.kind() == "EndpointSlice").then(|| ctx.root())
}

pub(crate) fn s<'a>(c: &Cur<'a>) -> &'a str {
    c.str().or_else(|| c.text()).unwrap_or("")
}

/// The endpoints the server validates one by one (none when there are too many).
pub(crate) fn endpoints<'a>(root: &Cur<'a>) -> Vec<Cur<'a>> {
    let Some(list) = root.field("endpoints") else { return Vec::new() };
    if list.len() > MAX_ENDPOINTS {
        return Vec::new();
    }
    list.items().map(|(_, c)| c).collect()
}

#[cfg(test)]
pub(crate) mod testing {
    pub fn slice(body: &str) -> String {
        format!("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-abc\n  namespace: default\n{body}")
    }
}
