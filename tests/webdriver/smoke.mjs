// The playground in the browsers other than Chromium (webdriver.mjs): the main path of the
// Chromium tests (tests/e2e/) once, on the same build. Load with the analysis worker, the seed
// tutorial's diagnostics at the same places, a typed error underlined at its characters and
// cleared, the map and the traffic of a gallery example, and the embed demo page with its
// sandboxed frames. `firefox.test.mjs` and `webkit.test.mjs` run it; `cargo xtask test` runs
// those (step web-webdriver) after the Chromium tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import LZString from 'lz-string';
import { serveDist, OUT } from '../e2e/support.mjs';
import { launch } from './webdriver.mjs';

/** The smoke tests in `engine` ('firefox' or 'webkit'). */
export function smoke(engine) {
  let server;
  let browser;

  before(async () => {
    server = await serveDist();
    browser = await launch(engine);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function screenshot(name) {
    await mkdir(OUT, { recursive: true });
    await writeFile(join(OUT, `${engine}-${name}.png`), await browser.screenshot());
  }

  /** The diagnostics listed on the page. */
  const diagnostics = () =>
    browser.run(() =>
      [...document.querySelectorAll('[data-testid="diagnostic"]')].map((li) => ({
        rule: li.dataset.rule,
        severity: li.dataset.severity,
        line: Number(li.dataset.line),
        column: Number(li.dataset.column),
      })),
    );

  test(`the playground works in ${engine}: worker, diagnostics, underline, map, traffic`, async () => {
    await browser.goto(server.url);
    const analysis = await browser.waitFor(
      () => document.querySelector('.cm-content') && document.querySelector('[data-testid="diagnostic"]') && document.documentElement.dataset.analysis,
      'the editor and the first diagnostics',
    );
    assert.equal(analysis, 'worker', 'the analysis runs in the web worker');

    // The seed tutorial: the same facts at the same places as in Chromium (playground.test.mjs).
    const shown = await diagnostics();
    const envName = shown.find((d) => d.rule === 'env-var-name-invalid');
    assert.deepEqual([envName?.severity, envName?.line, envName?.column], ['error', 21, 17], JSON.stringify(shown));
    assert.equal(shown.find((d) => d.rule === 'image-tag-latest')?.line, 19);
    await screenshot('seed');

    // ClusterIP basics from the gallery; "X" typed after `name: web` (line 6 of service.yaml).
    await browser.click('[data-testid="gallery"] option[value="clusterip"]');
    await browser.waitFor(() => window.kplayEditor.text(window.kplayEditor.current).includes('targetPort: http'), 'the example');
    const line6 = await browser.run(() => window.kplayEditor.text(window.kplayEditor.current).split('\n')[5]);
    assert.equal(line6, '  name: web');
    await browser.run(() => window.kplayEditor.jump(window.kplayEditor.current, 6, 12));
    await browser.keys('X');
    // The underline is a box in a layer over the text (web/editor/underlines.js): the editor
    // says which characters are at its edges, so this checks where each engine draws it.
    const marked = await browser.waitFor(
      () => [...document.querySelectorAll('.cm-kp-underlines .cm-lintRange-error')].map((box) => {
        const view = window.kplayEditor.current.view;
        const r = box.getBoundingClientRect();
        const y = r.top + r.height / 2;
        return view.state.sliceDoc(view.posAtCoords({ x: r.left + 1, y }, false), view.posAtCoords({ x: r.right - 1, y }, false));
      }).join('|'),
      'an underline',
    );
    assert.equal(marked, 'webX');
    const error = (await diagnostics()).find((d) => d.severity === 'error');
    assert.deepEqual([error?.line, error?.column], [6, 9]);
    await screenshot('underline');
    await browser.keys('\uE003');
    await browser.waitFor(
      () => !document.querySelector('.cm-lintRange-error') && !document.querySelector('[data-testid="diagnostic"][data-severity="error"]'),
      'the error to clear',
    );

    // The map: the Service, its slice and its three ready pods.
    await browser.click('[data-testid="view-map"]');
    const pods = await browser.waitFor(() => {
      const ready = document.querySelectorAll('[data-testid="map-box"][data-kind="pod"][data-health="ok"]').length;
      return document.querySelector('[data-testid="map-box"][data-id="svc/default/web"]') && ready;
    }, 'the map');
    assert.equal(pods, 3);
    await screenshot('map');

    // Traffic: 1000 requests over the three pods.
    await browser.click('[data-testid="view-traffic"]');
    const rows = await browser.waitFor(() => {
      const r = [...document.querySelectorAll('[data-testid="traffic-row"]')].map((e) => Number(e.dataset.count));
      return r.length ? r : null;
    }, 'the traffic rows');
    assert.equal(rows.length, 3);
    assert.equal(rows.reduce((a, b) => a + b, 0), 1000);
    assert.ok(rows.every((c) => c > 200), JSON.stringify(rows));
  });

  test(`the embed demo page works in ${engine}: both frames run, one fits its file, links carry the state`, async () => {
    await browser.goto(`${server.url}embed-demo.html`);
    // The frames' pages post their share link and height to this page only once their wasm ran.
    // Frames load when they come near the reader (loading="lazy"; WebKit's margin is small), so
    // each is scrolled to in turn.
    for (const i of [0, 1]) {
      await browser.run((n) => document.querySelectorAll('figure.kplay-embed')[n].scrollIntoView(), i);
      await browser.waitFor((n) => {
        const a = document.querySelectorAll('a.kplay-open')[n];
        return a && !a.hidden && a.href.includes('#s=');
      }, `frame ${i + 1} to report its state`, i);
    }
    // Each link carries its own frame's files (the share link decompressed: web.yaml, service.yaml).
    const links = await browser.run(() => [...document.querySelectorAll('a.kplay-open')].map((a) => new URL(a.href).hash.slice(3)));
    const files = links.map((l) => JSON.parse(LZString.decompressFromEncodedURIComponent(l)).files.map((f) => f.name));
    assert.deepEqual(files, [['web.yaml'], ['service.yaml']]);
    const heights = await browser.waitFor(() => {
      const h = [...document.querySelectorAll('figure.kplay-embed iframe')].map((f) => Math.round(f.getBoundingClientRect().height));
      return h[0] > 600 ? h : null;
    }, 'the first frame fitted to its 31 lines');
    assert.equal(heights[1], 320);
    await screenshot('embeds');
  });
}
