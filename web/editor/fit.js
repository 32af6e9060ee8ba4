// Embeds with `data-height="auto"` (web/embed/embed.js): the embed page tells the page around
// it the height that shows the whole file without scrolling the editor, whenever that changes
// (lines added or removed, a wrap, the frame's width). The embedding page decides what to do
// with it: embed.js applies it, within bounds, only to the frames asked to fit.

/** The message's type; web/embed/embed.js checks it (HEIGHT there). */
const HEIGHT_MESSAGE = 'kplay:height';

/** The page height that shows every line: what sits above the workspace, then the editor's tabs,
 * its content and its horizontal scroll bar (twice that when the views are stacked under the
 * editor: the grid gives both rows the same share, style.css). Whole pixels, rounded up. */
export function neededHeight({ above, tabs, content, scrollbar, stacked }) {
  const editor = tabs + content + scrollbar;
  return Math.ceil(above + (stacked ? 2 * editor : editor));
}

function measure(view) {
  const workspace = view.dom.closest('.workspace');
  if (!workspace) return null;
  const box = workspace.getBoundingClientRect();
  const scroller = view.scrollDOM;
  const panels = workspace.lastElementChild.getBoundingClientRect();
  return neededHeight({
    above: box.top + window.scrollY,
    tabs: scroller.getBoundingClientRect().top - box.top,
    content: view.contentHeight,
    scrollbar: scroller.offsetHeight - scroller.clientHeight,
    stacked: panels.top >= view.dom.getBoundingClientRect().bottom - 1,
  });
}

/** Starts reporting the needed height of `handle`'s editor to the parent window (a frame only). */
export function reportHeight(handle) {
  if (window.parent === window) return;
  let last = null;
  let queued = false;
  const report = () => {
    queued = false;
    const height = measure(handle.view);
    if (height === null || height === last) return;
    last = height;
    // Not secret, and the embedding page's origin is unknown to the frame: any target.
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  // After the update that changed the geometry has been laid out; a timer, not an animation
  // frame, which browsers hold back in frames out of sight.
  handle.onGeometry = () => {
    if (queued) return;
    queued = true;
    setTimeout(report, 0);
  };
  window.addEventListener('resize', handle.onGeometry);
  handle.onGeometry();
}
