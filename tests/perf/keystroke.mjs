// Benchmark (not a test): the main thread's work from a keystroke to the underline it causes,
// on a 1,000-line document in headless Chromium (issue #6 asks for under 16 ms). Run by
// `cargo xtask bench` on the release build in dist/; by hand: `node tests/perf/keystroke.mjs`.
//
// For each keystroke a Chromium trace is recorded from just before the key is pressed until the
// editor shows (or drops) the underline; every task the page's main thread ran in that window
// is summed (CodeMirror's input handling, the debounce timer, posting the job, the worker's
// reply, the render, the editor's lint update) and the longest single task is reported. The
// analysis worker's own time is reported apart: it is off the main thread. Each view is
// measured: Problems and Docs draw only the rows; the others also rebuild their model on the
// main thread once typing pauses (web/src/app.rs REFRESH_PAUSE_MS), measured as "refresh".
// One more case, "problems ⏎", presses Enter: it changes no diagnostic but moves every one below
// the cursor a line down, which the problems list must show (and undoing it moves them back).
// Last, the editor alone (the same bundle, document and keystrokes on a page without kplay) gives
// the floor any page with this editor pays; the difference is the work kplay adds.

import { serveDist, launchBrowser, openPage, openBareEditor, setEditorText, storeWork } from '../e2e/support.mjs';

const KEYS = Number(process.env.KPLAY_PERF_KEYS ?? 20);
/** Untimed keystrokes first, so the JIT has compiled the hot paths as in a session of typing. */
const WARM_UP = 6;

