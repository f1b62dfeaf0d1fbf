//! CPU per call and sessions per second against the local emulator: this SDK beside a raw
//! reqwest POST of the identical request, in the same run, on the same machine. Prints a table.
//!
//! `cargo build --release -p hypercheckout-emulator && cargo bench -p hypercheckout --bench
//! end_to_end` (SESSIONS=N calls per row and round, ROUNDS=N rounds (default 3; each row
//! reports its median), EMULATOR_URL=http://... to use a running emulator). SOAK=N instead
//! runs the leak soak: N blocking calls then N/10 async ones at 32 in flight through one
//! client, printing RSS, threads and file descriptors at the start, after 10k and at the end
//! (issue 17, item 4; exit 1 on growth after the first 10k calls). PROFILE=sequential-sdk,
//! PROFILE=sequential-reqwest (multi-thread runtime) or PROFILE=sequential-reqwest-current-thread
//! runs only that side of a sequential row (PROFILE=async32-sdk, PROFILE=async32-reqwest: of the
//! 32-in-flight row) and prints its CPU per call: one side per process, for perf/strace and for
//! comparing without the other client's runtime in the process.
//!
//! Two sequential rows: the blocking SDK beside reqwest driven by `block_on` on a multi-thread
//! runtime (the connection's I/O on a runtime thread), and beside reqwest on a current-thread
//! runtime on the calling thread (everything on one thread, as the SDK's blocking calls do
//! from a thread's second call on): the fair peer, and the target (issue 17: at most 1.1x its
//! CPU per call).
//!
//! CPU per call is this process's user + system time (every thread: the SDK's runtime
//! included) divided by the calls, from `getrusage`. It is the headline figure (issue 17)
//! because it survives a noisy machine better than wall time, but only when the emulator
//! runs in another process: the bench starts `target/release/hypercheckout-emulator` (or
//! HYPERCHECKOUT_EMULATOR) as a child, and falls back to an in-process emulator, saying
//! loudly that its CPU figures then include the server's work.
#![allow(clippy::result_large_err)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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

/// One row of one round.
#[derive(Clone, Copy)]
struct Measured {
    /// Calls per second, wall clock.
    rate: f64,
    /// This process's CPU (user + system, all threads) per call, in microseconds.
    cpu_us: f64,
}

/// Where the emulator runs: another process (CPU figures are the client's alone) or this one.
enum Server {
    External,
    Child(Child),
    InProcess(#[allow(dead_code)] Emulator),
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::Child(child) = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn start_server() -> (String, Server) {
    // EMULATOR_URL points at an emulator process shared with another language's benchmark
    // (scripts/bench-swift.sh).
    if let Ok(url) = std::env::var("EMULATOR_URL") {
        return (url, Server::External);
    }
    let binary = std::env::var_os("HYPERCHECKOUT_EMULATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/release/hypercheckout-emulator")
        });
    if binary.exists() {
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--strict"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let stdout = child.stdout.take().expect("emulator stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the emulator printed its URL")
                .expect("read the emulator's stdout");
            if let Some(at) = line.find("http://") {
                break line[at..].trim().trim_end_matches('/').to_string();
            }
        };
        // Keep draining its stdout so the emulator never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        return (url, Server::Child(child));
    }
    eprintln!(
        "!!! {} not found: the emulator runs IN THIS PROCESS, so the CPU figures include the \
         server's work (build it: cargo build --release -p hypercheckout-emulator)",
        binary.display()
    );
    let emulator = Emulator::spawn(EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    })
    .unwrap();
    (emulator.url(), Server::InProcess(emulator))
}

