// For every fixture (tests/fixtures/{rules,yaml,spec}), the JS library's diagnostics equal those
// of `kplay check --format json`: the whole report (rule, severity, message, help, field path
// and error type, object, labels, positions, summary). The CLI counts columns in characters, so
// the library runs with positionEncoding "chars" here; UTF-16 is checked on a non-ASCII case.
//
// KPLAY_BIN: the native `kplay` executable (xtask builds it). Run from the repository root.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Workspace } from "kplay";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIRS = ["tests/fixtures/rules", "tests/fixtures/yaml", "tests/fixtures/spec"];
const BIN = process.env.KPLAY_BIN;

function fixtures(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out;
}

/** `# kube-version: 1.30` in a fixture's header comment selects the version, as in the Rust suite. */
function kubeVersion(text) {
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    const m = /^#\s*kube-version:\s*(\S+)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

// An empty configuration, so a kplay.toml above the checkout cannot change the CLI's answer.
const CONFIG = join(mkdtempSync(join(tmpdir(), "kplay-js-")), "kplay.toml");
writeFileSync(CONFIG, "");

function cli(file, version) {
  const args = ["check", "--format", "json", "--config", CONFIG, ...(version ? ["--kube-version", version] : []), file];
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `kplay ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function library(file, text, version) {
  const ws = new Workspace({ positionEncoding: "chars", ...(version ? { kubeVersion: version } : {}) });
  ws.setFile(file, text);
  return ws.check();
}

const all = DIRS.flatMap(fixtures);

test("there are fixtures to compare", () => {
  assert.ok(BIN, "set KPLAY_BIN to the kplay executable");
  assert.ok(all.length >= 50, `only ${all.length} fixtures found`);
});

test("the library and the CLI agree on every fixture", () => {
  let diagnostics = 0;
  for (const file of all) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const version = kubeVersion(text);
    const expected = cli(file, version);
    const got = library(file, text, version);
    assert.deepStrictEqual(got, expected, `${file}: the library's report differs from the CLI's`);
    diagnostics += expected.diagnostics.length;
  }
  assert.ok(diagnostics > 0, "the fixtures produced no diagnostics at all");
  console.log(`compared ${all.length} fixtures, ${diagnostics} diagnostics`);
});

test("UTF-16 columns on a non-ASCII line are the CLI's character columns shifted by the surrogate pairs", () => {
  // Two astral emoji (two UTF-16 code units each) and a CJK character (one) precede the bad
  // label value on its line.
  const line = 'metadata: {name: web, annotations: {note: "🚀🚀漢"}, labels: {b: "not valid!"}}';
  const text = `apiVersion: v1\nkind: Service\n${line}\nspec:\n  ports:\n    - port: 80\n`;
  const file = join(tmpdir(), `kplay-utf16-${process.pid}.yaml`);
  writeFileSync(file, text);
  const expected = cli(file);
  const d = expected.diagnostics.find((x) => x.kubernetes?.field === "metadata.labels");
  assert.ok(d, `no metadata.labels diagnostic in ${JSON.stringify(expected)}`);
  // JavaScript string indices are UTF-16 code units: the editor's column of the bad value.
  const utf16Col = line.indexOf('"not valid!"') + 1;
  const charCol = [...line.slice(0, utf16Col - 1)].length + 1;
  assert.equal(d.range.start.column, charCol, "the CLI counts characters");
  const ws = new Workspace(); // UTF-16 is the default
  ws.setFile(file, text);
  const got = ws.check().diagnostics.find((x) => x.kubernetes?.field === "metadata.labels");
  assert.equal(got.range.start.line, 3);
  assert.equal(got.range.start.column, utf16Col);
  assert.equal(got.range.start.column - d.range.start.column, 2);
  // Everything but the positions is the same.
  assert.deepStrictEqual({ ...got, range: null }, { ...d, range: null });
});
