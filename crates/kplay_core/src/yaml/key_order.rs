//! Mapping keys in the order kubectl prints them.
//!
//! `kubectl get -o json|yaml` prints unstructured objects (`map[string]interface{}`), never the
//! typed structs, so every mapping's keys come out sorted, each format its own way:
//!
//! - `-o json`: cli-runtime's `JSONPrinter` is `json.MarshalIndent` of the object, and Go's
//!   `encoding/json` writes a map's keys sorted by their bytes ([`KeyOrder::GoJson`]).
//! - `-o yaml`: cli-runtime's `YAMLPrinter` is sigs.k8s.io/yaml's `Marshal`, which writes JSON and
//!   converts it with `JSONToYAML`: go-yaml v2 reads the JSON into `interface{}` (every key a
//!   string: JSON keys are quoted) and marshals that again, sorting each map's keys with its
//!   `keyList.Less` (gopkg.in/yaml.v2 `sorter.go`), a "natural" order ([`KeyOrder::GoYamlV2`]).
//!
//! Both hold for the `v1` `List` kubectl's `get` wraps the items in (`printGeneric`: an
//! `UnstructuredList` of `kind`, `apiVersion`, `metadata: {resourceVersion}` and the items), so its
//! keys come out `apiVersion`, `items`, `kind`, `metadata`. Sequences keep their order.

use super::node::{Entry, Node, NodeKind};

/// How a printer orders a mapping's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    /// Go's `encoding/json` for a map with string keys: by bytes (`strings.Compare`), which for
    /// UTF-8 is code point order: `B` < `_x` < `a` < `a10` < `a2`.
    GoJson,
    /// go-yaml v2's `keyList.Less` for string keys: see [`go_yaml_v2_key_less`].
    GoYamlV2,
}

impl KeyOrder {
    /// Whether key `a` comes before key `b`.
    pub fn less(self, a: &str, b: &str) -> bool {
        match self {
            KeyOrder::GoJson => a < b,
            KeyOrder::GoYamlV2 => go_yaml_v2_key_less(a, b),
        }
    }
}

/// Sorts the keys of every mapping in `node`, recursively, in `order`; sequences keep their
/// order. Keys are compared by their text, the text the printers write.
///
/// go-yaml v2's order is not transitive for some keys with leading zeros (`1` < `01` < `0a` <
/// `1`): Go's `sort.Sort` then puts them in an order that depends on the map's random iteration
/// order, so kubectl prints such keys differently from run to run, and the standard library's
/// sort panics on them. This is a stable merge sort, which takes any comparison: the same input
/// gives the same order, and every key set go-yaml orders consistently (every real one) comes
/// out as kubectl prints it.
pub fn sort_keys(node: &mut Node, order: KeyOrder) {
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            for n in items {
                sort_keys(n, order);
            }
        }
        NodeKind::Map(entries) => {
            let less = |x: &Entry, y: &Entry| order.less(x.key.text().unwrap_or(""), y.key.text().unwrap_or(""));
            *entries = merge_sort(std::mem::take(entries), &less);
            for e in entries {
                sort_keys(&mut e.value, order);
            }
        }
    }
}

/// A stable merge sort by `less` that never panics, whatever `less` answers (recursion depth
/// log2 of the length).
fn merge_sort<T>(mut v: Vec<T>, less: &dyn Fn(&T, &T) -> bool) -> Vec<T> {
    if v.len() < 2 {
        return v;
    }
    let right = v.split_off(v.len() / 2);
    let (left, right) = (merge_sort(v, less), merge_sort(right, less));
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    loop {
        // The left one on ties (stable).
        let take_right = match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => less(b, a),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => return out,
        };
        out.extend(if take_right { r.next() } else { l.next() });
    }
}

