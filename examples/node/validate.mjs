// Validates Kubernetes manifests with the kplay npm package, printing one line per diagnostic
// the way compilers do, and exits 1 when the API server would reject something.
//
//   cargo xtask npm && cd examples/node && npm install && node validate.mjs ../../tests/fixtures/yaml/*.yaml
import { readFileSync } from "node:fs";
import { Workspace } from "kplay";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml...");
  process.exit(2);
}

// The CLI counts columns in characters; editors usually want UTF-16 (the default).
const ws = new Workspace({ kubeVersion: "1.34", positionEncoding: "chars" });
for (const file of files) {
  ws.setFile(file, readFileSync(file, "utf8"));
}

const { diagnostics, summary } = ws.check();
for (const d of diagnostics) {
  const where = `${d.file}:${d.range.start.line}:${d.range.start.column}`;
  const server = d.kubernetes ? ` (${d.kubernetes.field}: ${d.kubernetes.type})` : "";
  console.log(`${where}: ${d.severity}[${d.rule}]: ${d.message}${server}`);
  if (d.help) console.log(`  help: ${d.help}`);
}
console.log(`${summary.files} file(s), ${summary.objects} object(s): ${summary.errors} error(s), ${summary.warnings} warning(s)`);
process.exit(summary.errors > 0 ? 1 : 0);
