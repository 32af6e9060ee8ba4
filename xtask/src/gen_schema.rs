//! `cargo xtask gen-schema`: generates kplay's field schema (`crates/kplay_core/src/schema/data/fields.txt`)
//! from Kubernetes' published OpenAPI, as shipped in the PyPI package `kubernetes-validate` (one folder of
//! JSON schemas per Kubernetes release, `v1.NN.0-local-strict/_definitions.json`).
//!
//! Only the kinds kplay models and the definitions they reach are kept, merged over the supported
//! versions with per-line version ranges, so that versions are data and the wasm stays small. The
//! file format is documented in `crates/kplay_core/src/schema/table.rs`, which parses it.
//!
//! Usage: `cargo xtask gen-schema [--from DIR | --wheel FILE.whl] [--out FILE] [--check]`
//! - `--from DIR`: the unpacked `kubernetes_validate/kubernetes-json-schema` folder;
//! - `--wheel FILE`: the downloaded wheel (unpacked with python3's zipfile module);
//! - neither: `python3 -m pip download --no-deps kubernetes-validate==<PACKAGE_VERSION>` into a
//!   temporary folder (needs the package registry; `--check` in CI should pass `--wheel`);
//! - `--check`: fail when the committed file differs from what would be generated.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package release the committed data was generated from.
const PACKAGE_VERSION: &str = "1.37.0";
/// Supported Kubernetes minors (keep in step with `kplay_core::version::KubeVersion`).
const OLDEST: u16 = 30;
const NEWEST: u16 = 37;
/// First minor the package ships; removals are derived from version to version from here on.
const FIRST_IN_PACKAGE: u16 = 25;
/// The kinds kplay models (keep in step with `kplay_core::model::MODELLED`).
const MODELLED: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "Namespace"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("v1", "ReplicationController"),
];
/// Definitions whose JSON is free-form (any value is accepted by the Go type).
const FREE_FORM: &[&str] = &["io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", "io.k8s.apimachinery.pkg.runtime.RawExtension"];
const DEFAULT_OUT: &str = "crates/kplay_core/src/schema/data/fields.txt";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut from: Option<PathBuf> = None;
    let mut wheel: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut check = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from" => from = Some(it.next().ok_or("--from needs a directory")?.into()),
            "--wheel" => wheel = Some(it.next().ok_or("--wheel needs a file")?.into()),
            "--out" => out = Some(it.next().ok_or("--out needs a file")?.into()),
            "--check" => check = true,
            other => return Err(format!("gen-schema: unknown argument `{other}`")),
        }
    }
    let root = workspace_root()?;
    let out = out.unwrap_or_else(|| root.join(DEFAULT_OUT));
    let tmp = std::env::temp_dir().join(format!("kplay-gen-schema-{}", std::process::id()));
    let dir = match (from, wheel) {
        (Some(d), _) => d,
        (None, Some(w)) => unpack_wheel(&w, &tmp)?,
        (None, None) => {
            std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
            let spec = format!("kubernetes-validate=={PACKAGE_VERSION}");
            let st = Command::new("python3")
                .args(["-m", "pip", "download", "--no-deps", "-d"])
                .arg(&tmp)
                .arg(&spec)
                .status()
                .map_err(|e| format!("running python3 -m pip: {e}"))?;
            if !st.success() {
                return Err(format!("pip download {spec} failed"));
            }
            let whl = std::fs::read_dir(&tmp)
                .map_err(|e| e.to_string())?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "whl"))
                .ok_or("pip downloaded no wheel")?;
            unpack_wheel(&whl, &tmp)?
        }
    };
    let text = generate(&dir);
    // The temporary download (if any) is not needed any more, whatever the outcome.
    let _ = std::fs::remove_dir_all(&tmp);
    let text = text?;
    if check {
        let old = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        if old != text {
            return Err(format!("{} is stale: run `cargo xtask gen-schema`", out.display()));
        }
        println!("{} is up to date", out.display());
        return Ok(());
    }
    if let Some(p) = out.parent() {
        std::fs::create_dir_all(p).map_err(|e| e.to_string())?;
    }
    std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {} ({} bytes)", out.display(), text.len());
    Ok(())
}

