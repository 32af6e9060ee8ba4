// kplay's diagnostics in the editor: underlines drawn as a layer over the text, a gutter mark
// per line, hover cards, F8 / Shift-F8 to step through them. `kplayEditor.setDiagnostics`
// (index.js) dispatches `setDiagnosticsEffect` with the set.
//
// Why not @codemirror/lint: its underlines are mark decorations, so showing one splits the
// line's text into a new span. When the cursor is on that line (it is, while someone types an
// error) CodeMirror must then place the DOM selection again, which forces a layout inside the
// task that applies the worker's reply, and the frame lays out and paints the line's text
// again (ARCHITECTURE.md, "Underlines"). A layer (as CodeMirror draws its selection) changes no
// text: it measures where the characters are and draws absolutely placed boxes over them. Its
// measuring happens only when an underline can have moved (below), not on every keystroke.
// Without lint's underlines, its module was 3.6 KB (gzipped) for the gutter alone: the gutter
// is here too.

import { EditorView, ViewPlugin, hoverTooltip, RectangleMarker, keymap, gutter, GutterMarker, showTooltip } from '@codemirror/view';
import { StateField, StateEffect, RangeSet, RangeValue } from '@codemirror/state';

/** A new set of diagnostics: `{from, to, severity, message, renderMessage, kplayKey}` each. */
export const setDiagnosticsEffect = StateEffect.define();

/** One diagnostic's place in the document, kept as a range value so that CodeMirror moves it
 * along with every edit until the next analysis replaces it. Like @codemirror/lint's marks, a
 * place does not grow with text typed at its ends, and goes when its text is deleted or
 * replaced (pasting a whole new file leaves no underline of the old one behind). A
 * zero-length place (an error at the end of a file) stays where it is, drawn as a point. */
class Place extends RangeValue {
  constructor(diagnostic, empty) {
    super();
    this.diagnostic = diagnostic;
    if (!empty) {
      this.startSide = 1;
      this.endSide = -1;
    }
  }
  eq(other) {
    return this.diagnostic === other.diagnostic;
  }
}

/** The diagnostics shown, by place; `version` changes whenever a new set is applied, `count`
 * is how many it had, `marks` are the gutter's (one per line with diagnostics). */
const places = StateField.define({
  create: () => ({ set: RangeSet.empty, version: 0, count: 0, marks: RangeSet.empty }),
  update(value, tr) {
    let next = value;
    if (tr.docChanged) next = { ...value, set: value.set.map(tr.changes), marks: value.marks.map(tr.changes) };
    for (const e of tr.effects) {
      if (e.is(setDiagnosticsEffect)) {
        next = {
          set: RangeSet.of(e.value.map((d) => new Place(d, d.from === d.to).range(d.from, d.to)), true),
          version: value.version + 1,
          count: e.value.length,
          marks: gutterMarks(tr.state.doc, e.value),
        };
      }
    }
    return next;
  },
});

/** Whether edits since the last set deleted the text of some of its diagnostics. */
export function placesLost(state) {
  const { set, count } = state.field(places);
  return set.size < count;
}

/** Every diagnostic shown, with where it is now (edits since it was set moved it). */
export function forEachPlace(state, f) {
  state.field(places).set.between(0, state.doc.length, (from, to, place) => {
    f(place.diagnostic, from, to);
  });
}

/** Whether an edit changed a line with an underline in the part of the document that is
 * drawn, so that where its characters are must be measured again. Lines do not wrap (no
 * `EditorView.lineWrapping`), so an edit moves sideways only what is on the lines it touched;
 * what is below them only moves up or down when lines are added or removed (`shifted`). A
 * change in the line numbers' width (999 to 1,000 lines) moves the whole text sideways. */
function touchesUnderline(update) {
  const { set } = update.state.field(places);
  if (set.size === 0) return false;
  const doc = update.state.doc;
  if (String(update.startState.doc.lines).length !== String(doc.lines).length) return true;
  const { from: top, to: bottom } = update.view.viewport;
  let touched = false;
  update.changes.iterChangedRanges((fromA, toA, fromB, toB) => {
    const from = Math.max(doc.lineAt(fromB).from, top);
    const to = Math.min(doc.lineAt(toB).to, bottom);
    if (touched || from > to) return;
    set.between(from, to, () => {
      touched = true;
      return false;
    });
  });
  return touched;
}