fn main() {
    if let Some(calls) = std::env::var("SOAK")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    {
        std::process::exit(soak(calls));
    }
    let sessions: usize = env_number("SESSIONS", 2000);
    let rounds: usize = env_number("ROUNDS", 3).max(1);
    let (base_url, server) = start_server();
    let config = ClientConfig {
        base_url: Some(base_url.clone()),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    };
    let client = Arc::new(Client::new(config).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // PEER_LIKE_SDK=1: the raw client gets the SDK's builder settings (connect timeout,
    // idle timeout, no redirects, no proxies): isolates what those cost.
    let make_raw = || {
        if std::env::var("PEER_LIKE_SDK").is_ok_and(|v| v == "1") {
            reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(std::time::Duration::from_secs(60))
                .build()
                .unwrap()
        } else {
            reqwest::Client::new()
        }
    };
    let url = format!("{base_url}/session");
    // The fair peer for a blocking call: reqwest on a current-thread runtime driven by
    // `block_on` on the calling thread, so the request and the connection's I/O share that
    // thread, as the SDK's blocking calls do from a thread's second call on. Its own client:
    // a pool's connections belong to the runtime that opened them.
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // PEER_TIMEOUT=1: the raw POST also runs under `tokio::time::timeout`, as each of the
    // SDK's attempts does: shows what arming a timer per call costs.
    let peer_timeout = std::env::var("PEER_TIMEOUT").is_ok_and(|v| v == "1");
    let make_post = |raw: reqwest::Client| {
        let url = url.clone();
        move |request: SessionRequest| {
            let raw = raw.clone();
            let url = url.clone();
            let post = async move {
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
            };
            async move {
                if peer_timeout {
                    tokio::time::timeout(std::time::Duration::from_secs(30), post)
                        .await
                        .unwrap();
                } else {
                    post.await;
                }
            }
        }
    };

    let raw_post = make_post(make_raw());
    let local_post = make_post(make_raw());

    // Warm up the connection pools.
    for _ in 0..50 {
        client.create_session_blocking(request()).unwrap();
        runtime.block_on(raw_post(request()));
        local.block_on(local_post(request()));
    }

    // PROFILE=<side>: only that side of one row, for perf and strace (no table). The row's
    // index in `modes` and whether the side is the SDK's.
    let profile: Option<(usize, bool, &str)> = match std::env::var("PROFILE").as_deref() {
        Ok("sequential-sdk") => Some((0, true, "SDK")),
        Ok("sequential-reqwest") => Some((0, false, "reqwest (multi-thread runtime)")),
        Ok("sequential-reqwest-current-thread") => {
            Some((3, false, "reqwest (current-thread runtime)"))
        }
        Ok("async32-sdk") => Some((2, true, "SDK, async, 32 in flight")),
        Ok("async32-reqwest") => Some((2, false, "reqwest, async, 32 in flight")),
        _ => None,
    };
    let modes = [
        "sequential (blocking SDK vs block_on reqwest, multi-thread runtime)",
        "async, concurrency 8",
        "async, concurrency 32",
        "sequential (blocking SDK vs block_on reqwest, current-thread runtime)",
    ];
    // samples[mode] = (SDK rounds, raw reqwest rounds); rounds interleave the two sides so
    // background load hits them alike.
    let mut samples: Vec<(Vec<Measured>, Vec<Measured>)> = vec![Default::default(); modes.len()];
    for round in 0..rounds {
        for (index, concurrency) in [1usize, 8, 32, 1].into_iter().enumerate() {
            let sdk = || {
                if concurrency == 1 {
                    measure(sessions, || {
                        for _ in 0..sessions {
                            client.create_session_blocking(request()).unwrap();
                        }
                    })
                } else {
                    measure(sessions, || {
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
                    })
                }
            };
            let baseline = || {
                if index == 3 {
                    return measure(sessions, || {
                        for _ in 0..sessions {
                            local.block_on(local_post(request()));
                        }
                    });
                }
                measure(sessions, || {
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
                })
            };
            if let Some((row, sdk_side, name)) = profile {
                if row == index {
                    let m = if sdk_side { sdk() } else { baseline() };
                    println!("{name}: {:.1} µs CPU/call, {:.0}/s", m.cpu_us, m.rate);
                }
                continue;
            }
            let (ours, theirs) = if round % 2 == 0 {
                let ours = sdk();
                (ours, baseline())
            } else {
                let theirs = baseline();
                (sdk(), theirs)
            };
            eprintln!(
                "round {} {:48} SDK {:6.1} µs CPU/call {:7.0}/s | reqwest {:6.1} µs CPU/call {:7.0}/s",
                round + 1,
                modes[index],
                ours.cpu_us,
                ours.rate,
                theirs.cpu_us,
                theirs.rate
            );
            samples[index].0.push(ours);
            samples[index].1.push(theirs);
        }
    }

    if profile.is_some() {
        return;
    }
    let where_server = match server {
        Server::InProcess(_) => "in this process: CPU includes the server's work",
        Server::Child(_) | Server::External => "in another process",
    };
    println!(
        "\nCPU per call and sessions per second, median of {rounds} rounds of {sessions} \
         sessions per row; emulator {where_server}"
    );
    println!("| mode | SDK CPU µs/call | reqwest CPU µs/call | CPU ratio (median per round) | SDK sessions/s | reqwest sessions/s | rate ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (mode, (ours, theirs)) in modes.iter().zip(&samples) {
        let cpu_ratio = median(ours.iter().zip(theirs).map(|(a, b)| a.cpu_us / b.cpu_us));
        let rate_ratio = median(ours.iter().zip(theirs).map(|(a, b)| a.rate / b.rate));
        println!(
            "| {mode} | {:.1} | {:.1} | {cpu_ratio:.2} | {:.0} | {:.0} | {rate_ratio:.2} |",
            median(ours.iter().map(|m| m.cpu_us)),
            median(theirs.iter().map(|m| m.cpu_us)),
            median(ours.iter().map(|m| m.rate)),
            median(theirs.iter().map(|m| m.rate)),
        );
    }
}

/// (RSS in KiB, threads, open file descriptors) of this process, from /proc (Linux).
fn footprint() -> (u64, usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0);
    let count = |dir: &str| std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    (rss, count("/proc/self/task"), count("/proc/self/fd"))
}

