// The views over the simulated cluster: Map, Traffic, Trace, kube-proxy and DNS, on the default
// example (the seed tutorial) and on the "ClusterIP basics" gallery example, with the cluster
// toggles and their autosave.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, screenshot, setEditorText, closePages } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on the default example (autosave from an earlier test is reset). */
async function fresh() {
  await closePages(browser.context);
  const opened = await openPage(browser.context, server.url);
  await opened.page.getByTestId('editor').waitFor();
  await opened.page.getByTestId('reset').click();
  return opened;
}

async function clusterip(page) {
  await page.getByTestId('gallery').selectOption('clusterip');
  await page.locator('[data-testid="view-map"]').click();
  await page.locator('[data-testid="map-box"][data-id="svc/default/web"]').waitFor();
}

const box = (page, id) => page.locator(`[data-testid="map-box"][data-id="${id}"]`);

/** Ids of the pod boxes drawn as ready. */
const readyPods = (page) =>
  page.$$eval('[data-testid="map-box"][data-kind="pod"][data-health="ok"]', (els) => els.map((e) => e.dataset.id));

/** Per-pod request counts of the Traffic view. */
const trafficRows = (page) =>
  page.$$eval('[data-testid="traffic-row"]', (rows) => rows.map((r) => ({ pod: r.dataset.pod, count: Number(r.dataset.count) })));

test('the map draws the seed tutorial: its Service with the stored ClusterIP, the broken link and the refused pod', async () => {
  const { page, errors } = await fresh();
  const tabs = await page.$$eval('.views [role="tab"]', (els) => els.map((e) => e.textContent));
  assert.deepEqual(tabs, ['Map', 'Problems', 'Objects', 'Traffic', 'Trace', 'kube-proxy', 'DNS', 'Docs']);
  await page.getByTestId('view-objects').click();
  const allocated = await page.getByTestId('allocated').textContent();
  const clusterIP = allocated.match(/clusterIP: ([0-9.]+)/)?.[1];
  assert.ok(clusterIP, `a clusterIP in ${allocated}`);

  await page.getByTestId('view-map').click();
  const svc = box(page, 'svc/default/my-service');
  await svc.waitFor();
  assert.match(await svc.textContent(), new RegExp(`${clusterIP.replaceAll('.', '\\.')}:80 → 8080`));
  // The selector-less Service: a dashed link in the error colour, with the reason as text and tooltip.
  const broken = page.locator('[data-testid="map-edge"][data-broken]');
  assert.equal(await broken.count(), 1);
  const reason = await broken.getAttribute('data-broken');
  assert.match(reason, /no selector/);
  assert.equal(await broken.locator('title').textContent(), reason);
  assert.match(await page.getByTestId('map').textContent(), /no EndpointSlice/);
  const dash = await broken.locator('path').evaluate((p) => getComputedStyle(p).strokeDasharray);
  assert.notEqual(dash, 'none');
  // The pod the API server refuses (invalid env name) is drawn, dashed, saying so.
  const pod = box(page, 'refused/Pod/default/my-pod');
  assert.equal(await pod.getAttribute('data-health'), 'refused');
  assert.match(await pod.textContent(), /refused at validation/);
  assert.ok(await page.getByTestId('map-legend').isVisible());

  // Clicking the Service shows its stored object; clicking the pod shows its problems.
  await svc.click();
  assert.match(await page.getByTestId('box-yaml').textContent(), /name: my-service/);
  assert.match(await page.getByTestId('map-details').textContent(), new RegExp(`clusterIP: ${clusterIP.replaceAll('.', '\\.')}`));
  await pod.click();
  assert.match(await page.getByTestId('box-problems').textContent(), /env-var-name-invalid/);
  // A typo elsewhere does not blank the map.
  assert.ok((await page.locator('[data-testid="map-box"]').count()) >= 3);
  assert.deepEqual(errors, []);
});

