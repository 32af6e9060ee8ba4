//! wasm-bindgen bindings for JavaScript: type conversion only. Every answer comes from
//! `kplay_core::api::Workspace`; this crate turns JavaScript arguments into its inputs (bad ones
//! become exceptions with a clear message) and its results into plain JavaScript objects shaped
//! like the CLI's JSON (`null` for absent values, objects for maps). The TypeScript declarations
//! below are emitted into the generated `.d.ts` and checked by compiling `tests/js/usage.ts`.

// Exported functions take `JsValue` arguments by value: the ABI hands them over that way.
#![allow(clippy::needless_pass_by_value)]

use kplay_core::api::{self, SimulateSpec, TraceSpec, WorkspaceOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** How report columns are counted: UTF-16 code units (editors, the default), bytes, or characters (the CLI). */
export type PositionEncoding = "utf16" | "utf8" | "chars";
export type Severity = "error" | "warning" | "info";
export type ErrorType =
  | "Required" | "Invalid" | "Duplicate" | "NotSupported" | "Forbidden" | "TooLong" | "TooMany"
  | "NotFound" | "InternalError" | "Decode" | "Admission";

/** The simulated cluster; the keys are those of kplay.toml's `[cluster]` table. Every key is optional. */
export interface ClusterDescription {
  "node-count"?: number;
  nodes?: Array<{ name?: string; zone?: string; ip?: string; "pod-cidr"?: string; labels?: Record<string, string>; ready?: boolean; cpu?: string; taints?: Array<{ key?: string; value?: string; effect?: string }> }>;
  zones?: string[];
  region?: string;
  "node-name-prefix"?: string;
  "node-cpu"?: string;
  "node-network"?: string;
  "cluster-cidr"?: string;
  "node-cidr-mask-size"?: number;
  "cluster-cidr-v6"?: string | null;
  "node-cidr-mask-size-v6"?: number;
  "service-cidr"?: string;
  "service-cidr-secondary"?: string | null;
  "node-port-range"?: string;
  "cluster-domain"?: string;
  "proxy-mode"?: "iptables" | "nftables" | "ipvs";
  /** kube-proxy's --ipvs-scheduler in IPVS mode (default "rr"). */
  "ipvs-scheduler"?: string;
  "load-balancer-cidr"?: string;
  "max-endpoints-per-slice"?: number;
  "max-pods-per-node"?: number;
  "max-replicas-per-workload"?: number;
  "system-dns"?: boolean;
  seed?: number;
  overrides?: {
    pods?: Array<{ namespace?: string; name: string; ready?: boolean; terminating?: boolean }>;
    "nodes-down"?: string[];
    scale?: Array<{ namespace?: string; kind: string; name: string; replicas: number }>;
  };
}

export interface WorkspaceOptions {
  /** "1.30" to "1.37" (default "1.34"). */
  kubeVersion?: string;
  positionEncoding?: PositionEncoding;
  /** Namespace for objects that name none (default "default"). */
  defaultNamespace?: string;
  disabledRules?: string[];
  severityOverrides?: Record<string, Severity>;
  /** Honour `# kplay: ignore[...]` comments (default true). */
  inlineIgnores?: boolean;
  cluster?: ClusterDescription;
  /** Resource limits (docs/limits.md); omitted keys keep their defaults. */
  limits?: Limits;
}

export interface Limits {
  "max-alias-nodes"?: number;
  "max-depth"?: number;
  "max-document-bytes"?: number;
  "max-file-bytes"?: number;
  "max-documents"?: number;
}

/** 1-based line and column (column in the workspace's position encoding). */
export interface Position { line: number; column: number; }
export interface Range { start: Position; end: Position; }
export interface ObjectRef { apiVersion: string; kind: string; namespace: string | null; name: string | null; }
/** The field error the API server would return: its field path notation and error type. */
export interface KubernetesError { field: string; type: ErrorType; }
export interface Label { file: string; range: Range; message: string; }
export interface Diagnostic {
  file: string;
  rule: string;
  severity: Severity;
  message: string;
  help: string | null;
  range: Range;
  object: ObjectRef | null;
  kubernetes: KubernetesError | null;
  labels: Label[];
}
export interface Summary { files: number; objects: number; errors: number; warnings: number; infos: number; }
/** The same shape as `kplay check --format json`. */
export interface Report { diagnostics: Diagnostic[]; summary: Summary; }

export type Acceptance = "accepted" | "decode" | "admission" | "allocation" | "validation" | "unknown";
/** An object as the API server would store it (defaults applied). */
export interface StoredObject {
  file: string;
  document: number;
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string | null;
  acceptance: Acceptance;
  object: { [key: string]: unknown };
}

export interface Span { start: number; end: number; }
export interface Origin { object: number; file: number; head: Span; }
export interface StoreMeta { uid: string; resourceVersion: number; creationIndex: number; }
export interface EndpointConditions { ready: boolean | null; serving: boolean | null; terminating: boolean | null; }
export interface Endpoint {
  addresses: string[];
  conditions: EndpointConditions;
  hostname: string | null;
  nodeName: string | null;
  zone: string | null;
  targetRef: { kind: string; namespace: string; name: string; uid: string } | null;
  forZones: string[];
  forNodes: string[];
}
export interface EndpointPort { name: string | null; port: number | null; protocol: string | null; appProtocol: string | null; }
export interface EndpointSlice {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  addressType: "IPv4" | "IPv6" | "FQDN";
  endpoints: Endpoint[];
  ports: EndpointPort[];
  /** The `kubernetes.io/service-name` label. */
  service: string | null;
  /** Written by the EndpointSlice controller (else supplied by the user). */
  managed: boolean;
  annotations: Record<string, string>;
  /** The `Endpoints` object the mirroring controller copied this slice from (its owner). */
  mirroredFrom: string | null;
  origin: Origin;
  store: StoreMeta;
}

export interface DnsRecord { name: string; type: "A" | "AAAA" | "SRV" | "CNAME" | "PTR"; data: string; }

export interface TraceRequest {
  /** "external" (default), "pod/NAME", "pod/NAMESPACE/NAME", "node/NAME" or an IP address. */
  from?: string;
  /** "svc/NAMESPACE/NAME:PORT", "IP:PORT", "NAME:PORT" or an http(s):// URL. */
  to: string;
  protocol?: "TCP" | "UDP" | "SCTP";
  seed?: number;
  entryNode?: string;
  ingressClass?: string;
  /** The kube-proxy mode the hops are named in (default: the cluster's "proxy-mode"). */
  mode?: "iptables" | "nftables" | "ipvs";
}
export interface SimulateRequest extends TraceRequest {
  /** 1 to 1,000,000 (default 1000). */
  requests?: number;
  /** Distinct client addresses, 1 to 10,000 (default 1). */
  clients?: number;
  intervalMs?: number;
}
export type Outcome = "delivered" | "rejected" | "dropped" | "no-route";
export interface Hop { kind: string; name: string; detail: string; rule?: string; node?: string; }
export interface BackendRef { namespace: string; service: string; port: string; }
export interface EndpointRef { ip: string; port: number; pod: string | null; node: string | null; }
export interface Trace {
  outcome: Outcome;
  http_status: number | null;
  backend: BackendRef | null;
  endpoint: EndpointRef | null;
  hops: Hop[];
  masqueraded: boolean;
}
export interface EndpointCount { endpoint: EndpointRef; count: number; share: number; expected_share: number; }
/** Requests of one client that reached one endpoint; `endpoint` indexes `Simulation.endpoints`. */
export interface ClientHit { endpoint: number; count: number; }
/** One client address of the run: the requests it sent and where they landed. */
export interface ClientTally { client: string; requests: number; hits: ClientHit[]; }
export interface Simulation {
  requests: number;
  clients: number;
  delivered: number;
  rejected: number;
  dropped: number;
  no_route: number;
  masqueraded: number;
  endpoints: EndpointCount[];
  sample: Trace;
  /** Each client address of this same run; its counts add up to `endpoints`' counts. */
  per_client: ClientTally[];
}

export interface RuleInfo {
  name: string;
  severity: Severity;
  stage: "load" | "decode" | "admission" | "allocation" | "validation" | "lint" | "cluster" | "meta";
  summary: string;
  /** Markdown: What it does / Why is this bad? / Example / Use instead / References. */
  docs: string;
  spec: string[];
  url: string;
}
"#;

/// Converts a result to a plain JavaScript value: `null` for `None`, objects for maps.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("kplay: cannot convert the result to JavaScript: {e}")))
}

