// The playground in Firefox (Debian's firefox-esr, headless, through geckodriver): the main path
// of the Chromium tests (tests/e2e/) once, on the same build. Load with the analysis worker, the
// seed tutorial's diagnostics at the same places, a typed error underlined at its characters and
// cleared, the map and the traffic of a gallery example, and the embed demo page with its
// sandboxed frames. `cargo xtask test` runs it (step web-firefox) after the Chromium tests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, OUT } from '../e2e/support.mjs';
import { launchFirefox } from './webdriver.mjs';

let server;
let firefox;

before(async () => {
  server = await serveDist();
  firefox = await launchFirefox();
});

after(async () => {
  await firefox?.close();
  await server?.close();
});

async function screenshot(name) {
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, `firefox-${name}.png`), await firefox.screenshot());
}

/** The diagnostics listed on the page. */
const diagnostics = () =>
  firefox.run(() =>
    [...document.querySelectorAll('[data-testid="diagnostic"]')].map((li) => ({
      rule: li.dataset.rule,
      severity: li.dataset.severity,
      line: Number(li.dataset.line),
      column: Number(li.dataset.column),
    })),
  );

test('the playground works in Firefox: worker, diagnostics, underline, map, traffic', async () => {
  await firefox.goto(server.url);
  const analysis = await firefox.waitFor(
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
  await firefox.click('[data-testid="gallery"] option[value="clusterip"]');
  await firefox.waitFor(() => window.kplayEditor.text(window.kplayEditor.current).includes('targetPort: http'), 'the example');
  const line6 = await firefox.run(() => window.kplayEditor.text(window.kplayEditor.current).split('\n')[5]);
  assert.equal(line6, '  name: web');
  await firefox.run(() => window.kplayEditor.jump(window.kplayEditor.current, 6, 12));
  await firefox.keys('X');
  const marked = await firefox.waitFor(
    () => [...document.querySelectorAll('.cm-lintRange-error')].map((e) => e.textContent).join('|'),
    'an underline',
  );
  assert.equal(marked, 'webX');
  const error = (await diagnostics()).find((d) => d.severity === 'error');
  assert.deepEqual([error?.line, error?.column], [6, 9]);
  await screenshot('underline');
  await firefox.keys('\uE003');
  await firefox.waitFor(
    () => !document.querySelector('.cm-lintRange-error') && !document.querySelector('[data-testid="diagnostic"][data-severity="error"]'),
    'the error to clear',
  );

  // The map: the Service, its slice and its three ready pods.
  await firefox.click('[data-testid="view-map"]');
  const pods = await firefox.waitFor(() => {
    const ready = document.querySelectorAll('[data-testid="map-box"][data-kind="pod"][data-health="ok"]').length;
    return document.querySelector('[data-testid="map-box"][data-id="svc/default/web"]') && ready;
  }, 'the map');
  assert.equal(pods, 3);
  await screenshot('map');

  // Traffic: 1000 requests over the three pods.
  await firefox.click('[data-testid="view-traffic"]');
  const rows = await firefox.waitFor(() => {
    const r = [...document.querySelectorAll('[data-testid="traffic-row"]')].map((e) => Number(e.dataset.count));
    return r.length ? r : null;
  }, 'the traffic rows');
  assert.equal(rows.length, 3);
  assert.equal(rows.reduce((a, b) => a + b, 0), 1000);
  assert.ok(rows.every((c) => c > 200), JSON.stringify(rows));
});

test('the embed demo page works in Firefox: both frames run, one fits its file, links carry the state', async () => {
  await firefox.goto(`${server.url}embed-demo.html`);
  // The frames' pages post their share link and height to this page only once their wasm ran.
  const links = await firefox.waitFor(() => {
    const a = [...document.querySelectorAll('a.kplay-open')];
    return a.length === 2 && a.every((x) => !x.hidden && x.href.includes('#s=')) && a.length;
  }, 'both frames to report their state');
  assert.equal(links, 2);
  const heights = await firefox.waitFor(() => {
    const h = [...document.querySelectorAll('figure.kplay-embed iframe')].map((f) => Math.round(f.getBoundingClientRect().height));
    return h[0] > 600 ? h : null;
  }, 'the first frame fitted to its 31 lines');
  assert.equal(heights[1], 320);
  await screenshot('embeds');
});