fn workspace_root() -> Result<PathBuf, String> {
    let mut d = std::env::current_dir().map_err(|e| e.to_string())?;
    loop {
        let toml = d.join("Cargo.toml");
        if std::fs::read_to_string(&toml).is_ok_and(|t| t.contains("[workspace]")) {
            return Ok(d);
        }
        if !d.pop() {
            return Err("not inside the kplay workspace".into());
        }
    }
}

fn unpack_wheel(whl: &Path, tmp: &Path) -> Result<PathBuf, String> {
    let dest = tmp.join("unpacked");
    let st =
        Command::new("python3").args(["-m", "zipfile", "-e"]).arg(whl).arg(&dest).status().map_err(|e| format!("running python3: {e}"))?;
    if !st.success() {
        return Err(format!("could not unpack {}", whl.display()));
    }
    Ok(dest.join("kubernetes_validate").join("kubernetes-json-schema"))
}

/// One version's definitions.
struct Version {
    minor: u16,
    defs: BTreeMap<String, Json>,
}

fn load(dir: &Path, minor: u16) -> Result<Version, String> {
    let path = dir.join(format!("v1.{minor}.0-local-strict")).join("_definitions.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json = Json::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(Json::Obj(defs)) = json.get("$defs") else {
        return Err(format!("{}: no $defs", path.display()));
    };
    Ok(Version { minor, defs: defs.iter().cloned().collect() })
}

/// `io.k8s.api.core.v1.PodSpec` -> `core.v1.PodSpec`.
fn short(name: &str) -> String {
    for p in ["io.k8s.api.", "io.k8s.apimachinery.pkg.apis.", "io.k8s.apimachinery.pkg."] {
        if let Some(s) = name.strip_prefix(p) {
            return s.to_string();
        }
    }
    name.to_string()
}

fn ref_name(s: &Json) -> Option<&str> {
    match s.get("$ref") {
        Some(Json::Str(r)) => r.rsplit('/').next(),
        _ => None,
    }
}

/// The type notation of one schema node (see table.rs); pushes referenced definitions on `todo`.
fn type_of(s: &Json, todo: &mut Vec<String>, at: &str) -> Result<String, String> {
    if let Some(r) = ref_name(s) {
        return Ok(match r {
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => "ios".into(),
            "io.k8s.apimachinery.pkg.api.resource.Quantity" => "q".into(),
            "io.k8s.apimachinery.pkg.apis.meta.v1.Time" | "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" => "time".into(),
            r if FREE_FORM.contains(&r) => "any".into(),
            r => {
                todo.push(r.to_string());
                format!("@{}", short(r))
            }
        });
    }
    if s.get("x-kubernetes-preserve-unknown-fields").is_some_and(|v| matches!(v, Json::Bool(true))) {
        return Ok("any".into());
    }
    if s.get("x-kubernetes-int-or-string").is_some_and(|v| matches!(v, Json::Bool(true))) {
        return Ok("ios".into());
    }
    let ty = main_type(s).ok_or_else(|| format!("{at}: no type in {}", s.brief()))?;
    let format = match s.get("format") {
        Some(Json::Str(f)) => f.as_str(),
        _ => "",
    };
    Ok(match ty {
        "string" if format == "date-time" => "time".into(),
        "string" => "s".into(),
        "integer" if format == "int32" => "i32".into(),
        "integer" => "i64".into(),
        "number" => "f".into(),
        "boolean" => "b".into(),
        "array" => {
            let items = s.get("items").ok_or_else(|| format!("{at}: array without items"))?;
            format!("[{}]", type_of(items, todo, &format!("{at}[]"))?)
        }
        "object" => {
            if s.get("properties").is_some() {
                return Err(format!("{at}: inline object with properties is not supported"));
            }
            match s.get("additionalProperties") {
                Some(ap @ Json::Obj(_)) => format!("{{{}}}", type_of(ap, todo, &format!("{at}{{}}"))?),
                _ => "any".into(),
            }
        }
        other => return Err(format!("{at}: unsupported type {other}")),
    })
}

