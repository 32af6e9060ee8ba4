// kplay playground editor bundle: CodeMirror 6 (YAML, line numbers, search, undo, diagnostics),
// the share-link compressor, and nothing else. Bundled at build time by esbuild
// (`cargo xtask build` runs web/editor/build.mjs) into one classic script that defines
// `window.kplayEditor`; the Yew app calls it through wasm-bindgen extern blocks
// (web/src/editor_js.rs). Everything the page shows from user data goes through textContent:
// manifests and diagnostics are data, never markup.

import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { syntaxHighlighting, HighlightStyle, StreamLanguage } from '@codemirror/language';
import { tags } from '@lezer/highlight';
// YAML highlighting from CodeMirror's line-based stream mode rather than the Lezer grammar
// (@codemirror/lang-yaml): the Lezer YAML parser re-parsed up to its 20 ms budget on every
// keystroke of a long manifest (it cannot reuse nodes across indentation context), and the
// stream mode re-tokenizes only the lines it must; the page needs colouring only (kplay's own
// parser finds the errors), and the bundle is smaller.
import { yaml } from '@codemirror/legacy-modes/mode/yaml';
import { underlines, forEachPlace, placesLost, setDiagnosticsEffect } from './underlines.js';
import { splitter } from './splitter.js';
import { reportHeight } from './fit.js';
import LZString from 'lz-string';

/** The colours of the YAML mode's tokens, from CSS variables (web/style.css) so that they follow
 * the page's light or dark theme; CodeMirror's default style is made for light backgrounds only
 * (its dark blue keys were hard to read on the dark theme). */
const yamlColours = HighlightStyle.define([
  { tag: tags.atom, color: 'var(--syn-key)' }, // mapping keys
  { tag: tags.string, color: 'var(--syn-string)' },
  { tag: tags.number, color: 'var(--syn-number)' },
  { tag: tags.keyword, color: 'var(--syn-keyword)' }, // true, false, null, ~
  { tag: tags.meta, color: 'var(--syn-meta)' }, // ---, ..., %directives, | and >
  { tag: [tags.definition(tags.variableName), tags.variableName], color: 'var(--syn-anchor)' }, // &anchor, *alias
  { tag: tags.comment, color: 'var(--syn-comment)' },
]);

/** Milliseconds of quiet typing before the document is analysed again. */
const DEBOUNCE_MS = 120;

function extensions(handle) {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    // The diagnostics: underlines, a gutter mark per line, hover cards and F8 (underlines.js).
    underlines(),
    highlightSpecialChars(),
    history(),
    // No drawSelection(): the browser's own caret and selection (coloured in web/style.css). The
    // drawn cursor layer is measured again after every change, a forced layout per keystroke:
    // without it a keystroke on a 1,000-line manifest costs ~3-4 ms less main-thread work in
    // Chromium (ARCHITECTURE.md, keystroke benchmark). The page has one selection range.
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntaxHighlighting(yamlColours),
    StreamLanguage.define(yaml),
    EditorState.tabSize.of(2),
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
    // Tab indents (indentWithTab); CodeMirror's escape hatch is Esc then Tab, which the hint
    // the page shows while the editor has focus says (web/src/components/editor.rs).
    EditorView.contentAttributes.of({ 'aria-label': 'Kubernetes manifest', 'aria-describedby': 'editor-keys', 'data-testid': 'editor' }),
    EditorView.updateListener.of((u) => {
      if (handle.onGeometry && (u.heightChanged || u.geometryChanged)) handle.onGeometry();
      if (!u.docChanged || handle.silent) return;
      clearTimeout(handle.timer);
      handle.timer = setTimeout(() => {
        handle.timer = undefined;
        const { state } = u.view;
        handle.onChange(handle.key, state.doc.toString());
        // The text is back to the one the diagnostics shown were made for, but edits on the
        // way deleted some of their places (the same file pasted over itself, a word deleted
        // and typed again): the page sends no new set for an unchanged text, so show the
        // last one again.
        if (handle.shown && placesLost(state) && state.doc.eq(handle.shown.doc)) kplayEditor.setDiagnostics(handle, handle.shown.json);
      }, DEBOUNCE_MS);
    }),
  ];
}

/** Whether the editor already shows exactly these diagnostics at these places. An edit that adds
 * or removes a line changes the line numbers of every diagnostic below it but not the places
 * CodeMirror shows them at (it moved them along with the edit); setting them again would measure
 * and draw every underline again. */
function showsAlready(state, next) {
  const shown = [];
  forEachPlace(state, (d, from, to) => shown.push(`${from}:${to}:${d.kplayKey}`));
  if (shown.length !== next.length) return false;
  const wanted = next.map((d) => `${d.from}:${d.to}:${d.kplayKey}`);
  shown.sort();
  wanted.sort();
  return shown.every((s, i) => s === wanted[i]);
}

