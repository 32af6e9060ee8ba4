//! The diagnostics list: severity, position, rule, message and the suggested fix. A click jumps
//! to the place in the editor (opening its file); the severity counts filter the list.

use kplay_core::Severity;
use yew::prelude::*;

use crate::components::Frozen;
use crate::editor_js;
use crate::hooks::use_app;
use crate::state::{Action, AppState, DiagnosticRow, Panel};
use crate::timer;

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

#[function_component(DiagnosticsPanel)]
pub fn diagnostics_panel() -> Html {
    let state = use_app();
    // Severities hidden by the filter buttons.
    let hidden = use_state(Vec::<Severity>::new);
    // Rebuilt only when the rows or the filter change: a keystroke re-renders the page twice
    // (the edit, the worker's rows), and a long list must not be diffed for nothing.
    let list = {
        let rows = state.rows.clone();
        let dispatch = state.dispatcher();
        use_memo((state.rows_revision, (*hidden).clone()), move |(_, hidden)| {
            let mut seen = std::collections::HashMap::<String, usize>::new();
            html! {
                { for rows.iter().filter(|r| !hidden.contains(&r.severity)).map(|row| {
                    // Keyed by what the row says but not where: a new row is one insertion,
                    // and a line added above moves the rows below (their position text and
                    // data attributes change) instead of rebuilding them. With the position in
                    // the key, pressing Enter near the top of a 1,000-line manifest destroyed
                    // and recreated all of its ~100 rows (about 20 ms of DOM work).
                    let base = format!("{}:{}:{}", row.file, row.rule, row.message);
                    let n = seen.entry(base.clone()).or_default();
                    *n += 1;
                    html! { <DiagnosticItem key={format!("{base}#{n}")} row={row.clone()} dispatch={dispatch.clone()} /> }
                }) }
            }
        })
    };
    html! {
        <div class="diagnostics">
            <div class="filters" role="group" aria-label="Show severities">
                { for SEVERITIES.iter().map(|&s| {
                    let on = !hidden.contains(&s);
                    let toggle = {
                        let hidden = hidden.clone();
                        Callback::from(move |_| {
                            let mut h = (*hidden).clone();
                            if let Some(i) = h.iter().position(|x| *x == s) { h.remove(i); } else { h.push(s); }
                            hidden.set(h);
                        })
                    };
                    html! {
                        <button class={classes!("filter", format!("severity-{}", s.as_str()))} aria-pressed={on.to_string()}
                            data-testid={format!("filter-{}", s.as_str())} onclick={toggle}>
                            { crate::components::header::plural(state.count(s), s.as_str()) }
                        </button>
                    }
                }) }
            </div>
            if state.rows.is_empty() {
                <p class="empty" data-testid="no-diagnostics">{ "No problems found." }</p>
            } else {
                <ul data-testid="diagnostics">
                    <Frozen html={list} />
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagnosticItemProps {
    pub row: DiagnosticRow,
    /// Not the app context: a context consumer re-renders on every change of the state, and
    /// a list of hundreds of rows must not on every keystroke.
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[function_component(DiagnosticItem)]
fn diagnostic_item(props: &DiagnosticItemProps) -> Html {
    let state = props.dispatch.clone();
    let row = &props.row;
    let severity = row.severity.as_str();
    let jump = {
        let state = state.clone();
        let (file, line, column) = (row.file, row.line, row.column);
        Callback::from(move |_| {
            state.dispatch(Action::Select(file));
            // The tab switch is applied by an effect after this render; jump once it has.
            timer::once(0, move || editor_js::jump(line, column));
        })
    };
    let rule_page = {
        let state = state.clone();
        let rule = row.rule.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            state.dispatch(Action::Show(Panel::Rules, Some(rule.clone())));
        })
    };
    html! {
        <li
            class={classes!("diagnostic", format!("severity-{severity}"))}
            data-testid="diagnostic"
            data-rule={row.rule.clone()}
            data-severity={severity}
            data-file={row.file_name.clone()}
            data-line={row.line.to_string()}
            data-column={row.column.to_string()}
        >
            <div class="headline">
                <span class="badge">{ severity }</span>
                <button class="position" onclick={jump} title="Show in the editor">{ format!("{}:{}:{}", row.file_name, row.line, row.column) }</button>
                <button class="rule" onclick={rule_page} title="What this rule checks">{ &row.rule }</button>
            </div>
            <p class="message">{ &row.message }</p>
            if let Some(help) = &row.help {
                <p class="help"><span class="help-label">{ "help: " }</span>{ help }</p>
            }
        </li>
    }
}