test('traffic: 1000 requests to the web Service are counted per pod, and a pod toggled not ready leaves map and counts', async () => {
  const { page, errors } = await fresh();
  await clusterip(page);
  const pods = await readyPods(page);
  assert.equal(pods.length, 3, JSON.stringify(pods));

  await page.getByTestId('view-traffic').click();
  await page.getByTestId('traffic-summary').waitFor();
  assert.equal(await page.getByTestId('traffic-requests').inputValue(), '1000');
  let rows = await trafficRows(page);
  assert.equal(rows.length, 3);
  assert.equal(rows.reduce((s, r) => s + r.count, 0), 1000);
  assert.ok(rows.every((r) => r.count > 200), JSON.stringify(rows));
  assert.equal(await page.getByTestId('traffic-summary').getAttribute('data-delivered'), '1000');
  assert.equal(await page.locator('.bar-fill').count(), 3);

  // Toggle the first pod on the map.
  await page.getByTestId('view-map').click();
  const first = pods[0];
  await box(page, first).locator('[data-testid="pod-toggle"]').click();
  await page.waitForFunction((id) => document.querySelector(`[data-id="${id}"]`)?.dataset.health === 'not-ready', first);
  assert.deepEqual(await readyPods(page), pods.slice(1));
  assert.match(await page.getByTestId('clear-toggles').textContent(), /1 toggle/);

  await page.getByTestId('view-traffic').click();
  await page.getByTestId('traffic-summary').waitFor();
  rows = await trafficRows(page);
  assert.equal(rows.length, 2, JSON.stringify(rows));
  assert.equal(rows.reduce((s, r) => s + r.count, 0), 1000);
  const name = first.split('/').slice(1).join('/');
  assert.ok(rows.every((r) => !r.pod.endsWith(name)), `${name} gets no requests: ${JSON.stringify(rows)}`);

  // Several clients: each one's picks are listed.
  await page.getByTestId('traffic-clients').fill('4');
  await page.getByTestId('traffic-clients').dispatchEvent('change');
  await page.getByTestId('per-client').waitFor();
  assert.equal(await page.locator('[data-testid="per-client"] tbody tr').count(), 4);
  // The clients' rows come from the same run as the bars: their counts add up to the bars'.
  const clientRows = await page.$$eval('[data-testid="client-row"]', (rs) =>
    rs.map((r) => ({ requests: Number(r.dataset.requests), reached: Number(r.dataset.reached) })));
  const total = Number(await page.getByTestId('traffic-summary').getAttribute('data-total'));
  assert.equal(clientRows.reduce((s, r) => s + r.requests, 0), 1000, JSON.stringify(clientRows));
  assert.equal(clientRows.reduce((s, r) => s + r.reached, 0), total, JSON.stringify(clientRows));
  const bars = (await trafficRows(page)).reduce((s, r) => s + r.count, 0);
  assert.equal(total, bars);
  await screenshot(page, 'views-traffic');

  // The toggle is autosaved: a reload keeps it.
  await page.reload();
  await page.getByTestId('view-map').click();
  await box(page, first).waitFor();
  assert.equal(await box(page, first).getAttribute('data-health'), 'not-ready');
  assert.deepEqual(errors, []);
});

