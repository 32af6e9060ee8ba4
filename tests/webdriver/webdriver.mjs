// A small W3C WebDriver client for the browsers other than Chromium, both from Debian's packages
// and installed by `cargo xtask install`: Firefox ESR through geckodriver (a Rust crate), and
// WebKitGTK's MiniBrowser (the engine of Safari) through WebKitWebDriver, which needs an X
// display (`cargo xtask test` runs these tests under xvfb-run). Playwright drives stock Firefox
// only through WebDriver BiDi, and playwright-core 1.65 sends a BiDi command Firefox ESR 153 does
// not know (emulation.setMediaFeaturesOverride) when it opens a page; its own Firefox and WebKit
// builds are downloads from outside the package registries. Classic WebDriver over HTTP is
// enough for a smoke test: these few endpoints, with fetch.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.GECKODRIVER ?? 'geckodriver';
const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? 'WebKitWebDriver';

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

/** How to start each browser's driver and session, in a window of `width` x `height`. */
const ENGINES = {
  firefox: {
    driver: (port) => [GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1']],
    capabilities: (width, height) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless', `--width=${width}`, `--height=${height}`], prefs: PREFS },
    }),
  },
  webkit: {
    driver: (port) => [WEBKIT_DRIVER, [`--port=${port}`, '--host=local']],
    capabilities: () => ({ 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } }),
  },
};

/** Starts the driver of `engine` ('firefox' or 'webkit') and a session; `close()` ends both. */
export async function launch(engine, { width = 1280, height = 800 } = {}) {
  const port = await freePort();
  const profileRoot = await mkdtemp(join(tmpdir(), `kplay-${engine}-`));
  const log = [];
  const [program, args] = ENGINES[engine].driver(port);
  const driver = spawn(program, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: profileRoot },
  });
  driver.stdout.on('data', (d) => log.push(String(d)));
  driver.stderr.on('data', (d) => log.push(String(d)));
  // A driver that cannot start (not installed) says so in the error below, not as a crash.
  driver.on('error', (e) => log.push(`${program}: ${e.message}\n`));
  // Set once the driver has exited (or could not start): waiting for it to listen is then over.
  let gone = false;
  const exited = new Promise((ok) => driver.on('close', ok)).then(() => {
    gone = true;
  });
  const stopDriver = async () => {
    driver.kill();
    await exited;
    await rm(profileRoot, { recursive: true, force: true });
  };
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

  let session;
  try {
    // The driver answers once it listens.
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await call('GET', '/status')).ready) break;
      } catch (e) {
        if (gone || Date.now() > deadline) throw new Error(`${program} did not start: ${e.message}\n${log.join('')}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
    session = await call('POST', '/session', { capabilities: { alwaysMatch: ENGINES[engine].capabilities(width, height) } });
  } catch (e) {
    // Otherwise the driver would outlive the failed test and keep node running.
    await stopDriver();
    throw e;
  }
  const s = `/session/${session.sessionId}`;
  // Firefox takes its size from its arguments; the others from the window's rectangle.
  await call('POST', `${s}/window/rect`, { width, height }).catch(() => {});

  const browser = {
    name: `${session.capabilities.browserName} ${session.capabilities.browserVersion}`,
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
    /** Runs the next calls in the `index`th frame of the page (null: the page itself again). */
    async frame(index) {
      if (index === null) return call('POST', `${s}/frame`, { id: null });
      const frames = await call('POST', `${s}/elements`, { using: 'css selector', value: 'iframe' });
      return call('POST', `${s}/frame`, { id: frames[index] });
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
      await stopDriver();
    },
  };
  return browser;
}
