//! Sessions per second against the local emulator: this SDK beside a raw reqwest POST of
//! the identical request, in the same run, on the same machine. Prints a table.
//! `cargo bench -p hypercheckout --bench end_to_end` (SESSIONS=N to change the count,
//! EMULATOR_URL=http://... to use a running emulator).
#![allow(clippy::result_large_err)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use hypercheckout::{wire, Client, ClientConfig, Environment, SessionRequest};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

static NEXT_ORDER: AtomicU64 = AtomicU64::new(0);

fn request() -> SessionRequest {
    let n = NEXT_ORDER.fetch_add(1, Ordering::Relaxed);
    SessionRequest {
        customer_email: Some("test@mail.com".into()),
        return_url: Some("https://shop.merchant.com".into()),
        ..SessionRequest::new(
            format!("b{}-{n}", std::process::id()),
            "1.00",
            "customer-1",
            "client",
        )
    }
}

fn main() {
    let sessions: usize = std::env::var("SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    // EMULATOR_URL points at an emulator process shared with another language's benchmark
    // (scripts/bench-swift.sh); without it, one runs in-process.
    let (base_url, _emulator) = match std::env::var("EMULATOR_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let emulator = Emulator::spawn(EmulatorConfig {
                strict: true,
                ..EmulatorConfig::default()
            })
            .unwrap();
            (emulator.url(), Some(emulator))
        }
    };
    let config = ClientConfig {
        base_url: Some(base_url.clone()),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    };
    let client = Arc::new(Client::new(config).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let raw = reqwest::Client::new();
    let url = format!("{base_url}/session");

    let raw_post = {
        let raw = raw.clone();
        move |request: SessionRequest| {
            let raw = raw.clone();
            let url = url.clone();
            async move {
                let mut builder = raw.post(&url);
                for (name, value) in wire::headers(
                    DEFAULT_MERCHANT_ID,
                    DEFAULT_API_KEY,
                    request.effective_routing_id(),
                ) {
                    builder = builder.header(name, value);
                }
                let response = builder
                    .body(wire::to_wire_json(&request))
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                let body = response.bytes().await.unwrap();
                let _: serde_json::Value = serde_json::from_slice(&body).unwrap();
            }
        }
    };

    // Warm up both connection pools.
    for _ in 0..50 {
        client.create_session_blocking(request()).unwrap();
        runtime.block_on(raw_post(request()));
    }

    let mut rows: Vec<(&str, f64, f64)> = Vec::new();

    let sdk = rate(sessions, || {
        for _ in 0..sessions {
            client.create_session_blocking(request()).unwrap();
        }
    });
    let baseline = rate(sessions, || {
        for _ in 0..sessions {
            runtime.block_on(raw_post(request()));
        }
    });
    rows.push((
        "sequential (blocking SDK vs block_on reqwest)",
        sdk,
        baseline,
    ));

    for concurrency in [8usize, 32] {
        let sdk = rate(sessions, || {
            runtime.block_on(async {
                let tasks: Vec<_> = (0..concurrency)
                    .map(|_| {
                        let client = Arc::clone(&client);
                        tokio::spawn(async move {
                            for _ in 0..sessions / concurrency {
                                client.create_session(request()).await.unwrap();
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        });
        let baseline = rate(sessions, || {
            runtime.block_on(async {
                let tasks: Vec<_> = (0..concurrency)
                    .map(|_| {
                        let raw_post = raw_post.clone();
                        tokio::spawn(async move {
                            for _ in 0..sessions / concurrency {
                                raw_post(request()).await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        });
        rows.push((
            if concurrency == 8 {
                "async, concurrency 8"
            } else {
                "async, concurrency 32"
            },
            sdk,
            baseline,
        ));
    }

    println!("\nsessions per second against the local emulator ({sessions} sessions per row, 2-core machine)");
    println!("| mode | hypercheckout | raw reqwest POST | ratio |");
    println!("| --- | ---: | ---: | ---: |");
    for (mode, sdk, baseline) in rows {
        println!(
            "| {mode} | {sdk:.0} | {baseline:.0} | {:.2} |",
            sdk / baseline
        );
    }
}

fn rate(count: usize, run: impl FnOnce()) -> f64 {
    let started = Instant::now();
    run();
    count as f64 / started.elapsed().as_secs_f64()
}
