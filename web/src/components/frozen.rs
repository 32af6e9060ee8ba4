//! [`Frozen`]: markup built once (a `use_memo`'d drawing or list) that Yew does not diff again
//! until it is rebuilt.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Properties)]
pub struct FrozenProps {
    pub html: Rc<Html>,
}

/// By identity: the `Rc` a `use_memo` returns stays the same until its inputs change.
impl PartialEq for FrozenProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.html, &other.html)
    }
}

/// Renders `html`. A component whose props are equal is not rendered again, so its whole subtree
/// is skipped when the page re-renders: writing `{ (*memo).clone() }` inline instead deep-copies
/// the markup and diffs every element of it on each render (twice per keystroke: the edit and
/// the worker's rows), which for the map of a long manifest cost milliseconds per keystroke.
#[function_component(Frozen)]
pub fn frozen(props: &FrozenProps) -> Html {
    (*props.html).clone()
}
