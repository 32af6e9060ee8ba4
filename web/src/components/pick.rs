//! A labelled select over [`Choice`]s, used by the Traffic, Trace and kube-proxy views, and
//! the helpers that keep a view's choice in a state handle.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::views::Choice;

#[derive(Properties, PartialEq)]
pub struct PickProps {
    pub label: AttrValue,
    pub testid: AttrValue,
    pub choices: Vec<Choice>,
    /// The chosen spec.
    pub value: String,
    pub onchange: Callback<String>,
}

#[function_component(Pick)]
pub fn pick(props: &PickProps) -> Html {
    let onchange = {
        let cb = props.onchange.clone();
        Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    html! {
        <label>{ format!("{} ", props.label) }
            <select data-testid={props.testid.clone()} onchange={onchange}>
                { for props.choices.iter().map(|c| html! {
                    <option value={c.spec.clone()} selected={c.spec == props.value}>{ c.label.clone() }</option>
                }) }
            </select>
        </label>
    }
}

/// A callback storing the picked spec in `h`.
pub fn setter(h: &UseStateHandle<String>) -> Callback<String> {
    let h = h.clone();
    Callback::from(move |v: String| h.set(v))
}