const SEVERITIES = ['error', 'warning', 'info', 'hint'];

/** The boxes of the underlines in the drawn part of the document. Each remembers where its
 * diagnostic starts and the top of that line in CodeMirror's height map, so that an edit above
 * it can move it without measuring (`shifted`). */
function markers(view) {
  const out = [];
  const { from: top, to: bottom } = view.viewport;
  view.state.field(places).set.between(top, bottom, (from, to, place) => {
    const severity = SEVERITIES.includes(place.diagnostic.severity) ? place.diagnostic.severity : 'info';
    const boxes = from === to
      ? RectangleMarker.forRange(view, `cm-lintPoint cm-lintPoint-${severity}`, { empty: true, head: from, assoc: 1 })
      : RectangleMarker.forRange(view, `cm-lintRange cm-lintRange-${severity}`, { empty: false, from, to });
    const lineTop = view.lineBlockAt(from).top;
    for (const box of boxes) out.push({ box, from, lineTop });
  });
  return out;
}

/** The boxes moved up or down by as much as the lines they start on moved in CodeMirror's height
 * map (after an edit, `changes` first moves where each starts). An edit updates the map with
 * the measured height of a line for the new lines; when CodeMirror then measures them as
 * different, its height update comes next (`update` below). */
function shifted(drawn, view, changes) {
  return drawn.map((m) => {
    const from = changes ? changes.mapPos(m.from) : m.from;
    const lineTop = view.lineBlockAt(from).top;
    if (lineTop === m.lineTop && from === m.from) return m;
    const b = m.box;
    return { box: new RectangleMarker(b.className, b.left, b.top + lineTop - m.lineTop, b.width, b.height), from, lineTop };
  });
}

/** What places the text as a whole: the width of a character, the height of a line and where
 * the text starts in the scroller. While these stay, no character moves sideways (lines do not
 * wrap), and a change of height only moves lines up or down. Read in the measuring phase,
 * when the layout is fresh. */
function textFrame(view) {
  const content = view.contentDOM.getBoundingClientRect();
  const scroller = view.scrollDOM.getBoundingClientRect();
  const left = content.left - scroller.left + view.scrollDOM.scrollLeft;
  const top = content.top - scroller.top + view.scrollDOM.scrollTop;
  return `${view.defaultCharacterWidth} ${view.defaultLineHeight} ${left} ${top}`;
}

/** The layer: a box beside the editor's text (as CodeMirror's own `layer()` draws the selection)
 * holding one absolutely placed box per underline. Not CodeMirror's `layer()` itself: that one
 * measures its markers again after every edit (it treats any edit as a change of geometry),
 * which is a round of DOM reads per keystroke. This one measures every box only when the set
 * of diagnostics changed, the drawn part of the document moved (scrolling), an edit changed a
 * line with an underline (`touchesUnderline`), or the text as a whole moved (`textFrame`). An
 * edit elsewhere, or a line measured higher than CodeMirror thought, moves the boxes up or
 * down without measuring them (`shifted`). */