const block = (i) => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: a${i}\n  ports:\n    - port: 80\n`;
let doc = '';
for (let i = 0; doc.split('\n').length < 1000; i++) doc += block(i);
const lines = doc.split('\n').length - 1;

/** Records a trace around `action` and returns the main thread's and the worker's tasks (ms). */
async function traced(page, action) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    // Task boundaries and what each task ran; not the disabled-by-default timeline categories,
    // which slow every JS call.
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', '__metadata'] },
  });
  await action();
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const thread = (e) => names.get(`${e.pid}:${e.tid}`) ?? '';
  // The page's renderer is the main thread that ran the most.
  const busy = new Map();
  for (const e of events) {
    if (e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && thread(e) === 'CrRendererMain') busy.set(e.pid, (busy.get(e.pid) ?? 0) + e.dur);
  }
  const pid = [...busy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = events.filter((e) => e.ph === 'X' && e.pid === pid && thread(e) === 'CrRendererMain' && e.dur);
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const inside = onMain.filter((e) => e.name !== 'ThreadControllerImpl::RunTask');
  const main = [];
  const parts = { kplay: 0, editor: 0, render: 0, other: 0 };
  for (const t of tasks) {
    const ms = t.dur / 1000;
    main.push(ms);
    // What the task ran says whose work it was.
    parts[classify(inside.filter((e) => e.ts >= t.ts && e.ts < t.ts + t.dur))] += ms;
  }
  const worker = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && /worker/i.test(thread(e))).map((e) => e.dur / 1000);
  return { main, worker, parts };
}

/** Whose work a main-thread task was, from the timeline events in it: the editor's (CodeMirror's
 * input handling, its background parsing and measuring), kplay's (the wasm app: the debounced
 * edit, the worker's reply, their renders), the browser's rendering (style, layout, paint), or
 * other. Layout forced by a script counts as that script's. */
function classify(events) {
  const has = (re) => events.some((e) => re.test(e.name) || re.test(e.args?.data?.url ?? ''));
  if (has(/^(EventDispatch|FireIdleCallback|FireAnimationFrame)$/)) return 'editor';
  if (has(/^(HandlePostMessage|TimerFire)$|kplay_web/)) return 'kplay';
  if (has(/Paint|Layout|Commit|UpdateLayoutTree|Layerize/)) return 'render';
  return 'other';
}

/** Resolves once the page shows the analysis of the key just pressed: the underline appeared
 * (or went), or the last problem moved a line down (or back up). Watched from inside the page
 * (a MutationObserver), not by polling from the test, which would itself run on the page's main
 * thread. */
function settled(page, until, breaking) {
  return page.evaluate(([until, breaking]) => new Promise((done) => {
    // The rows are in file and line order: the last one is the lowest in the manifest.
    const last = () => Number(document.querySelector('[data-testid="diagnostics"]')?.lastElementChild?.dataset.line ?? 0);
    const from = last();
    const ok = until === 'underline'
      ? () => (document.querySelector('.cm-lintRange-error') !== null) === breaking
      : () => last() === from + (breaking ? 1 : -1);
    if (ok()) return done();
    const mo = new MutationObserver(() => {
      if (ok()) {
        mo.disconnect();
        done();
      }
    });
    // The underlines are a layer beside the text, in the editor's scroller.
    const watched = document.querySelector(until === 'underline' ? '.cm-scroller' : '[data-testid="diagnostics"]');
    mo.observe(watched, { subtree: true, childList: true, attributes: true });
  }), [until, breaking]);
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
/** Rests the mouse on the editor's text, where a typist's pointer usually is. Chromium hit-tests
 * the pointer again after each layout (to update hover), so both pages must have it at the same
 * kind of place: a page whose mouse never moved pays nothing for it. */
async function restMouseOnEditor(p) {
  const b = await p.locator('.cm-content').first().boundingBox();
  await p.mouse.move(b.x + Math.min(b.width / 2, 200), b.y + Math.min(b.height / 2, 200));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (x) => x.toFixed(1).padStart(7);

const server = await serveDist();
const browser = await launchBrowser();
try {
  await storeWork(browser.context, server.url, null);
  const { page, errors } = await openPage(browser.context, server.url);
  await page.locator('.cm-content').waitFor();
  await page.waitForFunction(() => document.documentElement.dataset.analysis);
  const mode = await page.evaluate(() => document.documentElement.dataset.analysis);
  await setEditorText(page, doc);
  await page.waitForTimeout(2000);
  console.log(`keystroke to underline, ${lines}-line document, analysis in: ${mode}; ${KEYS} keystrokes per view (ms)`);
  console.log(`   ${'view'.padEnd(10)} ${'main sum'.padStart(9)} ${'main max'.padStart(9)} ${'worker'.padStart(8)} ${'wall'.padStart(8)} ${'refresh'.padStart(9)}   main sum by whose work (median): kplay / editor / render / other`);
  /** Median main-thread sum per case, and the time window each key's floor is traced over. */
  const medians = {};
  const spans = {};
  // Line 5 is `  name: svc-0`. "X" there makes the name invalid (underlined) and Backspace fixes
  // it: the underline appears and goes, in each view. Enter there adds a line: no diagnostic
  // changes, but every one below moves a line down (and back up when it is undone), which the
  // problems list shows; the editor moves its underlines along with the edit by itself.
  const views = (process.env.KPLAY_PERF_VIEWS ?? 'problems,map,traffic').split(',');
  const cases = views.map((view) => ({ label: view, view, key: 'X', back: 'Backspace', until: 'underline' }));
  if (views.includes('problems')) cases.push({ label: 'problems \u23ce', view: 'problems', key: 'Enter', back: 'Control+z', until: 'lines' });
  for (const c of cases) {
    await page.locator(`[data-testid="view-${c.view}"]`).click();
    await page.waitForTimeout(1500);
    await page.evaluate(() => window.kplayEditor.jump(window.kplayEditor.current, 5, 14));
    await restMouseOnEditor(page);
    const rows = [];
    for (let i = -WARM_UP; i < KEYS; i++) {
      const breaking = (i + WARM_UP) % 2 === 0;
      const t0 = Date.now();
      const { main, worker, parts } = await traced(page, async () => {
        const shown = settled(page, c.until, breaking);
        await page.keyboard.press(breaking ? c.key : c.back);
        await shown;
      });
      const wall = Date.now() - t0;
      // What the pause after typing costs this view (its model rebuilt on the main thread).
      const after = await traced(page, () => page.waitForTimeout(900));
      if (process.env.KPLAY_PERF_TASKS) console.log(`   ${c.label} key ${i}: tasks ${main.filter((t) => t >= 1).map((t) => t.toFixed(1)).join(' ')}`);
      if (i < 0) continue;
      rows.push({ sum: sum(main), max: Math.max(0, ...main), worker: sum(worker), wall, ...parts, refresh: Math.max(0, ...after.main) });
    }
    const m = (k) => median(rows.map((r) => r[k]));
    medians[c.label] = { sum: m('sum'), key: c.key };
    // The floor of a key is traced over the wall time of the first case measured with it.
    spans[c.key] ??= Math.round(m('wall'));
    const worst = (k) => Math.max(...rows.map((r) => r[k]));
    console.log(`   ${c.label.padEnd(10)} ${fmt(m('sum'))}  ${fmt(m('max'))}  ${fmt(m('worker'))} ${fmt(m('wall'))}  ${fmt(m('refresh'))}     ${['kplay', 'editor', 'render', 'other'].map((k) => m(k).toFixed(1)).join(' / ')}   (worst main sum ${worst('sum').toFixed(1)}, worst task ${worst('max').toFixed(1)})`);
  }
  // The floor: the same editor bundle with the same extensions and document, on a page of its
  // own without kplay (no analysis, no diagnostics, no app), typed into the same way, traced over
  // the same time window. What the playground spends above it is kplay's.
  const { page: bare } = await openBareEditor(page.context(), server.url);
  const floors = {};
  for (const [key, back] of new Map(cases.map((c) => [c.key, c.back]))) {
    await bare.evaluate((text) => {
      const h = window.kplayEditor.current;
      window.kplayEditor.show(h, 'bare', text);
      window.kplayEditor.jump(h, 5, 14);
    }, doc);
    await restMouseOnEditor(bare);
    await bare.waitForTimeout(1500);
    const span = spans[key] ?? 250;
    const floor = [];
    for (let i = -WARM_UP; i < KEYS; i++) {
      const { main } = await traced(bare, async () => {
        await bare.keyboard.press((i + WARM_UP) % 2 === 0 ? key : back);
        await bare.waitForTimeout(span);
      });
      if (i >= 0) floor.push(sum(main));
    }
    floors[key] = median(floor);
    console.log(`   ${`editor ${key}`.padEnd(10)} ${fmt(floors[key])}  (CodeMirror alone, same bundle and document, ${key}/${back}, ${span} ms window: the floor; worst ${Math.max(...floor).toFixed(1)})`);
  }
  await bare.close();
  for (const [label, { sum: m, key }] of Object.entries(medians)) {
    console.log(`   ${label.padEnd(10)} kplay's own main-thread work per keystroke (main sum - floor): ${(m - floors[key]).toFixed(1)} ms`);
  }
  if (errors.length) {
    console.error(`console errors: ${JSON.stringify(errors)}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}
