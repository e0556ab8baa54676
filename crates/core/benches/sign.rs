//! Native cost of signing one OpenHttps request (V3 and V1), to compare with the same work
//! through the wasm package in Node (scripts/bench.sh): the difference is the wasm boundary.
//! Run with `cargo bench --bench sign`; prints ns per signature (median of 7 runs).

use std::hint::black_box;
use std::time::Instant;

use aliyun_es_https_core::signing::{sign, Credentials, SignatureVersion};
use aliyun_es_https_core::{Endpoint, Request};

fn main() {
    let request = Request::open_https(
        "es-cn-n6w1o1x0w001c",
        Some("5A2CFF0E-5718-45B5-9D4D-70B3FF000000"),
    )
    .unwrap();
    let endpoint = Endpoint::resolve(Some("cn-hangzhou"), Default::default(), None).unwrap();
    let credentials = Credentials::new("testid", "testsecret", None).unwrap();
    let nonce = "3b4a5c0e9f1d4e2a8b7c6d5e4f3a2b1c3b4a5c0e9f1d4e2a8b7c6d5e4f3a2b1c";
    for (name, version) in [("v3", SignatureVersion::V3), ("v1", SignatureVersion::V1)] {
        let iterations = 20_000u32;
        let mut runs: Vec<f64> = (0..7)
            .map(|run| {
                let started = Instant::now();
                for i in 0..iterations {
                    let t = 1_775_030_400_000 + i64::from(i) + i64::from(run);
                    black_box(sign(
                        black_box(&request),
                        &endpoint,
                        &credentials,
                        version,
                        t,
                        nonce,
                    ));
                }
                started.elapsed().as_nanos() as f64 / f64::from(iterations)
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        let median = runs[runs.len() / 2];
        println!(
            "native sign {name}: {median:.0} ns per signature ({:.0} signatures/s)",
            1e9 / median
        );
    }
}
