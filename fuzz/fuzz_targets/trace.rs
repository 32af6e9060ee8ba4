//! Fuzz target: routing. Builds plausible manifests (Services, workloads, Pods, EndpointSlices,
//! Ingresses) from the fuzzer's bytes, simulates the cluster, generates every node's
//! iptables/nftables/IPVS rules and traces requests through them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|scenario: kplay_fuzz::Scenario| {
    scenario.run();
});
