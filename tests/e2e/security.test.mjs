// The page's security (docs/security.md): the Content-Security-Policy holds with no violation,
// and a manifest full of markup, script and javascript: URLs, arriving by share link, by
// localStorage or by an embed on another site, is shown as text: no dialog, no console error,
// no element or handler made from it, and no request but the page's own files.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import LZString from 'lz-string';
import { serveDist, launchBrowser, openPage, editorText, savedJson, storeWork, watch, markupFound, hoverUnderlines, HOSTILE, DIST } from './support.mjs';

const WAIT = { timeout: 10_000 };
/** A file name the tabs accept (no slash) that is markup too. */
const HOSTILE_NAME = '<img src=x onerror="window.__pwned=4">.yaml';
/** A manifest that parses, so the stored-objects view shows its hostile values. */
const HOSTILE_OBJECT = `apiVersion: v1
kind: ConfigMap
metadata:
  name: xss
  labels:
    app: "<svg onload=alert(6)>"
  annotations:
    script: <script>alert(1)</script>
    link: javascript:window.__pwned=5
data:
  html: <img src=x onerror="window.__pwned=6"><b>bold</b>
`;
const WORKSPACE = savedJson([[HOSTILE_NAME, HOSTILE], ['second.yaml', HOSTILE_OBJECT]]);

let server;
let browser;
let origin;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
  origin = new URL(server.url).origin;
  // CSP violations are reported as console errors too; this records them with their directive.
  await browser.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A blank page that records what content must not make it do; waits time out in 10 s. */
async function blank() {
  const { page, errors } = await openPage(browser.context, 'about:blank');
  page.setDefaultTimeout(WAIT.timeout);
  return { page, errors, seen: watch(page, origin) };
}

/** Shows every place the files appear: problems (with hover cards), objects, the other tab. */
async function exercise(frame) {
  await frame.locator('.cm-content').waitFor(WAIT);
  await frame.getByTestId('view-problems').click();
  await frame.locator('[data-testid="diagnostic"], [data-testid="no-diagnostics"]').first().waitFor(WAIT);
  await hoverUnderlines(frame, 5);
  // An embed offers only the problems and its own view.
  if ((await frame.getByTestId('view-objects').count()) === 0) return;
  await frame.getByTestId('view-objects').click();
  await frame.locator('[data-testid="object-yaml"], .view-body .empty').first().waitFor(WAIT);
  await frame.getByTestId('view-problems').click();
}

async function assertInert(page, frame, seen, errors) {
  await page.waitForTimeout(300);
  assert.deepEqual(await markupFound(frame), []);
  assert.deepEqual(seen.dialogs, []);
  assert.deepEqual(seen.requests, []);
  assert.deepEqual(errors, []);
}

/** Injects a script the way an HTML injection would, and checks the policy refused it. */
async function refusesInjectedScript(page, errors) {
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = "inline"';
    document.body.append(s);
  });
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.ok(errors.some((e) => e.includes('CSP violation: script-src-elem')), JSON.stringify(errors));
}

test('the playground runs under its Content-Security-Policy with no violation and no inline script', async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  await page.locator('.cm-content').waitFor(WAIT);
  await page.locator('[data-testid="diagnostic"]').first().waitFor(WAIT);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['base-uri'], ["'none'"]);
  assert.ok(['self', 'none'].some((v) => directives['connect-src'].join() === `'${v}'`), csp);
  assert.ok(!csp.includes('http'), `no remote origin in ${csp}`);
  // Trunk's loader was moved into a file; nothing inline is left, no inline handlers anywhere.
  assert.equal(await page.locator('script:not([src])').count(), 0);
  assert.deepEqual(await markupFound(page), []);
  // A script injected the way an HTML injection would is refused by the policy.
  await refusesInjectedScript(page, errors);
  await page.close();
});

