//! The manifest editor: file tabs over the CodeMirror editor (web/editor/). Edits come back
//! debounced from JS; after each analysis the open file's diagnostics become underlines and
//! gutter marks at their exact UTF-16 positions.

use std::fmt::Write as _;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::editor_js;
use crate::embed;
use crate::hooks::{use_app, AppContext};
use crate::state::{Action, DiagnosticRow};

#[function_component(Editor)]
pub fn editor() -> Html {
    let state = use_app();
    let host = use_node_ref();

    {
        let host = host.clone();
        let state = state.clone();
        use_effect_with((), move |()| {
            if let Some(el) = host.cast::<web_sys::Element>() {
                editor_js::mount(&el, move |key: String, text: String| {
                    // Keys are "<generation>:<file name>" (see the `show` effect below).
                    let Some((generation, name)) = key.split_once(':') else { return };
                    let Ok(generation) = generation.parse() else { return };
                    state.dispatch(Action::Edit { generation, name: name.to_owned(), text });
                });
                if embed::mode().is_some() {
                    // For frames the embedding page sizes to their content (data-height="auto").
                    editor_js::report_height();
                }
            }
        });
    }
    {
        let key = format!("{}:{}", state.generation, state.active_name());
        // The state, not a copy of the text: this component renders twice per keystroke.
        let shown = state.clone();
        use_effect_with(key, move |key| editor_js::show(key, shown.text()));
    }
    {
        // Built once per set of rows (the rows of a revision do not change), not per render.
        let rows = state.rows.clone();
        let json = use_memo((state.rows_revision, state.active, state.generation), move |&(_, active, _)| {
            diagnostics_json(rows.iter().filter(|r| r.file == active))
        });
        // Again after the editor's state was replaced (a tab switch, a new example), even when
        // the JSON is the same.
        use_effect_with((json, state.generation, state.active), move |(json, ..)| editor_js::set_diagnostics(json));
    }

    html! {
        <section class="editor" aria-label="Editor">
            <Tabs />
            <p class="editor-keys" id="editor-keys">{ "Tab indents. To leave the editor: Esc, then Tab. F8: next problem." }</p>
            <div class="cm-host" ref={host}></div>
        </section>
    }
}

/// Hands the page an edit still in the editor's 120 ms debounce at once (before an action that
/// must see it); the debounce's own report of the same text then changes nothing.
pub fn flush_pending(state: &AppContext) {
    if let Some(text) = editor_js::pending() {
        state.dispatch(Action::Edit { generation: state.generation, name: state.active_name().to_owned(), text });
    }
}

/// The diagnostics of one file as the JSON array `kplayEditor.setDiagnostics` reads.
fn diagnostics_json<'a>(rows: impl Iterator<Item = &'a DiagnosticRow>) -> String {
    let mut out = String::from("[");
    for (i, r) in rows.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"line":{},"column":{},"endLine":{},"endColumn":{},"severity":{},"rule":{},"message":{},"help":{}}}"#,
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            json_str(r.severity.as_str()),
            json_str(&r.rule),
            json_str(&r.message),
            r.help.as_deref().map_or_else(|| "null".to_owned(), json_str),
        );
    }
    out.push(']');
    out
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The file tabs: click to open, double-click (or the pencil) to rename, × to remove, + to add.
#[function_component(Tabs)]
fn tabs() -> Html {
    let state = use_app();
    let renaming = use_state(|| None::<usize>);
    let add = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::AddFile))
    };
    html! {
        <div class="tabs" role="tablist" aria-label="Files">
            { for state.files.iter().enumerate().map(|(i, f)| {
                let active = i == state.active;
                if *renaming == Some(i) {
                    let done = {
                        let state = state.clone();
                        let renaming = renaming.clone();
                        move |input: HtmlInputElement| {
                            state.dispatch(Action::Rename(i, input.value()));
                            renaming.set(None);
                        }
                    };
                    let onkeydown = {
                        let done = done.clone();
                        let renaming = renaming.clone();
                        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                            "Enter" => done(e.target_unchecked_into()),
                            "Escape" => renaming.set(None),
                            _ => {}
                        })
                    };
                    let onblur = Callback::from(move |e: FocusEvent| done(e.target_unchecked_into()));
                    return html! {
                        <input class="tab-rename" aria-label="File name" data-testid="tab-rename"
                            value={f.name.clone()} {onkeydown} {onblur} autofocus=true />
                    };
                }
                let select = {
                    let state = state.clone();
                    Callback::from(move |_| state.dispatch(Action::Select(i)))
                };
                let rename = {
                    let renaming = renaming.clone();
                    Callback::from(move |_| renaming.set(Some(i)))
                };
                let remove = {
                    let state = state.clone();
                    Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        // An edit still in the editor's debounce belongs to what the removal's
                        // notice offers back.
                        flush_pending(&state);
                        state.dispatch(Action::Remove(i));
                    })
                };
                html! {
                    <span class={classes!("tab", active.then_some("active"))}>
                        <button role="tab" aria-selected={active.to_string()} class="tab-name" data-testid="tab"
                            onclick={select} ondblclick={rename.clone()}>{ &f.name }</button>
                        if active {
                            <button class="tab-icon" title="Rename this file" aria-label={format!("Rename {}", f.name)} onclick={rename}>{ "✎" }</button>
                        }
                        if state.files.len() > 1 {
                            <button class="tab-icon" title="Remove this file" aria-label={format!("Remove {}", f.name)} onclick={remove}>{ "×" }</button>
                        }
                    </span>
                }
            }) }
            <button class="tab-add" title="Add a file" aria-label="Add a file" data-testid="tab-add" onclick={add}>{ "+" }</button>
        </div>
    }
}