/// gopkg.in/yaml.v2's `keyList.Less` (`sorter.go`) for two string keys, rune by rune:
///
/// - equal runes go on to the next;
/// - two letters (`unicode.IsLetter`) compare as code points (`B` < `a` < `b`);
/// - a letter sorts after anything else (`_x` < `a`, `a.b` < `ab`);
/// - otherwise the runs of digits (`unicode.IsDigit`) starting there are read as numbers and
///   compared (`a2` < `a10`; no digit reads as 0, so `a.b` < `a2`); when either rune is `0` and a
///   digit other than `0` comes just before in the same run, both numbers get a leading 1, so
///   that zero counts (`a12` < `a100`). Equal numbers: the shorter run first (`a1` < `a01`, and
///   `x_` < `x0`, a run of none against one); then the runes as code points (`a.b` < `a/b`);
/// - a key that is a prefix of the other sorts first (`a` < `a.b`).
///
/// The numbers wrap at 64 bits as Go's `int64` does. Letters and digits are Go's for every key
/// Kubernetes' validation admits (ASCII); beyond Latin-1, where Go asks Unicode's categories L
/// and Nd, this takes Rust's Alphabetic property less the numeric letters, and ASCII digits only
/// (the standard library has no category tables).
pub fn go_yaml_v2_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for (i, (&x, &y)) in ar.iter().zip(&br).enumerate() {
        if x == y {
            continue;
        }
        let (xl, yl) = (is_letter(x), is_letter(y));
        if xl && yl {
            return x < y;
        }
        if xl || yl {
            return yl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if (x == '0' || y == '0') && ar[..i].iter().rev().take_while(|c| c.is_ascii_digit()).any(|&c| c != '0') {
            an = 1;
            bn = 1;
        }
        let (an, ai) = digit_run(&ar, i, an);
        let (bn, bi) = digit_run(&br, i, bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return x < y;
    }
    ar.len() < br.len()
}

/// Reads the digits of `r` from `i` on into `n` (Go's `n = n*10 + int64(r - '0')`, wrapping);
/// returns the number and the index after the run.
fn digit_run(r: &[char], i: usize, mut n: i64) -> (i64, usize) {
    let mut j = i;
    while j < r.len() && r[j].is_ascii_digit() {
        n = n.wrapping_mul(10).wrapping_add(i64::from(r[j] as u32) - i64::from(b'0'));
        j += 1;
    }
    (n, j)
}

/// Go's `unicode.IsLetter`: exact up to U+00FF (Latin-1's letters are its Alphabetic ones,
/// `ª`, `µ` and `º` included); beyond, see [`go_yaml_v2_key_less`].
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic() && !c.is_numeric()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::{load_file, Limits, ScalarStyle};

    fn sorted(keys: &[&'static str], order: KeyOrder) -> Vec<&'static str> {
        merge_sort(keys.to_vec(), &|a, b| order.less(a, b))
    }

    const KEYS: [&str; 8] = ["a10", "a2", "a", "a.b", "a/b", "B", "b", "_x"];

    #[test]
    fn yaml_v2_order_is_natural() {
        // A non-letter before any letter, upper case before lower case, digit runs as numbers,
        // other runes by code point, a prefix first.
        assert_eq!(sorted(&KEYS, KeyOrder::GoYamlV2), ["_x", "B", "a", "a.b", "a/b", "a2", "a10", "b"]);
        let less = go_yaml_v2_key_less;
        assert!(less("a9", "a10") && !less("a10", "a9"));
        assert!(less("a12", "a100") && !less("a100", "a12"), "the 0 of 100 is inside a number");
        assert!(less("a1", "a01") && !less("a01", "a1"), "equal numbers: the shorter run first");
        assert!(less("x_", "x0") && !less("x0", "x_"), "no digit against a 0: the shorter run first");
        assert!(less("a.b", "a2") && less("a-b", "a.b") && less("a.b", "ab"));
        assert!(less("a", "a.b") && !less("a", "a") && !less("", ""));
        assert!(less("Z", "a") && less("{", "a") && less("~", "A"), "punctuation sorts before letters");
        assert!(less("b", "ª") && less("_", "ª"), "Latin-1 letters are letters (by code point among them)");
        // Digit runs longer than an int64 wrap as Go's do: 10^19 wraps below 9.
        assert!(less("a10000000000000000000", "a9"));
        // Kubernetes keys.
        assert_eq!(
            sorted(&["podIPs", "podIP", "hostIP", "phase", "qosClass", "hostIPs"], KeyOrder::GoYamlV2),
            ["hostIP", "hostIPs", "phase", "podIP", "podIPs", "qosClass"]
        );
    }

    #[test]
    fn keys_go_yaml_v2_orders_in_a_cycle_sort_without_panicking() {
        let less = go_yaml_v2_key_less;
        assert!(less("1", "01") && less("01", "0a") && less("0a", "1"), "not transitive");
        // Every key of up to 4 of `0`, `1`, `a`, `-`, shuffled: the standard library's sort
        // panics on this map ("does not correctly implement a total order").
        let mut keys = vec![String::new()];
        for _ in 0..4 {
            keys = keys.iter().flat_map(|k| ["0", "1", "a", "-"].map(|c| format!("{k}{c}"))).chain(keys.iter().cloned()).collect();
        }
        keys.retain(|k| !k.is_empty());
        let mut seed = 1u64;
        for i in (1..keys.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            keys.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let span = crate::source::Span { start: 0, end: 0 };
        let entry = |k: &String| Entry {
            key: Node::scalar(span, k.as_str(), ScalarStyle::Plain),
            value: Node::scalar(span, "v", ScalarStyle::Plain),
        };
        let map = Node::map(span, keys.iter().map(entry).collect());
        let (mut a, mut b) = (map.clone(), map);
        sort_keys(&mut a, KeyOrder::GoYamlV2);
        sort_keys(&mut b, KeyOrder::GoYamlV2);
        assert_eq!(a, b, "the same input, the same order");
        let mut out: Vec<&str> = a.as_map().unwrap().iter().filter_map(|e| e.key.text()).collect();
        let mut all: Vec<&str> = keys.iter().map(String::as_str).collect();
        out.sort_unstable();
        all.sort_unstable();
        assert_eq!(out, all, "every key, once");
    }

    #[test]
    fn json_order_is_by_bytes() {
        assert_eq!(sorted(&KEYS, KeyOrder::GoJson), ["B", "_x", "a", "a.b", "a/b", "a10", "a2", "b"]);
        assert!(KeyOrder::GoJson.less("x0", "x_") && !KeyOrder::GoJson.less("x_", "x0"));
        assert!(KeyOrder::GoYamlV2.less("x_", "x0") && !KeyOrder::GoYamlV2.less("x0", "x_"));
        assert!(KeyOrder::GoJson.less("z", "é") && !KeyOrder::GoJson.less("é", "z"), "UTF-8 bytes: code point order");
    }

    #[test]
    fn sorts_every_mapping_and_keeps_sequences() {
        let text = "kind: List\napiVersion: v1\nitems:\n- z: 1\n  a10: true\n  a2: null\n- {b: [3, 1, 2], a: {d: x, c: w}}\n";
        let f = load_file(0, &SourceFile::new("x", text), &Limits::default());
        let mut root = f.docs[0].root.clone().unwrap();
        sort_keys(&mut root, KeyOrder::GoYamlV2);
        let out = crate::yaml::emit::to_yaml(&root);
        assert_eq!(
            out,
            "apiVersion: v1\nitems:\n  - a2: null\n    a10: true\n    z: 1\n  - a:\n      c: w\n      d: x\n    b:\n      - 3\n      - 1\n      - 2\nkind: List\n"
        );
        sort_keys(&mut root, KeyOrder::GoJson);
        let keys: Vec<_> = root.path(&["items"]).unwrap().as_seq().unwrap()[0].as_map().unwrap().iter().map(|e| e.key.text()).collect();
        assert_eq!(keys, [Some("a10"), Some("a2"), Some("z")]);
    }

    #[test]
    fn sorting_the_cluster_lists_changes_only_the_order() {
        use crate::cluster::view::{list, to_json, Kind, Scope};
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    example.com/v10: a<b\n    example.com/v2: \"2\"\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n    - port: 80\n      nodePort: 30080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          env:\n            - name: EMPTY\n";
        let files = [SourceFile::new("a.yaml", text)];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &crate::Options::default());
        let value = |j: &str| serde_json::from_str::<serde_json::Value>(j).unwrap_or_else(|e| panic!("{e}: {j}"));
        for kind in [Kind::Pods, Kind::Services, Kind::EndpointSlices, Kind::Deployments, Kind::ReplicaSets, Kind::Nodes] {
            let l = list(&c, &a.objects, kind, &Scope::All);
            for order in [KeyOrder::GoJson, KeyOrder::GoYamlV2] {
                let mut s = l.clone();
                sort_keys(&mut s, order);
                // serde_json's maps ignore the order: the same values, escapes and numbers.
                assert_eq!(value(&to_json(&s)), value(&to_json(&l)), "{kind:?}");
                // The YAML reads back to the same tree.
                let y = crate::yaml::emit::to_yaml(&s);
                let back = load_file(0, &SourceFile::new("y", y.as_str()), &Limits::default());
                assert_eq!(value(&to_json(back.docs[0].root.as_ref().unwrap())), value(&to_json(&l)), "{y}");
            }
        }
    }
}