const underlineLayer = ViewPlugin.fromClass(class {
  constructor(view) {
    this.drawn = [];
    this.frame = null;
    // Whether the next measuring must measure every box again.
    this.full = true;
    this.dom = view.scrollDOM.appendChild(document.createElement('div'));
    this.dom.className = 'cm-layer cm-kp-underlines';
    this.dom.setAttribute('aria-hidden', 'true');
    this.dom.style.display = 'none';
    this.measure = { read: (v) => this.read(v), write: (next) => this.draw(next) };
    view.requestMeasure(this.measure);
  }

  update(update) {
    const [before, after] = [update.startState.field(places), update.state.field(places)];
    // An edit that deleted a place's text dropped it (its box must go too).
    if (before.version !== after.version || before.set.size !== after.set.size
      || update.viewportMoved
      || (update.docChanged && touchesUnderline(update))) {
      this.full = true;
    }
    // The boxes drawn always follow the edit (a measuring pending or not), so that what they
    // remember of the document stays in step with it.
    if (update.docChanged) this.draw(shifted(this.drawn, update.view, update.changes));
    if (this.full || (!update.docChanged && update.geometryChanged)) update.view.requestMeasure(this.measure);
  }

  read(view) {
    const frame = textFrame(view);
    const full = this.full || frame !== this.frame;
    this.full = false;
    this.frame = frame;
    return full ? markers(view) : shifted(this.drawn, view, null);
  }

  /** Keeps the element of every box that did not move, gives the elements of boxes that went to
   * new boxes of the same look (moved), and draws the rest. Boxes come in document order, so an
   * unmoved box is looked for from just after the last one found. Pairing the old and new boxes
   * by position instead (as CodeMirror's layers do) moved every box below an underline that came
   * and drew every box below one that went (a mutation observer: 5 styles written per keystroke
   * that adds an underline in sight, 6 boxes drawn anew per keystroke that removes one). */
  draw(next) {
    if (next.length === this.drawn.length && next.every((m, i) => m.box.eq(this.drawn[i].box))) {
      this.drawn = next;
      return;
    }
    const olds = Array.from(this.dom.children);
    const kept = new Array(olds.length).fill(false);
    let from = 0;
    const elements = next.map(({ box }) => {
      for (let j = from; j < olds.length; j++) {
        if (!kept[j] && box.eq(this.drawn[j].box)) {
          kept[j] = true;
          from = j + 1;
          return olds[j];
        }
      }
      return null;
    });
    const spare = olds.filter((_, j) => !kept[j]);
    const spareBoxes = this.drawn.filter((_, j) => !kept[j]).map((m) => m.box);
    next.forEach(({ box }, k) => {
      if (elements[k]) return;
      const j = spareBoxes.findIndex((b, n) => spare[n] && b.className === box.className);
      if (j >= 0 && box.update(spare[j], spareBoxes[j])) {
        elements[k] = spare[j];
        spare[j] = null;
      } else {
        elements[k] = box.draw();
      }
    });
    for (const e of spare) e?.remove();
    // In order: an element already in its place is not touched.
    let at = this.dom.firstChild;
    for (const e of elements) {
      if (e === at) at = at.nextSibling;
      else this.dom.insertBefore(e, at);
    }
    this.drawn = next;
    // Hidden while empty, as CodeMirror hides its own empty layers in WebKit (its issues 1600,
    // 1627 and 1686); the same in every engine here.
    this.dom.style.display = next.length > 0 ? '' : 'none';
  }

  destroy() {
    this.dom.remove();
  }
});

/** The hover card of the diagnostics under the mouse at `pos` (`cardList`). */
function tooltipAt(view, pos, side) {
  const found = [];
  let start = pos;
  let end = pos;
  view.state.field(places).set.between(pos - (side < 0 ? 1 : 0), pos + (side > 0 ? 1 : 0), (from, to, place) => {
    if (pos >= from && pos <= to && (from === to || ((pos > from || side > 0) && (pos < to || side < 0)))) {
      if (found.length === 0) {
        start = from;
        end = to;
      }
      found.push(place.diagnostic);
    }
  });
  if (found.length === 0) return null;
  return {
    pos: start,
    end,
    above: true,
    create() {
      return { dom: cardList(view, found) };
    },
  };
}

/** Like @codemirror/lint's card, the card closes when new diagnostics arrive or an edit touches
 * its line. */
function hideCard(tr, card) {
  const line = tr.startState.doc.lineAt(card.pos);
  return tr.effects.some((e) => e.is(setDiagnosticsEffect)) || tr.changes.touchesRange(line.from, Math.max(line.to, card.end ?? card.pos));
}

const RANK = { hint: 0, info: 1, warning: 2, error: 3 };

/** The gutter's mark of a line: its worst severity, and the line's diagnostics for the card.
 * Equal to another of the same severity: its element shows nothing else, and the card reads the
 * line's diagnostics from the state when it opens (`marksAt`), so an element kept for a newer
 * mark never shows the older one's. CodeMirror's gutter gives its elements to the lines with
 * marks in order, so when a mark comes or goes every line below it in sight gets another line's
 * mark; compared by their diagnostics, each of those elements was made again (six or so per
 * keystroke on the benchmark's manifest, traced). */