/// `"string"` or `["string", "null"]` -> `string`.
fn main_type(s: &Json) -> Option<&str> {
    match s.get("type")? {
        Json::Str(t) => Some(t),
        Json::Arr(ts) => ts.iter().find_map(|t| match t {
            Json::Str(t) if t != "null" => Some(t.as_str()),
            _ => None,
        }),
        _ => None,
    }
}

/// Property lines of one definition in one version: name -> type.
fn props_of(v: &Version, name: &str, todo: &mut Vec<String>) -> Result<BTreeMap<String, String>, String> {
    let def = v.defs.get(name).ok_or_else(|| format!("1.{}: missing definition {name}", v.minor))?;
    let mut out = BTreeMap::new();
    if let Some(Json::Obj(props)) = def.get("properties") {
        for (p, s) in props {
            out.insert(p.clone(), type_of(s, todo, &format!("{name}.{p}"))?);
        }
    } else if main_type(def) != Some("object") {
        return Err(format!("1.{}: {name} is not an object definition", v.minor));
    }
    Ok(out)
}

/// Every `(apiVersion, kind)` the OpenAPI serves, without lists and meta types.
fn served(v: &Version) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (name, def) in &v.defs {
        if name.starts_with("io.k8s.apimachinery.") {
            continue;
        }
        let Some(Json::Arr(gvks)) = def.get("x-kubernetes-group-version-kind") else { continue };
        for g in gvks {
            let (Some(Json::Str(group)), Some(Json::Str(version)), Some(Json::Str(kind))) =
                (g.get("group"), g.get("version"), g.get("kind"))
            else {
                continue;
            };
            if kind.ends_with("List") {
                continue;
            }
            let av = if group.is_empty() { version.clone() } else { format!("{group}/{version}") };
            out.insert((av, kind.clone()));
        }
    }
    out
}

fn gvk_def(v: &Version, api_version: &str, kind: &str) -> Option<String> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    v.defs.iter().find_map(|(name, def)| {
        let Some(Json::Arr(gvks)) = def.get("x-kubernetes-group-version-kind") else { return None };
        gvks.iter()
            .any(|g| {
                matches!(g.get("group"), Some(Json::Str(x)) if x == group)
                    && matches!(g.get("version"), Some(Json::Str(x)) if x == version)
                    && matches!(g.get("kind"), Some(Json::Str(x)) if x == kind)
            })
            .then(|| name.clone())
    })
}

/// Sorted minors -> `""` for the full range, else `a-b` ranges joined by `,`.
fn ranges(minors: &BTreeSet<u16>) -> String {
    if minors.len() == usize::from(NEWEST - OLDEST + 1) {
        return String::new();
    }
    let mut parts: Vec<(u16, u16)> = Vec::new();
    for &m in minors {
        match parts.last_mut() {
            Some((_, hi)) if *hi + 1 == m => *hi = m,
            _ => parts.push((m, m)),
        }
    }
    parts.iter().map(|(a, b)| format!("{a}-{b}")).collect::<Vec<_>>().join(",")
}

/// A rank for picking the replacement of a removed API version: GA over beta over alpha, then
/// the higher version.
fn maturity(api_version: &str) -> (u8, String) {
    let v = api_version.rsplit('/').next().unwrap_or(api_version);
    let rank = if v.contains("alpha") {
        0
    } else if v.contains("beta") {
        1
    } else {
        2
    };
    (rank, v.to_string())
}

