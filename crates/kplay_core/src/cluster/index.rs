//! The pod label index (an informer's indexer): pods by namespace and by `key=value`, so that a
//! selector costs the size of its smallest posting list, not a scan of every pod.

use std::collections::HashMap;

use super::state::Pod;
use crate::model::typed::Labels;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PodIndex {
    namespaces: HashMap<String, NsIndex>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct NsIndex {
    all: Vec<u32>,
    /// `key \0 value` -> pod indices, ascending.
    by_label: HashMap<String, Vec<u32>>,
}

fn label_key(k: &str, v: &str) -> String {
    let mut s = String::with_capacity(k.len() + v.len() + 1);
    s.push_str(k);
    s.push('\0');
    s.push_str(v);
    s
}

impl PodIndex {
    pub(crate) fn build(pods: &[Pod]) -> Self {
        let mut idx = PodIndex::default();
        for (i, p) in pods.iter().enumerate() {
            let ns = idx.namespaces.entry(p.namespace.clone()).or_default();
            ns.all.push(i as u32);
            for (k, v) in &p.labels {
                ns.by_label.entry(label_key(k, v)).or_default().push(i as u32);
            }
        }
        idx
    }

    /// Pods of `namespace` carrying every `selector` pair. An empty selector selects all pods
    /// of the namespace (callers decide whether an empty selector means "none").
    pub(crate) fn select(&self, pods: &[Pod], namespace: &str, selector: &Labels) -> Vec<usize> {
        let Some(ns) = self.namespaces.get(namespace) else { return Vec::new() };
        let mut smallest: Option<&Vec<u32>> = None;
        for (k, v) in selector {
            match ns.by_label.get(&label_key(k, v)) {
                None => return Vec::new(),
                Some(list) => {
                    if smallest.is_none_or(|s| list.len() < s.len()) {
                        smallest = Some(list);
                    }
                }
            }
        }
        let base = smallest.unwrap_or(&ns.all);
        base.iter().map(|&i| i as usize).filter(|&i| selector.iter().all(|(k, v)| pods[i].labels.get(k) == Some(v))).collect()
    }
}