/// Reads an argument object; `undefined` and `null` mean the defaults when `optional`. The value
/// goes through `JSON.stringify` and serde_json so that unknown keys are errors at every level
/// (serde-wasm-bindgen reads only the fields a struct declares, silently skipping typos).
fn from_js<T: DeserializeOwned + Default>(value: &JsValue, what: &str, optional: bool) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return if optional { Ok(T::default()) } else { Err(JsError::new(&format!("kplay: {what} is required"))) };
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(JsError::new(&format!("kplay: {what} must be an object")));
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new(&format!("kplay: {what} must be plain data (JSON.stringify failed)")))?;
    serde_json::from_str(&text).map_err(|e| JsError::new(&format!("kplay: invalid {what}: {e}")))
}

fn string_arg(value: &JsValue, what: &str) -> Result<String, JsError> {
    value.as_string().ok_or_else(|| JsError::new(&format!("kplay: {what} must be a string")))
}

/// An optional string argument: `undefined` and `null` mean "use the default".
fn opt_string_arg(value: &JsValue, what: &str) -> Result<Option<String>, JsError> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        string_arg(value, what).map(Some)
    }
}

/// A set of manifests checked together against one simulated cluster.
#[wasm_bindgen]
pub struct Workspace {
    inner: api::Workspace,
}

