//! The diagnostics list: severity, position, rule, message and the suggested fix.

use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::{DiagnosticRow, FILE_NAME};

#[function_component(DiagnosticsPanel)]
pub fn diagnostics_panel() -> Html {
    let state = use_app();
    html! {
        <section class="diagnostics" aria-label="Diagnostics">
            <h2>{ "Problems" }</h2>
            if state.rows.is_empty() {
                <p class="empty" data-testid="no-diagnostics">{ "No problems found." }</p>
            } else {
                <ul data-testid="diagnostics">
                    { for state.rows.iter().map(|row| html! { <DiagnosticItem row={row.clone()} /> }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagnosticItemProps {
    pub row: DiagnosticRow,
}

#[function_component(DiagnosticItem)]
fn diagnostic_item(props: &DiagnosticItemProps) -> Html {
    let row = &props.row;
    let severity = row.severity.as_str();
    html! {
        <li
            class={classes!("diagnostic", format!("severity-{severity}"))}
            data-testid="diagnostic"
            data-rule={row.rule}
            data-severity={severity}
            data-line={row.line.to_string()}
            data-column={row.column.to_string()}
        >
            <div class="headline">
                <span class="badge">{ severity }</span>
                <span class="position">{ format!("{FILE_NAME}:{}:{}", row.line, row.column) }</span>
                <code class="rule">{ row.rule }</code>
            </div>
            <p class="message">{ &row.message }</p>
            if let Some(help) = &row.help {
                <p class="help"><span class="help-label">{ "help: " }</span>{ help }</p>
            }
        </li>
    }
}
