// kplay embeds: turns every `<pre class="kplay">` block of the page into a live, sandboxed
// playground. Load it as a module from where the playground is hosted:
//
//   <pre class="kplay" data-view="problems" data-height="360">apiVersion: v1 ...</pre>
//   <script type="module" src="https://<playground>/embed.js"></script>
//
// Attributes: data-view (problems, objects or rules, as web/src/embed.rs lists; default
// problems), data-height (pixels, 160 to 2000, or "auto": as tall as the file needs, within the
// same bounds; default 360), data-file (the file name shown; default manifest.yaml).
//
// Security (docs/security.md): the YAML is read with textContent and handed to the frame as
// data in the URL fragment, never as HTML. The frame is sandboxed with `allow-scripts` only, so
// it runs in an opaque origin: it can reach neither this page nor the playground's storage.
// The two messages accepted from it must come from that very frame, with the opaque origin: the
// share link of its current state, which must match the share-link alphabet, and the height its
// file needs, a whole number taken only by frames with data-height="auto" and kept within bounds.
//
// Plain JavaScript on purpose: no bundler, no dependency, nothing fetched but the frame.

const HERE = new URL('./', import.meta.url);
/** The playground, which "open in the playground" opens. */
const PAGE = new URL('index.html', HERE);
/** The same page for frames: its policy allows its files in a sandboxed frame in every browser
 * (web/start-script.mjs explains why WebKit needs a page of its own). */
const FRAME_PAGE = new URL('embed.html', HERE);
const MIN_HEIGHT = 160;
const MAX_HEIGHT = 2000;
const DEFAULT_HEIGHT = 360;
/** Longest share fragment accepted from a frame (the playground reads at most 1 MiB). */
const MAX_LINK = 1024 * 1024;
/** The characters of lz-string's URI-safe output after `#s=`. */
const SHARE = /^#s=[A-Za-z0-9+\-$]*$/;
const MESSAGE = 'kplay:share';
const HEIGHT = 'kplay:height';
/** The frame's border, which its height includes (box-sizing: border-box). */
const BORDER = 2;

/** Frames we made, with the link to update and whether they fit their content. */
const frames = new Map();

/** The block's text without the indentation common to all lines and without blank edges. */
export function dedent(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.match(/^[ \t]*/)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n') + '\n';
}

/** Whether the block asks for a frame as tall as its file (data-height="auto"). */
function fits(pre) {
  return (pre.dataset.height ?? '').trim().toLowerCase() === 'auto';
}

function clampHeight(h) {
  return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, h));
}

function height(pre) {
  const h = Number.parseInt(pre.dataset.height ?? '', 10);
  return Number.isFinite(h) ? clampHeight(h) : DEFAULT_HEIGHT;
}

function fileName(pre) {
  const name = (pre.dataset.file ?? '').trim();
  // The playground refuses names with slashes or control characters; keep the default then.
  return name && name.length <= 100 && !/[\\/\u0000-\u001f\u007f]/.test(name) ? name : 'manifest.yaml';
}

/** The frame's address: the view in the query, the files as JSON in the fragment. */
export function frameUrl(yaml, view, file) {
  const url = new URL(FRAME_PAGE);
  url.searchParams.set('embed', '1');
  // The embed page knows its views (web/src/embed.rs) and opens the problems for any other name.
  url.searchParams.set('view', /^[a-z-]{1,32}$/.test(view) ? view : 'problems');
  const saved = { v: 1, files: [{ name: file, text: yaml }], active: 0 };
  url.hash = 'e=' + encodeURIComponent(JSON.stringify(saved));
  return url.href;
}

function build(pre, index) {
  const yaml = dedent(pre.textContent ?? '');
  const view = (pre.dataset.view ?? 'problems').trim().toLowerCase();
  const figure = document.createElement('figure');
  figure.className = 'kplay-embed';
  figure.style.margin = '1em 0';

  const frame = document.createElement('iframe');
  // Scripts only: no same-origin (opaque origin, no storage, no access to this page), no
  // popups, no top navigation, no forms.
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.setAttribute('loading', 'lazy');
  frame.title = `kplay playground: ${view} of ${fileName(pre)} (example ${index + 1})`;
  frame.src = frameUrl(yaml, view, fileName(pre));
  frame.style.width = '100%';
  frame.style.height = `${height(pre)}px`;
  frame.style.border = '1px solid #d8dce0';
  frame.style.borderRadius = '6px';
  frame.style.display = 'block';
  frame.style.boxSizing = 'border-box';

  const caption = document.createElement('figcaption');
  caption.style.font = '0.85em system-ui, sans-serif';
  caption.style.textAlign = 'right';
  caption.style.marginTop = '0.25em';
  const link = document.createElement('a');
  link.className = 'kplay-open';
  link.textContent = 'open in the playground';
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  // Until the frame reports its state, the link opens the playground with the block's text.
  link.href = PAGE.href;
  link.hidden = true;
  caption.append(link);

  figure.append(frame, caption);
  // The original block stays in the page, hidden, for readers and for search engines.
  pre.hidden = true;
  pre.dataset.kplayEmbedded = '1';
  pre.after(figure);
  frames.set(frame, { link, fit: fits(pre) });
}

/** Accepts a frame's share link or height after checking where it comes from and what it holds. */
function onMessage(event) {
  let from;
  for (const [frame, entry] of frames) {
    if (frame.contentWindow === event.source) from = { frame, ...entry };
  }
  // Only our frames, and only while sandboxed: their origin is opaque ("null").
  if (!from || event.origin !== 'null') return;
  const data = event.data;
  if (!data || typeof data !== 'object') return;
  if (data.type === HEIGHT) {
    if (from.fit && Number.isSafeInteger(data.height) && data.height > 0) {
      from.frame.style.height = `${clampHeight(data.height + BORDER)}px`;
    }
    return;
  }
  const link = from.link;
  if (data.type !== MESSAGE || typeof data.hash !== 'string') return;
  if (data.hash.length > MAX_LINK || !SHARE.test(data.hash)) return;
  const url = new URL(PAGE);
  url.hash = data.hash.slice(1);
  link.href = url.href;
  link.hidden = false;
}

export function embedAll(root = document) {
  const blocks = [...root.querySelectorAll('pre.kplay:not([data-kplay-embedded])')];
  blocks.forEach((pre) => build(pre, frames.size));
  return blocks.length;
}

window.addEventListener('message', onMessage);
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => embedAll(), { once: true });
} else {
  embedAll();
}
