// The splitter between the editor and the views (the WAI-ARIA "window splitter" pattern). The
// user drags it, or focuses it and presses Left/Right (Shift: larger steps), Home/End, or Enter
// (or double-clicks) for the default split. At 1024 px the routing map is wider than its half
// of the page; giving the views more room shows it whole.
//
// It sets `--editor-share` on the workspace (style.css's grid columns read it) and its own
// aria-valuenow. The playground remembers the split in localStorage; embeds never store.
// Plain DOM code in the editor bundle rather than a Yew component: the same in Rust cost
// 3.3-3.7 KB gzipped of wasm (measured: six event-listener types, closures, glue), this 0.8 KB.

export const MIN_SHARE = 20;
export const MAX_SHARE = 80;
const STEP = 2;
const BIG_STEP = 10;
const SPLIT_KEY = 'kplay.split.v1';

/** A share of the width in percent, within range and to a tenth; null for a non-number. */
export function clampShare(percent) {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) return null;
  return Math.round(Math.min(MAX_SHARE, Math.max(MIN_SHARE, percent)) * 10) / 10;
}

/** The stored share, if it is one (anything else in storage is ignored). */
export function parseShare(stored) {
  if (typeof stored !== 'string' || !/^\s*\d{1,3}(\.\d)?\s*$/.test(stored)) return null;
  return clampShare(Number(stored));
}

/** Where a key moves the splitter from `current`: a share, 'reset' for the default, or
 * undefined for a key the splitter does not use. */
export function keyMove(key, shift, current) {
  const step = shift ? BIG_STEP : STEP;
  switch (key) {
    case 'ArrowLeft': return clampShare(current - step);
    case 'ArrowRight': return clampShare(current + step);
    case 'Home': return MIN_SHARE;
    case 'End': return MAX_SHARE;
    case 'Enter': return 'reset';
    default: return undefined;
  }
}

function storage() {
  // An embed's sandboxed frame has an opaque origin: touching localStorage throws there.
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Makes `handle` (an element between the editor and the views of `workspace`) a splitter;
 * `remember`: keep the user's split in localStorage. */
export function splitter(handle, workspace, remember) {
  const store = remember ? storage() : null;
  let share = null;
  /** The editor's share as laid out (the default's, before the user chose one). */
  const measured = () => {
    const all = workspace.getBoundingClientRect().width;
    const editor = workspace.firstElementChild.getBoundingClientRect().width;
    return all > 0 ? clampShare((editor / all) * 100) : 50;
  };
  const show = () => {
    const now = Math.round(share ?? measured());
    handle.setAttribute('aria-valuenow', String(now));
    handle.setAttribute('aria-valuetext', `editor ${now}% of the width`);
  };
  const choose = (value, keep) => {
    share = value;
    if (share === null) workspace.style.removeProperty('--editor-share');
    else workspace.style.setProperty('--editor-share', `${share}%`);
    if (keep && store) {
      try {
        if (share === null) store.removeItem(SPLIT_KEY);
        else store.setItem(SPLIT_KEY, String(share));
      } catch {
        // A full or refused storage only loses the split.
      }
    }
    show();
  };
  const atPointer = (e) => {
    const rect = workspace.getBoundingClientRect();
    return rect.width > 0 ? clampShare(((e.clientX - rect.left) / rect.width) * 100) : null;
  };

  handle.setAttribute('role', 'separator');
  handle.setAttribute('aria-orientation', 'vertical');
  handle.setAttribute('aria-valuemin', String(MIN_SHARE));
  handle.setAttribute('aria-valuemax', String(MAX_SHARE));
  handle.setAttribute('aria-label', 'Width of the editor (arrow keys move, Enter resets)');
  handle.title = 'Drag to resize; double-click to reset';
  handle.tabIndex = 0;

  let dragging = false;
  handle.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    handle.setPointerCapture(e.pointerId);
    dragging = true;
    workspace.classList.add('resizing');
  });
  handle.addEventListener('pointermove', (e) => {
    const value = dragging ? atPointer(e) : null;
    if (value !== null) choose(value, false);
  });
  /** Ends a drag where the pointer was let go, or (`at` null: cancelled) where it was last. */
  const stop = (at) => {
    if (!dragging) return;
    dragging = false;
    workspace.classList.remove('resizing');
    choose(at ?? share, true);
  };
  handle.addEventListener('pointerup', (e) => stop(atPointer(e)));
  handle.addEventListener('pointercancel', () => stop(null));
  handle.addEventListener('dblclick', () => choose(null, true));
  // Without a chosen share, the default's width changes with the window's (style.css).
  window.addEventListener('resize', () => share === null && show());
  handle.addEventListener('keydown', (e) => {
    const value = keyMove(e.key, e.shiftKey, share ?? measured());
    if (value === undefined || value === null) return;
    e.preventDefault();
    choose(value === 'reset' ? null : value, true);
  });

  let stored = null;
  try {
    stored = store ? parseShare(store.getItem(SPLIT_KEY)) : null;
  } catch {
    stored = null;
  }
  choose(stored, false);
}
