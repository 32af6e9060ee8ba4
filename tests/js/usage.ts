// The TypeScript usage example: `tsc -p tests/js` must compile it against the package's
// generated declarations (so they are precise, not `any`), and running the output checks that
// every declared key is present at runtime and nothing undeclared is (so they match).
import { Workspace } from "kplay";
import type {
  ClientTally, Diagnostic, DnsRecord, Endpoint, EndpointSlice, Report, RuleInfo, Simulation, StoredObject, Summary, Trace,
  WorkspaceOptions,
} from "kplay";

declare const process: { exitCode?: number };

/** Exactly the keys of T, checked at compile time in both directions. */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(...keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : never)) => keys;
}

const failures: string[] = [];
function sameKeys(what: string, value: object | undefined, keys: readonly PropertyKey[], optional: readonly string[] = []): void {
  if (value === undefined) {
    failures.push(`${what}: no value to check`);
    return;
  }
  const got = Object.keys(value).sort();
  const want = keys.map(String).filter((k) => !optional.includes(k) || k in value).sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failures.push(`${what}: runtime keys ${JSON.stringify(got)} but declared ${JSON.stringify(want)}`);
  }
}

const options: WorkspaceOptions = { kubeVersion: "1.34", positionEncoding: "chars", cluster: { "node-count": 2 } };
const ws = new Workspace(options);
ws.setFile("app.yaml", `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
          ports:
            - containerPort: 8080
`);
ws.setFile("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\nspec:\n  ports:\n    - port: 80\n");

const report: Report = ws.check();
const first: Diagnostic | undefined = report.diagnostics.find((d) => d.kubernetes !== null);
// @ts-expect-error severity is a union of string literals, not a number (the types are not `any`)
const notANumber: number = report.diagnostics[0]?.severity ?? "error";
void notANumber;
if (first?.kubernetes) {
  const field: string = first.kubernetes.field;
  console.log(`${first.file}:${first.range.start.line}:${first.range.start.column} ${first.rule} ${field} ${first.kubernetes.type}`);
}
sameKeys("Report", report, keysOf<Report>()("diagnostics", "summary"));
sameKeys("Summary", report.summary, keysOf<Summary>()("files", "objects", "errors", "warnings", "infos"));
sameKeys("Diagnostic", first, keysOf<Diagnostic>()("file", "rule", "severity", "message", "help", "range", "object", "kubernetes", "labels"));

const objects: StoredObject[] = ws.objects();
sameKeys("StoredObject", objects[0], keysOf<StoredObject>()("file", "document", "apiVersion", "kind", "namespace", "name", "acceptance", "object"));

const slices: EndpointSlice[] = ws.endpointSlices();
const web = slices.find((s) => s.service === "web");
sameKeys("EndpointSlice", web, keysOf<EndpointSlice>()("namespace", "name", "labels", "addressType", "endpoints", "ports", "service", "managed", "annotations", "mirroredFrom", "origin", "store"));
const endpoint: Endpoint | undefined = web?.endpoints[0];
sameKeys("Endpoint", endpoint, keysOf<Endpoint>()("addresses", "conditions", "hostname", "nodeName", "zone", "targetRef", "forZones", "forNodes"));

const records: DnsRecord[] = ws.dns();
sameKeys("DnsRecord", records[0], keysOf<DnsRecord>()("name", "type", "data"));

const trace: Trace = ws.trace({ from: "external", to: "svc/default/web:80" });
sameKeys("Trace", trace, keysOf<Trace>()("outcome", "http_status", "backend", "endpoint", "hops", "masqueraded"));
if (trace.outcome !== "delivered") failures.push(`trace: ${trace.outcome}`);

const sim: Simulation = ws.simulate({ to: "svc/default/web:80", requests: 100, clients: 10 });
sameKeys("Simulation", sim, keysOf<Simulation>()("requests", "clients", "delivered", "rejected", "dropped", "no_route", "masqueraded", "endpoints", "sample", "per_client"));
sameKeys("ClientTally", sim.per_client[0], keysOf<ClientTally>()("client", "requests", "hits"));
const perClient = sim.per_client.reduce((n, c) => n + c.hits.reduce((m, h) => m + h.count, 0), 0);
if (perClient !== sim.delivered) failures.push(`simulate: per-client counts ${perClient} != delivered ${sim.delivered}`);

const rules: string = ws.proxyRules("iptables", "node-1");
if (!rules.includes("*nat")) failures.push("proxyRules: no nat table");

const registry: RuleInfo[] = Workspace.rules();
sameKeys("RuleInfo", registry[0], keysOf<RuleInfo>()("name", "severity", "stage", "summary", "docs", "spec", "url"));
const version: string = Workspace.version();

try {
  // @ts-expect-error positionEncoding is a union: "utf32" does not type-check (and throws)
  new Workspace({ positionEncoding: "utf32" });
  failures.push("a bad option did not throw");
} catch (e) {
  if (!(e instanceof Error) || !e.message.includes("utf32")) failures.push(`bad option: unexpected ${String(e)}`);
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exitCode = 1;
} else {
  console.log(`usage.ts: kplay ${version}: declarations match the runtime values`);
}
