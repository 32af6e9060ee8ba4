// Shared set-up for the browser end-to-end tests: serves the built playground (dist/) on
// 127.0.0.1 and drives Debian's Chromium with playwright-core. Each `*.test.mjs` in this folder
// is run by `cargo xtask test` (step web-e2e) as `node --test`; build dist/ first
// (`cargo xtask build`) to run one by hand: `node --test tests/e2e/playground.test.mjs`.

import { createServer } from 'node:http';
import { readFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = process.env.KPLAY_DIST ?? join(ROOT, 'dist');
/** Screenshots and other test output (git-ignored). */
export const OUT = join(ROOT, 'target', 'e2e');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Embeds run in sandboxed frames with an opaque origin, so every file they load is a
 * cross-origin request: the playground's host must allow any origin (docs/embeds.md). */
const CORS = { 'access-control-allow-origin': '*' };

/** Serves `dir` on 127.0.0.1 at a free port; unknown paths get index.html (a single-page app). */
export async function serveDist(dir = DIST) {
  const base = resolve(dir);
  const index = await readFile(join(base, 'index.html')).catch(() => {
    throw new Error(`${base}/index.html is missing: build the playground first (cargo xtask build)`);
  });
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(base, path));
    if (!file.startsWith(base + sep) && file !== base) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...CORS }).end(body);
    } catch {
      res.writeHead(200, { 'content-type': MIME['.html'], ...CORS }).end(index);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Flags for headless Chromium on these machines: as root the sandbox must be off, and the
 * closed network refuses Chromium's own background connections. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile (--user-data-dir), removed again by `close`. */
export async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), 'kplay-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens `url` in a new page, recording console errors and uncaught exceptions in `errors` and
 * the URL of every request (of any frame) in `requests`. */
export async function openPage(context, url) {
  const page = await context.newPage();
  const { errors, requests } = await recordErrors(page);
  await page.goto(url);
  return { page, errors, requests };
}

/** Records `page`'s console errors, uncaught exceptions and failed requests in `errors`, and the
 * URL of every request (of any frame) in `requests`. */
async function recordErrors(page) {
  const errors = [];
  const requests = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  return { errors, requests };
}

/** The editor bundle alone on a page of its own (no app, no analysis), mounted on the whole
 * page: the keystroke benchmark's floor, and where tests give the editor sets of diagnostics
 * that no analysis replaces. Served from the playground's server, so `url` is its root. */
export async function openBareEditor(context, url) {
  const page = await context.newPage();
  await page.route('**/kplay-bare.html', (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><meta charset="utf-8"><style>html,body{height:100%;margin:0}#h{height:100vh}</style>'
      + '<script src="kplay-editor.js"></script><div id="h"></div>'
      + '<script>window.kplayEditor.mount(document.getElementById("h"), () => {});</script>',
  }));
  const { errors } = await recordErrors(page);
  await page.goto(`${url}kplay-bare.html`);
  return { page, errors };
}

/** Whether `url` is the rule docs script, which the Docs view loads only when it shows a rule. */
export function isRuleDocs(url) {
  return new URL(url).pathname.endsWith('/kplay-rule-docs.js');
}

