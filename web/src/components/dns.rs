//! The DNS view: every record the cluster's DNS would answer (the core's `dns_records`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::use_app;

#[function_component(DnsView)]
pub fn dns_view() -> Html {
    let state = use_app();
    let filter = use_state(String::new);
    let records = {
        let cluster = state.cluster.clone();
        use_memo(state.model_revision, move |_| cluster.dns_records())
    };
    let f = filter.to_ascii_lowercase();
    let shown: Vec<_> = records
        .iter()
        .filter(|r| f.is_empty() || r.name.to_ascii_lowercase().contains(&f) || r.data.to_ascii_lowercase().contains(&f))
        .collect();
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <div class="dns pad" data-testid="dns">
            <div class="form-row">
                <label>{ "Filter " }<input type="search" data-testid="dns-filter" value={(*filter).clone()} oninput={oninput} placeholder="name or value" /></label>
                <span class="muted">{ format!("{} of {} records", shown.len(), records.len()) }</span>
            </div>
            <table class="records">
                <thead><tr><th>{ "Name" }</th><th>{ "Type" }</th><th>{ "Value" }</th></tr></thead>
                <tbody>
                    { for shown.iter().map(|r| html! {
                        <tr data-testid="dns-record"><td class="mono">{ r.name.clone() }</td><td>{ r.type_.clone() }</td><td class="mono">{ r.data.clone() }</td></tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
