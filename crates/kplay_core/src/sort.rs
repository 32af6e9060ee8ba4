//! Stable sorts that share one copy of the standard library's sort.
//!
//! `slice::sort_by` (and `sort`, `sort_by_key`) is generic over the element type and the
//! comparator, so each call site compiles its own copy of the whole sort: about 3.5 KB of wasm
//! each, more than twenty copies in the playground (measured with twiggy, see ARCHITECTURE.md).
//! These functions sort a list of indices instead, with the comparator behind `dyn`, so the
//! program holds one copy of the sort; then they move the elements into that order. The result
//! is exactly the standard library's: stable, equal elements keep their order.
//!
//! The same goes for `slice::sort_unstable`, `sort_by_cached_key` (a sort of its own over key
//! and index pairs) and collecting an iterator into a `BTreeSet` or `BTreeMap`, which sorts the
//! items first: build those sets with `insert` instead.

use std::cmp::Ordering;

/// [`slice::sort_by`]: stable, `O(n log n)` comparisons, plus an index list of `n` words.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, &mut order);
}

/// [`slice::sort_by_key`]: stable; the key is computed on every comparison, as there.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// [`slice::sort`]: stable.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The one instance of the standard sort: indices, compared through `dyn`.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Moves `v[order[i]]` to position `i` for every `i`, in place: each cycle of the permutation is
/// walked once with swaps. `order` ends as the identity.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..v.len() {
        let mut cur = start;
        loop {
            let next = order[cur];
            order[cur] = cur;
            if next == start || next == cur {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator: the tests need no dependency.
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        *seed >> 33
    }

    // The standard calls are the reference, written exactly as the callers wrote them.
    #[allow(clippy::unnecessary_sort_by, clippy::stable_sort_primitive)]
    #[test]
    fn equals_the_standard_stable_sort() {
        let mut seed = 7;
        for len in [0, 1, 2, 3, 5, 20, 21, 100, 1000] {
            // Few distinct keys, so stability matters: the second field records the input order.
            let v: Vec<(u64, usize)> = (0..len).map(|i| (lcg(&mut seed) % 7, i)).collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, std, "len {len}");

            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by_key(&mut ours, |x| std::cmp::Reverse(x.0));
            std.sort_by_key(|x| std::cmp::Reverse(x.0));
            assert_eq!(ours, std, "len {len}");

            let mut ours = v.clone();
            let mut std = v;
            sort(&mut ours);
            std.sort();
            assert_eq!(ours, std, "len {len}");
        }
    }

    #[test]
    fn moves_owned_values_without_losing_any() {
        let mut v: Vec<String> = ["d", "b", "a", "c", "b"].iter().map(|s| (*s).to_owned()).collect();
        sort(&mut v);
        assert_eq!(v, ["a", "b", "b", "c", "d"]);
        let mut rev: Vec<u32> = (0..50).rev().collect();
        sort(&mut rev);
        assert!(rev.iter().copied().eq(0..50));
    }
}