/** A hover card: message, help and a link to the rule's page, all as text nodes. */
function renderMessage(d) {
  const box = document.createElement('div');
  box.className = 'kp-card';
  const msg = document.createElement('div');
  msg.className = 'kp-card-message';
  msg.textContent = d.message;
  box.append(msg);
  if (d.help) {
    const help = document.createElement('div');
    help.className = 'kp-card-help';
    help.textContent = `help: ${d.help}`;
    box.append(help);
  }
  const rule = document.createElement('a');
  rule.className = 'kp-card-rule';
  rule.textContent = d.rule;
  // Rule names are kebab-case identifiers from the registry; encode anyway.
  rule.href = `#rule=${encodeURIComponent(d.rule)}`;
  box.append(rule);
  return box;
}

/** Converts a 1-based line and UTF-16 column to a document offset, clamped into the document. */
function offset(doc, line, column) {
  if (line < 1) return 0;
  if (line > doc.lines) return doc.length;
  const l = doc.line(line);
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

const kplayEditor = {
  /** Creates an editor in `parent`; `onChange(key, text)` is called (debounced) after user edits
   * of the file shown under `key`. */
  mount(parent, onChange) {
    const handle = { onChange, timer: undefined, silent: false, states: new Map(), key: null, shown: null };
    handle.extensions = extensions(handle);
    handle.view = new EditorView({ parent, state: EditorState.create({ doc: '', extensions: handle.extensions }) });
    // The page has one editor; tests and the embed page read it through `current`.
    kplayEditor.current = handle;
    return handle;
  },

  /** Shows file `key` with `text`. A file shown before keeps its undo history if unchanged. */
  show(handle, key, text) {
    const view = handle.view;
    if (handle.key === key) {
      if (view.state.doc.toString() === text) return;
      handle.silent = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      handle.silent = false;
      return;
    }
    // An edit still waiting for the debounce belongs to the file being left: report it now.
    if (handle.timer !== undefined) {
      clearTimeout(handle.timer);
      handle.timer = undefined;
      handle.onChange(handle.key, view.state.doc.toString());
    }
    if (handle.key !== null) handle.states.set(handle.key, view.state);
    // The page sends the new file's diagnostics once it shows.
    handle.shown = null;
    const kept = handle.states.get(key);
    const state = kept && kept.doc.toString() === text ? kept : EditorState.create({ doc: text, extensions: handle.extensions });
    view.setState(state);
    handle.key = key;
  },

  /** Forgets the kept state of a removed or renamed file. */
  forget(handle, key) {
    handle.states.delete(key);
  },

  /** Replaces the diagnostics: a JSON array of {line, column, endLine, endColumn, severity,
   * message, help, rule} with 1-based lines and UTF-16 columns. */
  setDiagnostics(handle, json) {
    const view = handle.view;
    const doc = view.state.doc;
    let items;
    try {
      items = JSON.parse(json);
    } catch {
      items = [];
    }
    const diagnostics = items.map((d) => {
      const from = offset(doc, d.line, d.column);
      const to = Math.max(from, offset(doc, d.endLine, d.endColumn));
      return {
        from,
        to,
        severity: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
        message: d.message,
        renderMessage: () => renderMessage(d),
        kplayKey: JSON.stringify([d.severity, d.rule, d.message, d.help]),
      };
    });
    handle.shown = { doc, json };
    if (!showsAlready(view.state, diagnostics)) view.dispatch({ effects: setDiagnosticsEffect.of(diagnostics) });
  },

  /** Where the diagnostics shown are now (document offsets, moved by the edits since they were
   * set): for tests, which check that each underline is drawn at its characters. */
  places(handle) {
    const out = [];
    forEachPlace(handle.view.state, (d, from, to) => out.push({ from, to }));
    return out;
  },

  /** Moves the cursor to a 1-based line and UTF-16 column and focuses the editor. */
  jump(handle, line, column) {
    const view = handle.view;
    const pos = offset(view.state.doc, line, column);
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  },

  /** The text of an edit not reported yet (still in the debounce), or null. The page asks when
   * it is left, so that the keystrokes of the last 120 ms are saved too. */
  pending(handle) {
    return handle.timer === undefined ? null : handle.view.state.doc.toString();
  },

  /** The text in the editor now (not waiting for the debounce). */
  text(handle) {
    return handle.view.state.doc.toString();
  },

  /** Makes `handle` the splitter between the editor and the views of `workspace`
   * (splitter.js); `remember`: keep the split in localStorage (the playground, not embeds). */
  splitter,

  /** In an embed's frame: tells the embedding page the height that shows the whole file, on
   * every change of it (fit.js). */
  reportHeight,

  /** Share links: text to a URL-safe compressed string and back (null when corrupt). */
  compress(text) {
    return LZString.compressToEncodedURIComponent(text);
  },
  decompress(data) {
    try {
      const out = LZString.decompressFromEncodedURIComponent(data);
      return typeof out === 'string' && out.length > 0 ? out : null;
    } catch {
      return null;
    }
  },
};

window.kplayEditor = kplayEditor;