test('traffic to a headless Service goes by its DNS name from a pod, spread over the pods it answers with', async () => {
  const { page, errors } = await fresh();
  await page.getByTestId('gallery').selectOption('headless-statefulset');
  await page.getByTestId('view-traffic').click();
  await page.getByTestId('traffic-summary').waitFor();
  assert.equal(await page.getByTestId('traffic-target').inputValue(), 'db.default:5432');
  // Only pods ask the cluster's DNS: the view starts from one.
  assert.match(await page.getByTestId('traffic-from').inputValue(), /^pod\/default\/db-/);
  const rows = await trafficRows(page);
  assert.equal(rows.length, 2, JSON.stringify(rows));
  assert.equal(rows.reduce((s, r) => s + r.count, 0), 1000);
  assert.ok(rows.every((r) => r.count > 400), JSON.stringify(rows));
  // From outside the cluster the name does not resolve, and the view says why.
  await page.getByTestId('traffic-from').selectOption('external');
  await page.waitForFunction(() => document.querySelector('[data-testid="traffic-summary"]')?.dataset.delivered === '0');
  assert.match(await page.getByTestId('traffic').textContent(), /does not use the cluster's DNS/);
  assert.deepEqual(errors, []);
});

test('trace, kube-proxy rules and DNS records', async () => {
  const { page, errors } = await fresh();
  // DNS of the default example.
  await page.getByTestId('view-dns').click();
  const dns = await page.getByTestId('dns').textContent();
  assert.match(dns, /my-service\.default\.svc\.cluster\.local/);
  assert.ok((await page.getByTestId('dns-record').count()) > 3);

  await clusterip(page);
  await page.getByTestId('view-trace').click();
  await page.getByTestId('trace-from').selectOption('node/node-1');
  await page.getByTestId('trace-target').selectOption('svc/default/web:80');
  await page.getByTestId('hops').waitFor();
  assert.ok((await page.getByTestId('hop').count()) >= 3, await page.getByTestId('trace').textContent());
  assert.equal(await page.getByTestId('trace-outcome').getAttribute('data-outcome'), 'delivered');
  assert.match(await page.getByTestId('hops').textContent(), /KUBE-SVC-/);

  // Selecting the Service on the map highlights its chains in the kube-proxy view.
  await page.getByTestId('view-map').click();
  await box(page, 'svc/default/web').click();
  await page.getByTestId('show-chains').click();
  const rules = page.getByTestId('proxy-rules');
  await rules.waitFor();
  assert.match(await rules.textContent(), /KUBE-SERVICES/);
  const marks = await rules.locator('mark').allTextContents();
  assert.ok(marks.some((m) => m.startsWith(':KUBE-SVC-')), JSON.stringify(marks));
  assert.ok(marks.every((m) => !m.includes('kube-dns')));
  await page.getByTestId('proxy-mode').selectOption('nftables');
  assert.match(await rules.textContent(), /table ip kube-proxy/);
  assert.ok((await rules.locator('mark').count()) > 0);

  // Node count and kube-proxy mode live in the header and are saved.
  await page.getByTestId('node-count').selectOption('5');
  await page.getByTestId('header-proxy-mode').selectOption('ipvs');
  await page.reload();
  await page.getByTestId('view-kube-proxy').click();
  assert.equal(await page.getByTestId('node-count').inputValue(), '5');
  assert.equal(await page.getByTestId('proxy-mode').inputValue(), 'ipvs');
  assert.ok((await page.locator('[data-testid="proxy-node"] option').allTextContents()).includes('node-5'));
  // Back to the defaults for the other test files sharing nothing but this profile.
  await page.getByTestId('node-count').selectOption('3');
  await page.getByTestId('header-proxy-mode').selectOption('iptables');
  assert.deepEqual(errors, []);
});

test('scaling the Deployment from a pod box adds pods to the map and the traffic', async () => {
  const { page, errors } = await fresh();
  await clusterip(page);
  const pods = await readyPods(page);
  await box(page, pods[0]).click();
  const scale = page.getByTestId('scale');
  assert.equal(await scale.inputValue(), '3');
  await scale.fill('5');
  await scale.dispatchEvent('change');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-box"][data-kind="pod"][data-health="ok"]').length === 5);
  await page.getByTestId('view-traffic').click();
  const rows = await trafficRows(page);
  assert.equal(rows.length, 5);
  assert.equal(rows.reduce((s, r) => s + r.count, 0), 1000);
  await page.getByTestId('view-map').click();
  await box(page, pods[0]).click();
  await page.getByTestId('scale-reset').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-box"][data-kind="pod"][data-health="ok"]').length === 3);
  assert.deepEqual(errors, []);
});

const LOCAL = `apiVersion: v1
kind: Service
metadata:
  name: local
spec:
  internalTrafficPolicy: Local
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

/** `{node of the pod: share}` of the map's links into pods. */
const sharesByNode = (page) =>
  page.$$eval('[data-testid="map-edge"][data-share]', (edges) => {
    const out = {};
    for (const e of edges) {
      const pod = document.querySelector(`[data-testid="map-box"][data-id="${e.dataset.to}"]`);
      const node = document.querySelector(`[data-testid="map-runs-on"][data-from="${e.dataset.to}"]`)?.dataset.to;
      if (pod && node) out[node] = Number(e.dataset.share);
    }
    return out;
  });

test('the map draws the nodes each pod runs on, and its shares are kube-proxy\'s from the chosen node', async () => {
  const { page, errors } = await fresh();
  await clusterip(page);
  const nodes = await page.$$eval('[data-testid="map-box"][data-kind="node"]', (els) => els.map((e) => e.dataset.id));
  assert.deepEqual(nodes, ['node/node-1', 'node/node-2', 'node/node-3']);
  // Each pod has one dotted "runs on" link to a node box.
  const pods = await readyPods(page);
  for (const pod of pods) {
    assert.equal(await page.locator(`[data-testid="map-runs-on"][data-from="${pod}"]`).count(), 1, pod);
  }
  assert.match(await box(page, 'node/node-1').textContent(), /zone .*Ready/s);
  assert.match(await page.getByTestId('map-shares-from').textContent(), /for a client on node-1/);
  // Clicking a node shows it, with the switch that takes it down.
  await box(page, 'node/node-2').click();
  assert.match(await page.getByTestId('node-details').textContent(), /Node node-2 in zone/);
  await page.getByTestId('node-down').click();
  await page.waitForFunction(() => document.querySelector('[data-id="node/node-2"]')?.dataset.health === 'not-ready');
  assert.match(await box(page, 'node/node-2').textContent(), /down/);
  await page.getByTestId('node-down').click();
  await page.waitForFunction(() => document.querySelector('[data-id="node/node-2"]')?.dataset.health === 'ok');
  await screenshot(page, 'views-map-nodes');

  // internalTrafficPolicy Local: a client on node-1 reaches only node-1's pod; from node-2, node-2's.
  await setEditorText(page, LOCAL);
  await box(page, 'svc/default/local').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="map-runs-on"]').length === 3);
  assert.deepEqual(await sharesByNode(page), { 'node/node-1': 1, 'node/node-2': 0, 'node/node-3': 0 });
  await page.getByTestId('map-viewpoint').selectOption('node-2');
  await page.waitForFunction(() => /on node-2/.test(document.querySelector('[data-testid="map-shares-from"]')?.textContent));
  assert.deepEqual(await sharesByNode(page), { 'node/node-1': 0, 'node/node-2': 1, 'node/node-3': 0 });
  await screenshot(page, 'views-map-local');
  assert.deepEqual(errors, []);
});

test('at 1024 px the pods are in sight, the map scrolls sideways to the nodes, the view tabs take one row', async () => {
  const { page, errors } = await fresh();
  await page.setViewportSize({ width: 1024, height: 768 });
  await clusterip(page);
  const node = box(page, 'node/node-3');
  // Brought into view by scrolling the view, not cut off at its edge.
  await node.evaluate((el) => el.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
  const seen = await node.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const view = el.closest('.view-body').getBoundingClientRect();
    return { inside: r.left >= view.left - 1 && r.right <= view.right + 1, scrolled: el.closest('.view-body').scrollLeft > 0 };
  });
  assert.deepEqual(seen, { inside: true, scrolled: true });
  // The pods are in sight without scrolling back, and the view tabs take one row.
  await page.locator('.view-body').evaluate((el) => { el.scrollLeft = 0; });
  const pods = await page.locator('[data-testid="map-box"][data-kind="pod"]').evaluateAll((els) => {
    const view = els[0].closest('.view-body').getBoundingClientRect();
    return els.every((el) => el.getBoundingClientRect().right <= view.right + 1);
  });
  assert.equal(pods, true, 'every pod box is in sight at 1024 px');
  const rows = await page.locator('[data-testid^="view-"]').evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size);
  assert.equal(rows, 1, 'the view tabs take one row at 1024 px');
  assert.deepEqual(errors, []);
});

test('the splitter gives the map room: dragged, moved with keys, kept over a reload, reset', async () => {
  const { page, errors } = await fresh();
  await page.setViewportSize({ width: 1024, height: 768 });
  await clusterip(page);
  const splitter = page.getByTestId('splitter');
  const share = async () => Number(await splitter.getAttribute('aria-valuenow'));
  const stored = () => page.evaluate(() => localStorage.getItem('kplay.split.v1'));
  /** Whether the node-3 box is in sight in the view, without scrolling it. */
  const nodeInSight = () =>
    box(page, 'node/node-3').evaluate((el) => {
      el.closest('.view-body').scrollLeft = 0;
      return el.getBoundingClientRect().right <= el.closest('.view-body').getBoundingClientRect().right + 1;
    });
  assert.equal(await splitter.getAttribute('role'), 'separator');
  const before = await share();
  assert.ok(before > 40 && before < 55, `the default split (${before}%)`);
  assert.equal(await nodeInSight(), false, 'at the default split the nodes are out of sight');

  // Dragged to a quarter of the width: the editor narrows and the whole map is in sight.
  const handle = await splitter.boundingBox();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 300);
  await page.mouse.down();
  await page.mouse.move(256, handle.y + 320, { steps: 4 });
  await page.mouse.up();
  assert.equal(await share(), 25);
  assert.equal(await stored(), '25');
  const editorWidth = await page.locator('section.editor').evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(Math.abs(editorWidth - 256) < 3, `the editor is ${editorWidth} px wide`);
  assert.equal(await nodeInSight(), true, 'after the drag the nodes are in sight');

  // Keys: arrows by 2%, Shift by 10%, End and Home to the ends, all within 20-80%.
  await splitter.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await share(), 27);
  await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(await share(), 20);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await share(), 20);
  await page.keyboard.press('End');
  assert.equal(await share(), 80);
  await page.keyboard.press('Home');
  assert.equal(await stored(), '20');

  // A reload keeps the split; Enter (and a double click) go back to the default and forget it.
  await page.reload();
  await page.getByTestId('editor').waitFor();
  assert.equal(await share(), 20);
  await splitter.focus();
  await page.keyboard.press('Enter');
  assert.equal(await share(), before);
  assert.equal(await stored(), null);
  await page.keyboard.press('Home');
  await splitter.dblclick();
  assert.equal(await share(), before);
  assert.equal(await stored(), null);
  assert.deepEqual(errors, []);
});

test('the map from the keyboard: Enter on a box opens its details, Space too', async () => {
  const { page, errors } = await fresh();
  await clusterip(page);
  await box(page, 'svc/default/web').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('map-details').locator('header strong', { hasText: 'service web' }).waitFor();
  await page.getByTestId('map-details').getByRole('button', { name: 'Close' }).click();
  const pod = page.locator('[data-testid="map-box"][data-kind="pod"]').first();
  await pod.focus();
  await page.keyboard.press(' ');
  await page.getByTestId('map-details').getByText('not ready').waitFor();
  assert.deepEqual(errors, []);
});

test('broken links say why over the boxes they cross, a scaled-away Deployment can be scaled back from its empty box', async () => {
  const { page, errors } = await fresh();
  await page.getByTestId('gallery').selectOption('mistake-selector');
  await page.locator('[data-testid="view-map"]').click();
  const label = page.locator('.edge-label.broken').first();
  await label.waitFor();
  // Nothing is drawn over the reason: the topmost element at its middle is the label itself.
  const top = await label.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el;
  });
  assert.equal(top, true, 'the broken link\'s reason is on top');
  // Scale the Deployment to 0 from a pod box, then back from the box that stands for no pods.
  await clusterip(page);
  await page.locator('[data-testid="map-box"][data-kind="pod"]').first().click();
  await page.getByTestId('scale').fill('0');
  await page.getByTestId('scale').dispatchEvent('change');
  const empty = page.locator('[data-testid="map-box"][data-id^="missing/pods/"]');
  await empty.waitFor();
  assert.match(await empty.textContent(), /deployment\/web has 0\s*replicas/);
  await empty.click();
  await page.getByTestId('scale-reset').click();
  await page.locator('[data-testid="map-box"][data-kind="pod"][data-health="ok"]').first().waitFor();
  assert.equal(await empty.count(), 0);
  assert.deepEqual(errors, []);
});

test('at 1024 px the map fits the view on request, and the traffic table keeps its Ready column in sight', async () => {
  const { page, errors } = await fresh();
  await page.setViewportSize({ width: 1024, height: 768 });
  await clusterip(page);
  const widths = () => page.locator('svg[data-testid="map"]').evaluate((svg) => ({
    map: svg.getBoundingClientRect().width,
    view: svg.closest('.view-body').clientWidth,
  }));
  const before = await widths();
  assert.ok(before.map > before.view, `the map scrolls sideways by default (${JSON.stringify(before)})`);
  await page.getByTestId('map-fit').check();
  const after = await widths();
  assert.ok(after.map <= after.view, `fitted to the view (${JSON.stringify(after)})`);
  await page.locator('[data-testid="view-traffic"]').click();
  await page.getByTestId('traffic-row').first().waitFor();
  const inSight = await page.getByTestId('traffic-row').first().evaluate((row) => {
    const view = row.closest('.view-body').getBoundingClientRect();
    return row.lastElementChild.getBoundingClientRect().right <= view.right + 1;
  });
  assert.equal(inSight, true, 'the last column is in sight at 1024 px');
  assert.deepEqual(errors, []);
});

test('at 1024 px the top bar keeps its height when Share shows the link and when a toggle appears', async () => {
  const { page, errors } = await fresh();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('gallery').selectOption('clusterip');
  const height = () => page.locator('.topbar').evaluate((el) => el.getBoundingClientRect().height);
  const before = await height();
  await page.getByTestId('share').click();
  await page.getByTestId('share-link').waitFor();
  assert.equal(await height(), before, 'the link hangs below the bar');
  // It hangs over the editor, not over the view tabs, which stay usable.
  await page.locator('[data-testid="view-map"]').click({ timeout: 5_000 });
  await page.getByRole('button', { name: 'Close the share link' }).click();
  await page.getByTestId('share-link').waitFor({ state: 'detached' });
  await page.locator('[data-testid="pod-toggle"]').first().click();
  await page.getByTestId('clear-toggles').waitFor();
  assert.equal(await height(), before, 'the toggles\' chip fits in the row');
  assert.deepEqual(errors, []);
});
