//! `kplay proxy-rules`, `trace` and `simulate` end to end on the manifests under
//! tests/fixtures/proxy/cli: the seed tutorial (a Service without selector) and a shop
//! (Deployment, Services, Ingress, client pod).

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/proxy/cli").join(name);
    p.to_string_lossy().into_owned()
}

fn kplay(args: &[&str]) -> Output {
    // An empty configuration directory, so a kplay.toml of the developer's does not apply.
    let dir = std::env::temp_dir();
    Command::new(env!("CARGO_BIN_EXE_kplay")).args(args).current_dir(dir).output().expect("run kplay")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn seed_tutorial_request_is_traced_to_its_rejection() {
    let seed = fixture("seed-tutorial.yaml");
    let o = kplay(&["trace", &seed, "--to", "svc/default/my-service:80", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "not delivered: exit 1");
    let v = json(&o);
    assert_eq!(v["outcome"], "rejected");
    assert!(v["http_status"].is_null());
    assert_eq!(v["backend"]["service"], "my-service");
    assert!(v["endpoint"].is_null());
    let hops = v["hops"].as_array().expect("hops");
    assert!(hops.iter().all(|h| h["kind"].is_string() && h["name"].is_string() && h["detail"].is_string()));
    let reject = hops.iter().find(|h| h["detail"].as_str().unwrap_or_default().contains("REJECT")).expect("a REJECT hop");
    assert!(reject["rule"].as_str().unwrap_or_default().contains("default/my-service:http has no endpoints"), "{reject}");
    let keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["backend", "endpoint", "hops", "http_status", "masqueraded", "outcome"]);

    let human = stdout(&kplay(&["trace", &seed, "--to", "svc/default/my-service:80"]));
    assert!(human.contains("no EndpointSlice lists a pod for it"), "{human}");
    assert!(human.trim_end().ends_with("=> rejected: the client gets an immediate error (connection refused)"), "{human}");
}

#[test]
fn ingress_url_reaches_a_web_pod_and_other_paths_get_404() {
    let shop = fixture("shop.yaml");
    let o = kplay(&["trace", &shop, "--url", "http://shop.example.com/cart/items", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["outcome"], "delivered");
    assert_eq!(v["http_status"], 200);
    assert_eq!(v["backend"], serde_json::json!({"namespace": "shop", "service": "web", "port": "http"}));
    assert_eq!(v["endpoint"]["port"], 8080);
    assert!(v["endpoint"]["pod"].as_str().unwrap_or_default().starts_with("shop/web-"));
    let v = json(&kplay(&["trace", &shop, "--url", "http://shop.example.com/cartoon", "--format", "json"]));
    assert_eq!(v["http_status"], 404, "element-wise Prefix: /cart does not match /cartoon");
}

#[test]
fn pod_to_service_by_dns_in_each_mode() {
    let shop = fixture("shop.yaml");
    for (mode, kind, needle) in
        [("iptables", "iptables", "KUBE-SVC-"), ("nftables", "nftables", "numgen random mod 3"), ("ipvs", "ipvs", "real server")]
    {
        let o =
            kplay(&["trace", &shop, "--to", "web.shop:80", "--from", "pod/shop/client", "--mode", mode, "--seed", "7", "--format", "json"]);
        let v = json(&o);
        assert_eq!(v["outcome"], "delivered", "{mode}: {v}");
        let hops = v["hops"].as_array().expect("hops");
        assert!(hops.iter().any(|h| h["kind"] == "dns"));
        let text = serde_json::to_string(hops).unwrap_or_default();
        assert!(hops.iter().any(|h| h["kind"] == kind), "{mode}: {text}");
        assert!(text.contains(needle), "{mode}: {text}");
    }
    // The same seed picks the same endpoint in every mode: the modes explain one decision.
    let pick = |mode: &str| {
        json(&kplay(&[
            "trace",
            &shop,
            "--to",
            "web.shop:80",
            "--from",
            "pod/shop/client",
            "--mode",
            mode,
            "--seed",
            "11",
            "--format",
            "json",
        ]))["endpoint"]
            .clone()
    };
    assert_eq!(pick("iptables"), pick("nftables"));
    assert_eq!(pick("iptables"), pick("ipvs"));
}

#[test]
fn proxy_rules_in_three_modes() {
    let shop = fixture("shop.yaml");
    let ipt = stdout(&kplay(&["proxy-rules", &shop, "--mode", "iptables"]));
    assert!(ipt.contains("*nat\n:PREROUTING ACCEPT [0:0]"), "{ipt}");
    assert!(ipt.contains("-p tcp -m comment --comment \"shop/web-public:http\" -m tcp --dport 30080 -j KUBE-EXT-"), "{ipt}");
    assert!(ipt.contains("-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-"), "ClientIP affinity: {ipt}");
    let written = stdout(&kplay(&["proxy-rules", &shop, "--mode", "iptables", "--as-written"]));
    assert!(written.contains("--probability 0.3333333333 "), "kube-proxy's own probability string: {written}");
    let nft = stdout(&kplay(&["proxy-rules", &shop, "--mode", "nftables"]));
    assert!(nft.starts_with("table ip kube-proxy {"), "{nft}");
    assert!(nft.contains("chain service-KHN6ECMT-shop/web/tcp/http {"), "{nft}");
    let ipvs = stdout(&kplay(&["proxy-rules", &shop, "--mode", "ipvs"]));
    assert!(ipvs.contains("TCP  ") && ipvs.contains(" rr persistent 10800\n"), "{ipvs}");
    let bad = kplay(&["proxy-rules", &shop, "--node", "no-such-node"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no node named no-such-node"));
}

#[test]
fn simulate_counts_requests_per_endpoint() {
    let shop = fixture("shop.yaml");
    let args = ["simulate", &shop, "--to", "svc/shop/web:80", "--from", "pod/shop/client", "--requests", "30000", "--seed", "5"];
    let v = json(&kplay(&[&args[..], &["--format", "json"]].concat()));
    assert_eq!(v["delivered"], 30000);
    let eps = v["endpoints"].as_array().expect("endpoints");
    assert_eq!(eps.len(), 3);
    for e in eps {
        let share = e["share"].as_f64().unwrap_or(0.0);
        assert!((share - 1.0 / 3.0).abs() < 0.02, "{e}");
        assert!((e["expected_share"].as_f64().unwrap_or(0.0) - 1.0 / 3.0).abs() < 1e-6, "{e}");
    }
    // Deterministic for a seed.
    assert_eq!(v, json(&kplay(&[&args[..], &["--format", "json"]].concat())));
    let human = stdout(&kplay(&args));
    assert!(human.contains("ENDPOINT") && human.contains("EXPECTED") && human.contains("33."), "{human}");
    // ClientIP affinity on web-public: one client address sticks to one pod.
    let sticky = json(&kplay(&[
        "simulate",
        &shop,
        "--to",
        "svc/shop/web-public:80",
        "--from",
        "pod/shop/client",
        "--requests",
        "2000",
        "--format",
        "json",
    ]));
    let used = sticky["endpoints"].as_array().expect("endpoints").iter().filter(|e| e["count"].as_u64().unwrap_or(0) > 0).count();
    assert_eq!(used, 1, "{sticky}");
}

#[test]
fn usage_errors_exit_2() {
    let shop = fixture("shop.yaml");
    assert_eq!(kplay(&["trace", &shop]).status.code(), Some(2), "neither --url nor --to");
    assert_eq!(kplay(&["trace", &shop, "--to", "nonsense"]).status.code(), Some(2));
    assert_eq!(kplay(&["trace", &shop, "--to", "svc/shop/web:80", "--from", "deployment/web"]).status.code(), Some(2));
}

#[test]
fn another_nodes_node_port_and_loopback_from_a_pod() {
    let np = fixture("nodeport.yaml");
    for mode in ["iptables", "nftables", "ipvs"] {
        for from in ["pod/client", "node/node-3"] {
            let o = kplay(&["trace", &np, "--to", "172.18.0.2:30081", "--from", from, "--mode", mode, "--format", "json"]);
            let v = json(&o);
            assert_eq!(v["outcome"], "delivered", "{mode} {from}: {v}");
            assert_eq!(v["endpoint"]["pod"], "default/np-0");
            let hops = v["hops"].as_array().expect("hops");
            let route = hops.iter().position(|h| h["kind"] == "route" && h["name"] == "node-1").expect("a hop to node-1");
            assert!(hops[route + 1..].iter().any(|h| h["node"] == "node-1"), "{mode}: node-1's rules follow: {v}");
        }
        let v = json(&kplay(&["trace", &np, "--to", "127.0.0.1:30081", "--from", "pod/client", "--mode", mode, "--format", "json"]));
        assert_eq!(v["outcome"], "no-route", "{mode}: {v}");
        assert_eq!(v["hops"][1]["kind"], "loopback");
        let v = json(&kplay(&["trace", &np, "--to", "127.0.0.1:30081", "--from", "node/node-2", "--mode", mode, "--format", "json"]));
        let expected = if mode == "iptables" { "delivered" } else { "no-route" };
        assert_eq!(v["outcome"], expected, "{mode}: localhost NodePorts only in iptables mode: {v}");
    }
}

#[test]
fn headless_and_pod_names_resolve_as_kplay_dns_lists_them() {
    let hl = fixture("headless.yaml");
    let records = json(&kplay(&["dns", &hl, "--format", "json"]));
    let a = |name: &str| -> Vec<String> {
        records
            .as_array()
            .expect("records")
            .iter()
            .filter(|r| r["name"] == name && r["type"] == "A")
            .map(|r| r["data"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let all = a("db.default.svc.cluster.local");
    assert_eq!(all.len(), 2, "{records}");
    let db0 = a("db-0.db.default.svc.cluster.local");
    assert_eq!(db0.len(), 1);
    let pod_name = format!("{}.default.pod.cluster.local", db0[0].replace('.', "-"));
    assert_eq!(a(&pod_name), db0);
    for (to, ip) in [
        ("db:5433", &all[0]),
        ("db.default.svc.cluster.local:5433", &all[0]),
        ("db-0.db:5433", &db0[0]),
        ("db-0.db.default.svc.cluster.local.:5433", &db0[0]),
        (&format!("{pod_name}:5433")[..], &db0[0]),
    ] {
        let o = kplay(&["trace", &hl, "--to", to, "--from", "pod/client", "--format", "json"]);
        let v = json(&o);
        assert_eq!(v["outcome"], "delivered", "{to}: {v}");
        assert_eq!(v["endpoint"]["ip"], ip.as_str(), "{to}: the first answer");
        assert!(v["backend"].is_null(), "{to}: no Service VIP, no kube-proxy");
        assert!(v["hops"].as_array().expect("hops").iter().any(|h| h["kind"] == "pod-network"), "{v}");
    }
    // Every request looks the name up again; CoreDNS shuffles the answers: both pods get some.
    let sim = json(&kplay(&["simulate", &hl, "--to", "db:5433", "--from", "pod/client", "-N", "200", "--format", "json"]));
    assert_eq!(sim["delivered"], 200, "{sim}");
    let eps = sim["endpoints"].as_array().expect("endpoints");
    assert_eq!(eps.len(), 2, "{sim}");
    assert!(eps.iter().all(|e| e["expected_share"] == 0.5 && e["count"].as_u64().unwrap_or(0) > 60), "{sim}");
    // Outside the cluster the cluster's DNS is not asked.
    let v = json(&kplay(&["trace", &hl, "--to", "db.default:5433", "--format", "json"]));
    assert_eq!(v["outcome"], "no-route", "{v}");
    let human = stdout(&kplay(&["trace", &hl, "--to", "svc/default/db:5432", "--from", "pod/client"]));
    assert!(human.contains("send to its DNS name instead (db.default.svc.cluster.local:PORT)"), "{human}");
    let v = json(&kplay(&["trace", &hl, "--to", "db-1.db:5433", "--from", "pod/client", "--format", "json"]));
    assert_eq!(v["outcome"], "no-route", "db-1 has no hostname, so no name of its own: {v}");
}
