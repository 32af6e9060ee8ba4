// A small W3C WebDriver client for Firefox: Debian's firefox-esr driven through geckodriver
// (crates.io), both installed by `cargo xtask install`. Playwright drives stock Firefox only
// through WebDriver BiDi, and playwright-core 1.65 sends a BiDi command Firefox ESR 153 does not
// know (emulation.setMediaFeaturesOverride) when it opens a page; Playwright's own Firefox build
// is a download from outside the package registries. Classic WebDriver over HTTP is enough for a
// smoke test: these few endpoints, with fetch.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const GECKODRIVER = process.env.GECKODRIVER ?? 'geckodriver';

/** Prefs for a test profile on a machine without internet: nothing of Firefox's own that would
 * call out (updates, telemetry, safe browsing, captive portal, remote settings). */
const PREFS = {
  'app.update.disabledForTesting': true,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'toolkit.telemetry.enabled': false,
};

async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Starts geckodriver and a headless Firefox session; `close()` ends both. */
export async function launchFirefox({ width = 1280, height = 800 } = {}) {
  const port = await freePort();
  const profileRoot = await mkdtemp(join(tmpdir(), 'kplay-firefox-'));
  const log = [];
  const driver = spawn(GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: profileRoot },
  });
  driver.stdout.on('data', (d) => log.push(String(d)));
  driver.stderr.on('data', (d) => log.push(String(d)));
  const exited = new Promise((ok) => driver.on('exit', ok));
  const base = `http://127.0.0.1:${port}`;

  async function call(method, path, body) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }

  // geckodriver answers once it listens.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await call('GET', '/status')).ready) break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`geckodriver did not start: ${e.message}\n${log.join('')}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  const session = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless', `--width=${width}`, `--height=${height}`], prefs: PREFS },
      },
    },
  });
  const s = `/session/${session.sessionId}`;

  const browser = {
    version: session.capabilities.browserVersion,
    goto: (url) => call('POST', `${s}/url`, { url }),
    /** Runs `fn` (its source) in the page with `args`; returns its JSON-able result. */
    run: (fn, ...args) => call('POST', `${s}/execute/sync`, { script: `return (${fn}).apply(null, arguments);`, args }),
    /** Waits until `fn` returns a truthy value in the page; returns it. */
    async waitFor(fn, what, ...args) {
      const end = Date.now() + 20_000;
      for (;;) {
        const value = await browser.run(fn, ...args);
        if (value) return value;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
    },
    /** Clicks the first element matching `css`, as the user would (WebDriver's element click). */
    async click(css) {
      const el = await call('POST', `${s}/element`, { using: 'css selector', value: css });
      if (!el?.[ELEMENT]) throw new Error(`no element reference for ${css}: ${JSON.stringify(el)}`);
      await call('POST', `${s}/element/${el[ELEMENT]}/click`, {});
    },
    /** Presses keys on the focused element: real key events, one per character (WebDriver's
     * key codes, e.g. '\uE003' for Backspace). */
    async keys(text) {
      const actions = [...text].flatMap((value) => [
        { type: 'keyDown', value },
        { type: 'keyUp', value },
      ]);
      await call('POST', `${s}/actions`, { actions: [{ type: 'key', id: 'keyboard', actions }] });
      await call('DELETE', `${s}/actions`);
    },
    /** A PNG of the viewport. */
    async screenshot() {
      return Buffer.from(await call('GET', `${s}/screenshot`), 'base64');
    },
    async close() {
      await call('DELETE', s).catch(() => {});
      driver.kill();
      await exited;
      await rm(profileRoot, { recursive: true, force: true });
    },
  };
  return browser;
}