fn soak(calls: usize) -> i32 {
    let (base_url, _server) = start_server();
    let config = ClientConfig {
        base_url: Some(base_url),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    };
    let client = Arc::new(Client::new(config).unwrap());
    // The caller's runtime for the async part, built before the first measurement so its
    // threads are in every row.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for _ in 0..100 {
        client.create_session_blocking(request()).unwrap();
    }
    // 32 in flight once, so the pool already holds the connections the async part needs.
    let burst = |per_task: usize| {
        runtime.block_on(async {
            let tasks: Vec<_> = (0..32)
                .map(|_| {
                    let client = Arc::clone(&client);
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            client.create_session(request()).await.unwrap();
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        })
    };
    burst(3);
    let mut rows = vec![("start (after the warm-up calls)".to_string(), footprint())];
    let started = Instant::now();
    for i in 1..=calls {
        client.create_session_blocking(request()).unwrap();
        if i == 10_000 {
            rows.push(("10,000 blocking calls".to_string(), footprint()));
        }
    }
    rows.push((format!("{calls} blocking calls"), footprint()));
    burst(calls / 10 / 32);
    rows.push((
        format!("+ {} async calls (32 in flight)", calls / 10 / 32 * 32),
        footprint(),
    ));
    println!("| point | RSS (MiB) | threads | fds |");
    println!("| --- | ---: | ---: | ---: |");
    for (label, (rss, threads, fds)) in &rows {
        println!(
            "| {label} | {:.1} | {threads} | {fds} |",
            *rss as f64 / 1024.0
        );
    }
    println!("\n{} s", started.elapsed().as_secs());
    let base = if rows.len() > 3 { rows[1].1 } else { rows[0].1 };
    let end = rows[rows.len() - 1].1;
    let rss_grew = end.0.saturating_sub(base.0) > (base.0 / 10).max(8 * 1024);
    if rss_grew || end.1 > base.1 || end.2 > base.2 {
        println!(
            "!!! growth after the first 10k calls: {base:?} -> {end:?} (RSS KiB, threads, fds)"
        );
        return 1;
    }
    println!("no growth after the first 10k calls (RSS within 10% / 8 MiB; threads and fds equal)");
    0
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// This process's user + system CPU time, every thread, in seconds.
fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes a plain C struct we own; RUSAGE_SELF is always valid.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn measure(count: usize, run: impl FnOnce()) -> Measured {
    let cpu_started = process_cpu_seconds();
    let started = Instant::now();
    run();
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds() - cpu_started;
    Measured {
        rate: count as f64 / elapsed,
        cpu_us: cpu / count as f64 * 1e6,
    }
}