/** Saves a PNG screenshot under target/e2e/ and returns its path. */
export async function screenshot(page, name) {
  await mkdir(OUT, { recursive: true });
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The diagnostics shown on the page, as plain objects. */
export async function diagnostics(page) {
  return page.$$eval('[data-testid="diagnostic"]', (items) =>
    items.map((li) => ({
      rule: li.dataset.rule,
      file: li.dataset.file,
      severity: li.dataset.severity,
      line: Number(li.dataset.line),
      column: Number(li.dataset.column),
      message: li.querySelector('.message')?.textContent ?? '',
      help: li.querySelector('.help')?.textContent ?? null,
    })),
  );
}

/** The whole text of the playground's editor (CodeMirror renders only the visible lines). */
export async function editorText(page) {
  await page.locator('.cm-content').waitFor();
  return page.evaluate(() => window.kplayEditor.text(window.kplayEditor.current));
}

/** The characters under each underline of `severity`, read back from where it is drawn. The
 * underlines are boxes in a layer beside the text (web/editor/underlines.js), not marks in it:
 * the editor says which characters are at each box's left and right edge. */
export async function underlined(page, severity = 'error') {
  return page.evaluate((sev) => {
    const view = window.kplayEditor.current.view;
    return [...document.querySelectorAll(`.cm-kp-underlines .cm-lintRange-${sev}`)].map((box) => {
      const r = box.getBoundingClientRect();
      const y = r.top + r.height / 2;
      return view.state.sliceDoc(view.posAtCoords({ x: r.left + 1, y }, false), view.posAtCoords({ x: r.right - 1, y }, false));
    });
  }, severity);
}

/** Rests the mouse on the middle of each underline (the first `max`), as a reader does to see
 * its card. The boxes let the mouse through to the text, so this moves the mouse rather than
 * asking Playwright to hover them. `target` is a page or an embed's frame. */
export async function hoverUnderlines(target, max = Infinity) {
  const mouse = target.mouse ?? target.page().mouse;
  for (const box of (await target.locator('.cm-kp-underlines > .cm-lintRange').all()).slice(0, max)) {
    const b = await box.boundingBox();
    if (!b) continue;
    await mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await target.waitForTimeout(350);
  }
}

/** Replaces the editor's text as one user input (select all, then insert), like a paste. */
export async function setEditorText(page, text) {
  const content = page.locator('.cm-content');
  await content.click();
  await page.keyboard.press('Control+A');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.insertText(text);
}

/** The localStorage key of the playground's autosave (web/src/editor_js.rs). */
export const STORAGE_KEY = 'kplay.workspace.v1';

/** A saved workspace in the form share links and the autosave hold (web/src/persist.rs). */
export function savedJson(files, active = 0) {
  return JSON.stringify({ v: 1, files: files.map(([name, text]) => ({ name, text })), active });
}

/** Runs `fn(arg)` in a page of `baseUrl`'s origin that is not the app (the embed demo's
 * stylesheet), to read or seed localStorage without the app's autosave racing with it. */
export async function onOrigin(context, baseUrl, fn, arg) {
  const page = await context.newPage();
  await page.goto(new URL('embed-demo.css', baseUrl).href);
  const out = await page.evaluate(fn, arg);
  await page.close();
  return out;
}

/** The autosaved workspace of `baseUrl`'s origin (null when there is none). */
export function storedWork(context, baseUrl) {
  return onOrigin(context, baseUrl, (key) => localStorage.getItem(key), STORAGE_KEY);
}

/** Closes the pages still open in `context` (earlier tests' playgrounds). The app writes its
 * autosave once typing pauses and when a page is left: a page left open could write its work
 * over what the next test seeds or expects to find. */
export async function closePages(context) {
  await Promise.all(context.pages().map((p) => p.close()));
}

/** Replaces the autosaved workspace of `baseUrl`'s origin (null clears it), after closing the
 * pages still open (`closePages`). */
export async function storeWork(context, baseUrl, json) {
  await closePages(context);
  return onOrigin(
    context,
    baseUrl,
    ([key, value]) => (value === null ? localStorage.removeItem(key) : localStorage.setItem(key, value)),
    [STORAGE_KEY, json],
  );
}

/** Records what content must never make a page do, in any of its frames: dialogs (dismissed)
 * and requests to anything but `origin`'s own files. `openPage` records the console errors. */
export function watch(page, origin) {
  const seen = { dialogs: [], requests: [] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) seen.requests.push(url);
  });
  return seen;
}

/** A manifest made of markup, script and `javascript:` URLs: wherever it is shown, it must be
 * text. Every payload that could run sets `window.__pwned` or opens a dialog. */
export const HOSTILE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: "<script>alert(1)</script>"
  annotations:
    link: javascript:alert(document.cookie)
    img: <img src=x onerror=alert(2)>
    pwn: <img src=x onerror="window.__pwned=1">
    remote: <img src="https://example.invalid/x.png">
    style: <style>@import url(https://example.invalid/x.css);</style>
data:
  page: |
    <iframe src="javascript:alert(3)"></iframe><svg onload=alert(4)>
    </pre></textarea></script><script>window.__pwned=2</script>
    <a href="javascript:window.__pwned=3">click</a>
<b>not yaml</b>: [<script>alert(5)</script>
`;

/** What a page shows that only markup could have made: elements that load or run something,
 * `on*` attributes, and the `window.__pwned` flag of HOSTILE's payloads. CodeMirror's own
 * `img.cm-widgetBuffer` spacers and theme `<style>` elements, and embed.js's sandboxed frames,
 * are not counted. */
export function markupFound(frame) {
  return frame.evaluate(() => {
    const found = [];
    const risky = 'img:not(.cm-widgetBuffer), iframe:not(figure.kplay-embed > iframe[sandbox="allow-scripts"]), object, embed, script:not([src]), a[href^="javascript:"], b, textarea';
    for (const el of document.body.querySelectorAll(risky)) found.push(el.outerHTML.slice(0, 120));
    for (const el of document.querySelectorAll('style')) {
      if (el.textContent.includes('example.invalid')) found.push(el.outerHTML.slice(0, 120));
    }
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) if (/^on/i.test(a.name)) found.push(`<${el.tagName.toLowerCase()} ${a.name}>`);
    }
    if (window.__pwned !== undefined) found.push(`window.__pwned = ${window.__pwned}`);
    return found;
  });
}
