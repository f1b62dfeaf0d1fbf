//! `hypercheckout-swift-bench-rust URL MODE SESSIONS` -> prints `sessions_per_second`.
//! MODE: `blocking` (create_session_blocking in a loop), `async-seq` (one task awaiting
//! create_session in a loop), `async-cN` (N tasks sharing one client). Same workload as
//! bindings/swift/Benchmarks (one warm-up of 50 sessions first). MODE `breakdown`: the same
//! no-I/O parts the Swift bench times (`routing_id` of a request, `parse_session_response` of
//! an emulator answer), in microseconds per call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use hypercheckout::{Client, ClientConfig, Environment, SessionRequest};

static NEXT: AtomicU64 = AtomicU64::new(0);

fn request(tag: &str) -> SessionRequest {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let order_id = format!("r{tag}-{n}");
    SessionRequest {
        customer_email: Some("test@mail.com".into()),
        return_url: Some("https://shop.merchant.com/return".into()),
        ..SessionRequest::new(order_id.clone(), "10.00", format!("c-{order_id}"), "hypercheckout_bench")
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: {} URL blocking|async-seq|async-cN SESSIONS", args[0]);
        std::process::exit(2);
    }
    let (url, mode) = (args[1].clone(), args[2].clone());
    let sessions: u64 = args[3].parse().expect("SESSIONS");
    let tag = format!("{:x}", std::process::id() ^ (Instant::now().elapsed().subsec_nanos()));
    let config = ClientConfig {
        base_url: Some(url),
        ..ClientConfig::new("emulator_merchant", "emulator_api_key", Environment::Sandbox)
    };
    if mode == "breakdown" {
        breakdown(sessions, &tag);
        return;
    }
    let client = Arc::new(Client::new(config).expect("client"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for _ in 0..50 {
        client.create_session_blocking(request(&tag)).expect("warm-up");
    }
    let started = Instant::now();
    match mode.as_str() {
        "blocking" => {
            for _ in 0..sessions {
                client.create_session_blocking(request(&tag)).expect("session");
            }
        }
        "async-seq" => runtime.block_on(async {
            for _ in 0..sessions {
                client.create_session(request(&tag)).await.expect("session");
            }
        }),
        m if m.starts_with("async-c") => {
            let concurrency: u64 = m["async-c".len()..].parse().expect("concurrency");
            runtime.block_on(async {
                let tasks: Vec<_> = (0..concurrency)
                    .map(|i| {
                        let client = Arc::clone(&client);
                        let tag = tag.clone();
                        let share = sessions / concurrency + u64::from(i < sessions % concurrency);
                        tokio::spawn(async move {
                            for _ in 0..share {
                                client.create_session(request(&tag)).await.expect("session");
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            })
        }
        other => panic!("unknown mode {other}"),
    }
    println!("{:.1}", sessions as f64 / started.elapsed().as_secs_f64());
}

fn breakdown(n: u64, tag: &str) {
    use std::collections::HashMap;
    let sample = request(tag);
    let body = format!(
        concat!(
            r#"{{"status":"NEW","id":"ordeh_abcdefghij0123456789","order_id":"{id}","payment_links":{{"web":"http://127.0.0.1:1/orders/ordeh_abcdefghij0123456789/payment-page"}},"#,
            r#""sdk_payload":{{"requestId":"0123456789abcdef0123456789abcdef","service":"in.juspay.hyperpay","payload":{{"clientId":"hypercheckout_bench","amount":"10.00","merchantId":"emulator_merchant","clientAuthToken":"tkn_0123456789abcdef","clientAuthTokenExpiry":"2026-01-01T00:15:00Z","environment":"sandbox","options.getUpiDeepLinks":"true","action":"paymentPage","customerId":"c-x","returnUrl":"https://shop.merchant.com/return","currency":"INR","customerEmail":"test@mail.com","orderId":"{id}"}}}}}}"#
        ),
        id = sample.order_id
    );
    let headers: HashMap<String, String> = [
        ("content-type".to_string(), "application/json".to_string()),
        ("x-request-id".to_string(), "0123456789abcdef0123456789abcdef".to_string()),
    ]
    .into_iter()
    .collect();
    let time = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        for _ in 0..n {
            f();
        }
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    };
    let mut sink = 0usize;
    let lower = time(&mut || sink = sink.wrapping_add(hypercheckout::routing_id(std::hint::black_box(sample.clone())).len()));
    let lift = time(&mut || {
        let session = hypercheckout::parse_session_response(200, &headers, &body).expect("parse");
        sink = sink.wrapping_add(session.id.len());
    });
    println!("{lower:.1} {lift:.1}");
    std::hint::black_box(sink);
}