#[wasm_bindgen]
impl Workspace {
    /// Throws when an option is unknown or has a bad value.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_optional_param_type = "WorkspaceOptions")] options: JsValue) -> Result<Workspace, JsError> {
        let opts: WorkspaceOptions = from_js(&options, "options", true)?;
        let (options, encoding) = opts.resolve().map_err(|e| JsError::new(&format!("kplay: invalid options: {e}")))?;
        Ok(Workspace { inner: api::Workspace::new(options, encoding) })
    }

    /// Adds a file or replaces its text.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<(), JsError> {
        let name = string_arg(&name, "setFile: the file name")?;
        let text = string_arg(&text, "setFile: the file text")?;
        self.inner.set_file(&name, &text);
        Ok(())
    }

    /// Removes a file; false when there was none.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Result<bool, JsError> {
        Ok(self.inner.remove_file(&string_arg(&name, "removeFile: the file name")?))
    }

    /// The diagnostics of every file (the shape of `kplay check --format json`).
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn check(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.check())
    }

    /// Every object found, as the API server would store it.
    #[wasm_bindgen(unchecked_return_type = "StoredObject[]")]
    pub fn objects(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.objects())
    }

    /// The EndpointSlices of the simulated cluster (controller-made and user-supplied).
    #[wasm_bindgen(js_name = endpointSlices, unchecked_return_type = "EndpointSlice[]")]
    pub fn endpoint_slices(&mut self) -> Result<JsValue, JsError> {
        to_js(self.inner.endpoint_slices())
    }

    /// Every DNS record CoreDNS would serve, sorted.
    #[wasm_bindgen(unchecked_return_type = "DnsRecord[]")]
    pub fn dns(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.dns())
    }

    /// Follows one request through DNS, the Ingress controller and kube-proxy's rules.
    #[wasm_bindgen(unchecked_return_type = "Trace")]
    pub fn trace(&mut self, #[wasm_bindgen(unchecked_param_type = "TraceRequest")] request: JsValue) -> Result<JsValue, JsError> {
        let spec: TraceSpec = from_js(&request, "trace request", false)?;
        let t = self.inner.trace(&spec).map_err(|e| JsError::new(&format!("kplay: trace: {e}")))?;
        to_js(&t)
    }

    /// Sends many requests; per-endpoint counts beside the shares the rules imply.
    #[wasm_bindgen(unchecked_return_type = "Simulation")]
    pub fn simulate(&mut self, #[wasm_bindgen(unchecked_param_type = "SimulateRequest")] request: JsValue) -> Result<JsValue, JsError> {
        let spec: SimulateSpec = from_js(&request, "simulate request", false)?;
        let s = self.inner.simulate(&spec).map_err(|e| JsError::new(&format!("kplay: simulate: {e}")))?;
        to_js(&s)
    }

    /// kube-proxy's rules on `node` (default: the first node) in `mode` (default: the cluster's
    /// `proxy-mode`), as `iptables-save` prints them.
    #[wasm_bindgen(js_name = proxyRules)]
    pub fn proxy_rules(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "\"iptables\" | \"nftables\" | \"ipvs\" | null")] mode: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] node: JsValue,
    ) -> Result<String, JsError> {
        let mode = opt_string_arg(&mode, "proxyRules: the mode")?;
        let node = opt_string_arg(&node, "proxyRules: the node")?;
        self.inner.proxy_rules(mode.as_deref(), node.as_deref()).map_err(|e| JsError::new(&format!("kplay: proxyRules: {e}")))
    }

    /// Every rule with its documentation.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
    pub fn rules() -> Result<JsValue, JsError> {
        to_js(&api::rules())
    }

    /// kplay's version.
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}