class LineMark extends GutterMarker {
  constructor(diagnostics) {
    super();
    this.diagnostics = diagnostics;
    this.severity = diagnostics.reduce((worst, d) => (RANK[d.severity] > RANK[worst] ? d.severity : worst), 'hint');
  }
  eq(other) {
    return other.severity === this.severity;
  }
  toDOM(view) {
    const mark = document.createElement('div');
    mark.className = `cm-lint-marker cm-lint-marker-${this.severity}`;
    mark.addEventListener('mouseenter', () => cardTimers.hover(view, mark));
    mark.addEventListener('mouseleave', () => cardTimers.leave(view));
    return mark;
  }
}

/** The diagnostics of the gutter's mark on the line starting at `from` (none without one). */
function marksAt(state, from) {
  let found = [];
  state.field(places).marks.between(from, from, (at, _to, mark) => {
    if (at !== from) return undefined;
    found = mark.diagnostics;
    return false;
  });
  return found;
}

/** One mark per line that has diagnostics (where each starts). */
function gutterMarks(doc, diagnostics) {
  const byLine = new Map();
  for (const d of diagnostics) {
    const line = doc.lineAt(Math.min(d.from, doc.length)).from;
    if (!byLine.has(line)) byLine.set(line, []);
    byLine.get(line).push(d);
  }
  return RangeSet.of([...byLine].map(([line, ds]) => new LineMark(ds).range(line)), true);
}

/** The card of a gutter mark, shown while the mouse rests on the mark or on the card. */
const setGutterCard = StateEffect.define();
const gutterCard = StateField.define({
  create: () => null,
  update(card, tr) {
    for (const e of tr.effects) if (e.is(setGutterCard)) return e.value;
    return card && tr.docChanged ? null : card;
  },
  provide: (f) => showTooltip.from(f),
});

/** When the gutter's card opens (after the mouse rests 300 ms on a mark, as lint's did) and
 * closes (200 ms after the mouse left both the mark and the card). */
const cardTimers = {
  show: undefined,
  hide: undefined,
  hover(view, mark) {
    clearTimeout(this.hide);
    clearTimeout(this.show);
    this.show = setTimeout(() => {
      const line = view.elementAtHeight(mark.getBoundingClientRect().top + 5 - view.documentTop);
      const diagnostics = marksAt(view.state, line.from);
      if (diagnostics.length === 0) return;
      view.dispatch({ effects: setGutterCard.of({
        pos: line.from,
        above: false,
        clip: false,
        create: () => {
          const dom = cardList(view, diagnostics);
          dom.addEventListener('mouseenter', () => clearTimeout(this.hide));
          dom.addEventListener('mouseleave', () => this.leave(view));
          return { dom, getCoords: () => mark.getBoundingClientRect() };
        },
      }) });
    }, 300);
  },
  leave(view) {
    clearTimeout(this.show);
    clearTimeout(this.hide);
    this.hide = setTimeout(() => {
      if (view.state.field(gutterCard, false)) view.dispatch({ effects: setGutterCard.of(null) });
    }, 200);
  },
};

/** The list of cards of `diagnostics` (each made by its `renderMessage`). */
function cardList(view, diagnostics) {
  const list = document.createElement('ul');
  list.className = 'cm-tooltip-lint';
  for (const d of diagnostics) {
    const item = document.createElement('li');
    item.className = `cm-diagnostic cm-diagnostic-${d.severity}`;
    const text = document.createElement('span');
    text.className = 'cm-diagnosticText';
    text.append(d.renderMessage ? d.renderMessage(view) : d.message);
    item.append(text);
    list.append(item);
  }
  return list;
}

/** Selects the next (or previous) diagnostic after (before) the cursor, wrapping around. */
function step(forward) {
  return (view) => {
    const all = [];
    forEachPlace(view.state, (d, from, to) => all.push({ from, to }));
    if (all.length === 0) return false;
    const head = view.state.selection.main;
    const next = forward
      ? all.find((p) => p.from > head.from || (p.from === head.from && p.to > head.to)) ?? all[0]
      : [...all].reverse().find((p) => p.from < head.from) ?? all[all.length - 1];
    view.dispatch({ selection: { anchor: next.from, head: next.to }, scrollIntoView: true });
    return true;
  };
}