test('the embed page is the playground with its policy widened to http: and https: for its own files, and nothing else', async () => {
  const [index, embed] = await Promise.all(['index.html', 'embed.html'].map((f) => readFile(join(DIST, f), 'utf8')));
  const META = /<meta\b[^>]*\bhttp-equiv=["']?Content-Security-Policy["']?[^>]*>/i;
  const policy = (html) => {
    const content = html.match(META)[0].match(/\bcontent="([^"]*)"/)[1];
    return Object.fromEntries(content.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  };
  const [base, widened] = [policy(index), policy(embed)];
  assert.deepEqual(Object.keys(widened), Object.keys(base));
  for (const [name, values] of Object.entries(base)) {
    const more = ['default-src', 'script-src', 'style-src', 'connect-src', 'worker-src'].includes(name) ? ['https:', 'http:'] : [];
    assert.deepEqual(widened[name], [...values, ...more], name);
  }
  // The rest of the page is the same, byte for byte.
  assert.equal(embed.replace(META, ''), index.replace(META, ''));

  // It still refuses inline script.
  const { page, errors } = await openPage(browser.context, `${server.url}embed.html?embed=1`);
  await page.locator('.cm-content').waitFor(WAIT);
  await refusesInjectedScript(page, errors);
  await page.close();
});

test('a hostile manifest from a share link renders as text', async () => {
  await storeWork(browser.context, server.url, null);
  const { page, errors, seen } = await blank();
  await page.goto(`${server.url}#s=${LZString.compressToEncodedURIComponent(WORKSPACE)}`);
  await exercise(page);
  assert.deepEqual(await page.getByTestId('tab').allTextContents(), [HOSTILE_NAME, 'second.yaml']);
  assert.equal(await editorText(page), HOSTILE);
  const files = await page.locator('[data-testid="diagnostic"]').evaluateAll((li) => li.map((x) => x.dataset.file));
  assert.ok(files.includes(HOSTILE_NAME), JSON.stringify(files));
  await page.getByTestId('tab').nth(1).click();
  await page.waitForFunction(() => window.kplayEditor.text(window.kplayEditor.current).includes('<svg onload'), null, WAIT);
  await page.getByTestId('view-objects').click();
  assert.match((await page.getByTestId('object-yaml').allTextContents()).join('\n'), /script: <script>alert\(1\)<\/script>/);
  await assertInert(page, page, seen, errors);
  await page.close();
});

test('a hostile manifest from localStorage renders as text, and so does a hostile #rule= link', async () => {
  await storeWork(browser.context, server.url, WORKSPACE);
  const { page, errors, seen } = await blank();
  await page.goto(server.url);
  await exercise(page);
  assert.equal(await editorText(page), HOSTILE);
  await page.evaluate(() => {
    window.location.hash = '#rule=%3Cimg%20src%3Dx%20onerror%3Dalert(7)%3E';
  });
  await page.waitForTimeout(200);
  await page.evaluate(() => {
    window.location.hash = '#rule=javascript:alert(8)';
  });
  await assertInert(page, page, seen, errors);
  await page.close();
});

/** HTML-escapes text for a `<pre>` block, as an author writing the page would. */
const escapeHtml = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Serves one HTML page on another loopback port: another origin, as a third-party site. */
async function serveSite(html) {
  const site = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${site.address().port}/tutorial.html`,
    close: () => {
      site.closeAllConnections();
      return new Promise((ok) => site.close(ok));
    },
  };
}

test('hostile manifests in embeds on another site render as text', async () => {
  const block = (view, name, text) =>
    `<pre class="kplay" data-view="${view}" data-height="400" data-file="${escapeHtml(name).replaceAll('"', '&quot;')}">\n${escapeHtml(text)}</pre>`;
  const site = await serveSite(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>a tutorial</title><link rel="icon" href="data:,"></head><body>
${block('problems', HOSTILE_NAME, HOSTILE)}
${block('objects', 'object.yaml', HOSTILE_OBJECT)}
<script type="module" src="${server.url}embed.js"></script></body></html>`);
  try {
    await embedsOn(site);
  } finally {
    await site.close();
  }
});

async function embedsOn(site) {
  const { page, errors, seen } = await blank();
  await page.goto(site.url);
  const frames = [];
  for (let i = 0; i < 2; i++) frames.push(await (await page.locator('iframe').nth(i).elementHandle(WAIT)).contentFrame());
  const [problems, objects] = frames;
  await objects.getByTestId('object-yaml').first().waitFor(WAIT);
  assert.match((await objects.getByTestId('object-yaml').allTextContents()).join('\n'), /script: <script>alert\(1\)<\/script>/);
  assert.equal(await editorText(objects), HOSTILE_OBJECT);
  await problems.locator('.cm-content').waitFor(WAIT);
  assert.equal(await editorText(problems), HOSTILE);
  assert.deepEqual(await problems.getByTestId('tab').allTextContents(), [HOSTILE_NAME]);
  for (const frame of frames) {
    await exercise(frame);
    // The frame has an opaque origin: the playground's storage is out of its reach.
    assert.equal(await frame.evaluate(() => window.origin), 'null');
    const storage = await frame.evaluate(() => {
      try {
        return String(localStorage.length);
      } catch (e) {
        return e.name;
      }
    });
    assert.equal(storage, 'SecurityError');
    assert.deepEqual(await markupFound(frame), []);
  }
  seen.requests = seen.requests.filter((u) => u !== site.url);
  await assertInert(page, page, seen, errors);
  await page.close();
}