pub fn generate(dir: &Path) -> Result<String, String> {
    let versions: Vec<Version> = (OLDEST..=NEWEST).map(|m| load(dir, m)).collect::<Result<_, _>>()?;
    // def -> prop -> type -> minors
    let mut table: BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<u16>>>> = BTreeMap::new();
    let mut roots: BTreeMap<(String, String), (String, BTreeSet<u16>)> = BTreeMap::new();
    for v in &versions {
        let mut todo = Vec::new();
        for &(av, kind) in MODELLED {
            let def = gvk_def(v, av, kind).ok_or_else(|| format!("1.{}: {av} {kind} not in the OpenAPI", v.minor))?;
            roots.entry((av.to_string(), kind.to_string())).or_insert_with(|| (short(&def), BTreeSet::new())).1.insert(v.minor);
            todo.push(def);
        }
        let mut done = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !done.insert(name.clone()) {
                continue;
            }
            let props = props_of(v, &name, &mut todo)?;
            let entry = table.entry(short(&name)).or_default();
            for (p, ty) in props {
                entry.entry(p).or_default().entry(ty).or_default().insert(v.minor);
            }
        }
    }

    // Served kinds per version (for unknown kinds and API versions), and removals derived from the
    // package's earlier releases.
    let mut gvks: BTreeMap<(String, String), BTreeSet<u16>> = BTreeMap::new();
    for v in &versions {
        for k in served(v) {
            gvks.entry(k).or_default().insert(v.minor);
        }
    }
    let mut removed: BTreeMap<(String, String), (u16, String)> = BTreeMap::new();
    let mut prev = served(&load(dir, FIRST_IN_PACKAGE)?);
    for minor in FIRST_IN_PACKAGE + 1..=NEWEST {
        let cur = if minor >= OLDEST { served(&versions[usize::from(minor - OLDEST)]) } else { served(&load(dir, minor)?) };
        for (av, kind) in prev.difference(&cur) {
            let group = av.rsplit_once('/').map_or("", |(g, _)| g);
            let replacement = cur
                .iter()
                .filter(|(a, k)| k == kind && a.rsplit_once('/').map_or("", |(g, _)| g) == group)
                .max_by_key(|(a, _)| maturity(a))
                .map_or_else(|| "-".to_string(), |(a, _)| a.clone());
            removed.entry((av.clone(), kind.clone())).or_insert((minor, replacement));
        }
        prev = cur;
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# GENERATED by `cargo xtask gen-schema` from the OpenAPI JSON schemas (v1.NN.0-local-strict) of the PyPI package kubernetes-validate {PACKAGE_VERSION}; do not edit."
    );
    let _ = writeln!(out, "# Format: see crates/kplay_core/src/schema/table.rs. A trailing `a-b` limits a line to Kubernetes 1.a..1.b.");
    let _ = writeln!(out, "V {OLDEST} {NEWEST}");
    for ((av, kind), (def, minors)) in &roots {
        let _ = writeln!(out, "K {av} {kind} {def} {}", ranges(minors));
    }
    // Served kinds grouped by apiVersion and range: `G range apiVersion Kind...`.
    let mut grouped: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for ((av, kind), minors) in &gvks {
        grouped.entry((av.clone(), ranges(minors))).or_default().push(kind);
    }
    for ((av, r), kinds) in &grouped {
        let r = if r.is_empty() { "*" } else { r };
        let _ = writeln!(out, "G {r} {av} {}", kinds.join(" "));
    }
    for ((av, kind), (minor, repl)) in &removed {
        let _ = writeln!(out, "R {av} {kind} {minor} {repl}");
    }
    for (def, props) in &table {
        let _ = writeln!(out, "D {def}");
        for (p, types) in props {
            for (ty, minors) in types {
                let r = ranges(minors);
                if r.is_empty() {
                    let _ = writeln!(out, " {p} {ty}");
                } else {
                    let _ = writeln!(out, " {p} {ty} {r}");
                }
            }
        }
    }
    // Trailing spaces from empty ranges on K lines.
    Ok(out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n") + "\n")
}