/** The underlines' look: @codemirror/lint's wavy lines, on boxes of the characters' height. */
function wavy(colour) {
  const path = `<path d="m0 2.5 l2 -1.5 l1 0 l2 1.5 l1 0" stroke="${colour}" fill="none" stroke-width=".7"/>`;
  return `url('data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" width="6" height="3">${encodeURIComponent(path)}</svg>')`;
}
/** A 40×40 SVG drawing as a CSS image. */
function icon(shape) {
  return `url('data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">${encodeURIComponent(shape)}</svg>')`;
}

const theme = EditorView.baseTheme({
  // Over the text (the active line's background would hide it below), and never in the way of
  // the mouse: hovering finds the diagnostic by the character under the pointer.
  '.cm-kp-underlines': { zIndex: 150, pointerEvents: 'none' },
  '.cm-kp-underlines .cm-lintRange': { backgroundPosition: 'left bottom', backgroundRepeat: 'repeat-x' },
  '.cm-kp-underlines .cm-lintRange-error': { backgroundImage: wavy('#f11') },
  '.cm-kp-underlines .cm-lintRange-warning': { backgroundImage: wavy('orange') },
  '.cm-kp-underlines .cm-lintRange-info': { backgroundImage: wavy('#999') },
  '.cm-kp-underlines .cm-lintRange-hint': { backgroundImage: wavy('#66d') },
  '.cm-kp-underlines .cm-lintPoint': {
    width: '0',
    borderLeft: '3px solid transparent',
    borderRight: '3px solid transparent',
    borderBottom: '4px solid #d11',
    boxSizing: 'border-box',
    marginLeft: '-3px',
  },
  '.cm-kp-underlines .cm-lintPoint-warning': { borderBottomColor: 'orange' },
  '.cm-kp-underlines .cm-lintPoint-info': { borderBottomColor: '#999' },
  '.cm-kp-underlines .cm-lintPoint-hint': { borderBottomColor: '#66d' },
  // The cards, in the style @codemirror/lint gave them.
  '.cm-diagnostic': { padding: '3px 6px 3px 8px', marginLeft: '-1px', display: 'block', whiteSpace: 'pre-wrap' },
  '.cm-diagnostic-error': { borderLeft: '5px solid #d11' },
  '.cm-diagnostic-warning': { borderLeft: '5px solid orange' },
  '.cm-diagnostic-info': { borderLeft: '5px solid #999' },
  '.cm-diagnostic-hint': { borderLeft: '5px solid #66d' },
  '.cm-tooltip-lint': { padding: 0, margin: 0 },
  // The gutter's marks: a red disc, an amber triangle, a blue square.
  '.cm-gutter-lint': { width: '1.4em', '& .cm-gutterElement': { padding: '.2em' } },
  '.cm-lint-marker': { width: '1em', height: '1em' },
  '.cm-lint-marker-error': { content: icon('<circle cx="20" cy="20" r="15" fill="#f87" stroke="#f43" stroke-width="6"/>') },
  '.cm-lint-marker-warning': { content: icon('<path fill="#fe8" stroke="#fd7" stroke-width="6" stroke-linejoin="round" d="M20 6L37 35L3 35Z"/>') },
  '.cm-lint-marker-info, .cm-lint-marker-hint': { content: icon('<path fill="#aaf" stroke="#77e" stroke-width="6" stroke-linejoin="round" d="M5 5L35 5L35 35L5 35Z"/>') },
});

/** The extension; a new set comes as `setDiagnosticsEffect`. */
export function underlines() {
  return [
    places,
    gutter({ class: 'cm-gutter-lint', markers: (view) => view.state.field(places).marks }),
    gutterCard,
    underlineLayer,
    hoverTooltip(tooltipAt, { hideOn: hideCard }),
    keymap.of([
      { key: 'F8', run: step(true) },
      { key: 'Shift-F8', run: step(false) },
    ]),
    theme,
  ];
}
