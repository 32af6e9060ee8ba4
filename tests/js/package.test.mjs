// The built npm package from the outside, as a Node user gets it: the README's example and
// examples/node run as written, bad arguments throw, bad manifests do not, the web build is a
// self-contained ES module, and the package holds what package.json promises.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Workspace } from "kplay";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);
const PKG = join(require.resolve("kplay/package.json"), "..");

function node(args, cwd) {
  return spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
}

test("the README's example runs and reports the bad Service name", () => {
  const readme = readFileSync(join(PKG, "README.md"), "utf8");
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, "README.md has a js example");
  const lines = code.trim().split("\n").filter((l) => l.trim() !== "");
  assert.ok(lines.length <= 10, `the README example has ${lines.length} lines`);
  // Run it next to the tests so `import "kplay"` resolves to the built package.
  const file = join(fileURLToPath(new URL(".", import.meta.url)), "build", "readme-example.mjs");
  spawnSync("mkdir", ["-p", join(file, "..")]);
  writeFileSync(file, code);
  const r = node([file], ROOT);
  assert.equal(r.status, 1, `exit status (stderr: ${r.stderr})`);
  assert.match(r.stdout, /web\.yaml:4:9 error \[/);
  assert.match(r.stdout, /metadata\.name/);
});

test("examples/node validates files and exits 1 on errors, 0 on clean input", () => {
  const dir = mkdtempSync(join(tmpdir(), "kplay-example-"));
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: Web_1\n      image: nginx:1.27\n");
  const good = join(dir, "good.yaml");
  writeFileSync(good, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n");
  const example = join(ROOT, "examples", "node", "validate.mjs");
  const r = node([example, bad], join(ROOT, "examples", "node"));
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /bad\.yaml:7:13: error\[.*spec\.containers\[0\]\.name: Invalid/);
  const ok = node([example, good], join(ROOT, "examples", "node"));
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /0 error\(s\)/);
  assert.equal(node([example], join(ROOT, "examples", "node")).status, 2);
});

test("bad arguments throw Errors that say what is wrong", () => {
  assert.throws(() => new Workspace({ kubeVersion: "1.12" }), /1\.12/);
  assert.throws(() => new Workspace({ positionEncoding: "utf32" }), /utf32/);
  assert.throws(() => new Workspace({ clusterr: {} }), /clusterr/);
  assert.throws(() => new Workspace({ cluster: { "node-count": "three" } }), /node-count|invalid type/);
  assert.throws(() => new Workspace({ severityOverrides: { "not-a-rule": "error" } }), /not-a-rule/);
  const ws = new Workspace();
  assert.throws(() => ws.setFile("a.yaml", 42), /must be a string/);
  assert.throws(() => ws.setFile(undefined, "x"), /must be a string/);
  assert.throws(() => ws.trace({ to: "svc/default/web:80", from: "carrier-pigeon" }), /carrier-pigeon/);
  assert.throws(() => ws.trace({ to: "svc/default/web:80", sede: 1 }), /sede/);
  assert.throws(() => ws.simulate({ to: "svc/default/web:80", requests: 1e9 }), /requests/);
  assert.throws(() => ws.proxyRules("ipfw"), /ipfw/);
  for (const e of [() => new Workspace({ kubeVersion: "1.12" }), () => ws.proxyRules("ipfw")]) {
    try {
      e();
    } catch (err) {
      assert.ok(err instanceof Error, "a real Error");
    }
  }
});

test("bad manifests never throw", () => {
  const ws = new Workspace();
  const inputs = ["", "\0\x01: [", "key: *undefined-alias", "{".repeat(10000), "a: &a [*a]", "--- !!binary\n", "\uFEFFkind: Pod\n", "x: \uD800\n"];
  for (const text of inputs) {
    ws.setFile("input.yaml", text);
    const r = ws.check();
    assert.ok(Array.isArray(r.diagnostics));
    ws.objects();
    ws.endpointSlices();
    ws.dns();
    ws.proxyRules();
  }
  assert.equal(ws.removeFile("input.yaml"), true);
  assert.equal(ws.removeFile("input.yaml"), false);
  assert.equal(ws.check().summary.files, 0);
});

test("files update the answer and stored objects carry the server's defaults", () => {
  const ws = new Workspace({ cluster: { "node-count": 2 } });
  ws.setFile("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n  selector:\n    app: db\n  ports:\n    - port: 5432\n");
  const [svc] = ws.objects();
  assert.equal(svc.kind, "Service");
  assert.equal(svc.object.spec.type, "ClusterIP");
  assert.equal(svc.object.spec.ports[0].protocol, "TCP");
  assert.equal(svc.object.spec.ports[0].targetPort, 5432);
  assert.ok(!(svc.object.spec instanceof Map), "plain objects, not Maps");
  ws.setFile("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: NodePort\n  selector:\n    app: db\n  ports:\n    - port: 5432\n");
  assert.equal(ws.objects()[0].object.spec.type, "NodePort");
  assert.ok(ws.dns().some((r) => r.name === "db.default.svc.cluster.local" && r.type === "A"));
  assert.ok(Workspace.rules().length > 50);
  assert.match(Workspace.version(), /^\d+\.\d+\.\d+/);
});

test("the web build is an ES module that loads its wasm explicitly", () => {
  const js = readFileSync(join(PKG, "web", "kplay.js"), "utf8");
  assert.match(js, /export default __wbg_init|export \{ initSync, __wbg_init as default \}/);
  assert.ok(existsSync(join(PKG, "web", "kplay_bg.wasm")));
  assert.equal(JSON.parse(readFileSync(join(PKG, "web", "package.json"), "utf8")).type, "module");
  const d = readFileSync(join(PKG, "web", "kplay.d.ts"), "utf8");
  assert.match(d, /check\(\): Report;/);
  const pkg = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  const version = readFileSync(join(ROOT, "Cargo.toml"), "utf8").match(/^version = "([^"]+)"/m)?.[1];
  assert.equal(pkg.version, version, "package.json carries the workspace version");
  for (const f of pkg.files) assert.ok(existsSync(join(PKG, f)), `${f} is in the package`);
});