/// A minimal JSON value: enough for reading the schema files without a dependency.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Num,
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn brief(&self) -> String {
        match self {
            Json::Obj(m) => format!("{{{}}}", m.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")),
            other => format!("{other:?}"),
        }
    }

    fn parse(text: &str) -> Result<Json, String> {
        let mut p = Parser { b: text.as_bytes(), i: 0 };
        let v = p.value()?;
        p.ws();
        if p.i != p.b.len() {
            return Err(format!("trailing data at byte {}", p.i));
        }
        Ok(v)
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at byte {}", self.i))
    }

    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            self.err(&format!("expected `{}`", c as char))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut m = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(m));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(b':')?;
                    m.push((k, self.value()?));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Obj(m));
                        }
                        _ => return self.err("expected `,` or `}`"),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Arr(a));
                }
                loop {
                    a.push(self.value()?);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(a));
                        }
                        _ => return self.err("expected `,` or `]`"),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') if self.b[self.i..].starts_with(b"true") => {
                self.i += 4;
                Ok(Json::Bool(true))
            }
            Some(b'f') if self.b[self.i..].starts_with(b"false") => {
                self.i += 5;
                Ok(Json::Bool(false))
            }
            Some(b'n') if self.b[self.i..].starts_with(b"null") => {
                self.i += 4;
                Ok(Json::Null)
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                while self.i < self.b.len() && matches!(self.b[self.i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                    self.i += 1;
                }
                Ok(Json::Num)
            }
            _ => self.err("expected a value"),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.b.get(self.i) != Some(&b'"') {
            return self.err("expected a string");
        }
        self.i += 1;
        let mut s = Vec::new();
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(s).map_err(|e| e.to_string()),
                b'\\' => {
                    let Some(&e) = self.b.get(self.i) else { break };
                    self.i += 1;
                    match e {
                        b'n' => s.push(b'\n'),
                        b't' => s.push(b'\t'),
                        b'r' => s.push(b'\r'),
                        b'b' => s.push(8),
                        b'f' => s.push(12),
                        b'u' => {
                            let hex = self.b.get(self.i..self.i + 4).ok_or("short \\u escape")?;
                            self.i += 4;
                            let code =
                                u32::from_str_radix(std::str::from_utf8(hex).map_err(|e| e.to_string())?, 16).map_err(|e| e.to_string())?;
                            // Surrogates only appear in descriptions, which are not kept.
                            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                            let mut buf = [0; 4];
                            s.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        other => s.push(other),
                    }
                }
                c => s.push(c),
            }
        }
        self.err("unterminated string")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_and_maps_types() {
        let j = Json::parse(r#"{"a": {"type": ["integer", "null"], "format": "int32"}, "b": [1, -2.5e3, true, null, "x\u00e9"]}"#).unwrap();
        let mut todo = Vec::new();
        assert_eq!(type_of(j.get("a").unwrap(), &mut todo, "a").unwrap(), "i32");
        let arr = Json::parse(r##"{"type": "array", "items": {"$ref": "#/$defs/io.k8s.api.core.v1.Container"}}"##).unwrap();
        assert_eq!(type_of(&arr, &mut todo, "x").unwrap(), "[@core.v1.Container]");
        assert_eq!(todo, vec!["io.k8s.api.core.v1.Container".to_string()]);
        let map = Json::parse(
            r##"{"type": "object", "additionalProperties": {"$ref": "#/$defs/io.k8s.apimachinery.pkg.api.resource.Quantity"}}"##,
        )
        .unwrap();
        assert_eq!(type_of(&map, &mut todo, "x").unwrap(), "{q}");
        assert!(Json::parse("{").is_err());
    }

    #[test]
    fn ranges_compress() {
        assert_eq!(ranges(&(OLDEST..=NEWEST).collect()), "");
        assert_eq!(ranges(&[30, 31, 35, 36, 37].into_iter().collect()), "30-31,35-37");
    }
}
