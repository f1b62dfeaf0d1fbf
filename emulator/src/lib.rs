//! A local fake of Juspay HyperCheckout's `POST /session`, `GET /orders/{id}`, refund and
//! mandate APIs.
//!
//! The emulator is the referee for every SDK's tests: it validates requests with its own
//! implementation of Juspay's documented rules (it does not depend on the `hypercheckout`
//! client crate), answers with Juspay-shaped bodies, and can inject faults (timeouts, 5xx,
//! 429, malformed/oversized bodies, connection resets) per request via the
//! `x-emulator-fault` header or per server via [`EmulatorConfig::default_fault`].
//!
//! ```no_run
//! let emu = hypercheckout_emulator::Emulator::spawn(Default::default()).unwrap();
//! println!("{}", emu.url()); // http://127.0.0.1:PORT
//! ```
//!
//! See `docs/emulator.md` for the full behaviour.

use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

mod encryption;
mod fault;
mod mandate;
mod params;
mod payment;
mod refund;
mod server;
mod signature;
mod tls;
mod util;
mod validate;
mod webhook;

pub use encryption::{EncryptionSetup, TAMPER_KINDS};
pub use fault::{FaultKind, FaultSpec};
pub use signature::{form_encode, return_url_signature};
pub use tls::EmulatorTls;
pub use validate::Mode;

/// Merchant id accepted by a default-configured emulator.
pub const DEFAULT_MERCHANT_ID: &str = "emulator_merchant";
/// API key accepted by a default-configured emulator.
pub const DEFAULT_API_KEY: &str = "emulator_api_key";
/// Response key used to sign `return_url` redirects (phase 2).
pub const DEFAULT_RESPONSE_KEY: &str = "emulator_response_key";
/// How many orders an emulator keeps by default before it forgets the oldest.
pub const DEFAULT_MAX_ORDERS: usize = 10_000;
/// How long a new refund stays PENDING before it settles, by default (milliseconds).
pub const DEFAULT_REFUND_SETTLE_MS: u64 = 200;
/// How long a mandate execution's order stays PENDING_VBV before it settles, by default
/// (milliseconds).
pub const DEFAULT_EXECUTION_SETTLE_MS: u64 = 200;
/// Juspay's "Duplicate Refund Request within 5 seconds" window, by default (milliseconds).
pub const DEFAULT_DUPLICATE_REFUND_WINDOW_MS: u64 = 5_000;

/// One accepted (merchant id, API key) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub merchant_id: String,
    pub api_key: String,
}

impl Credential {
    pub fn new(merchant_id: impl Into<String>, api_key: impl Into<String>) -> Credential {
        Credential {
            merchant_id: merchant_id.into(),
            api_key: api_key.into(),
        }
    }
}

impl Default for Credential {
    fn default() -> Credential {
        Credential::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY)
    }
}

/// How to run an emulator.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Address to bind; default `127.0.0.1:0` (an ephemeral port).
    pub bind: SocketAddr,
    /// Accepted credentials; default one [`Credential::default()`].
    pub credentials: Vec<Credential>,
    /// Fault applied to every API request that has no `x-emulator-fault` header; same
    /// grammar as the header.
    pub default_fault: Option<String>,
    /// Key used to sign `return_url` redirects.
    pub response_key: String,
    /// Where to POST order webhooks after a payment (http:// only), if anywhere.
    pub webhook_url: Option<String>,
    /// Basic-auth user name for webhooks.
    pub webhook_username: Option<String>,
    /// Basic-auth password for webhooks.
    pub webhook_password: Option<String>,
    /// Testing aid, emulator only: when set (e.g. `http://127.0.0.1:8080`), the redirect after
    /// payment goes to this scheme, host and port instead of the return_url's, keeping its
    /// path and query. `return_url` must be https with a domain name (Juspay's rule, checked
    /// by clients and by this emulator), so a local test handler cannot be the return_url
    /// itself. The signature covers only the parameters, so it is unchanged.
    pub redirect_base: Option<String>,
    /// Log each request to stderr.
    pub verbose: bool,
    /// `false` (the default): **faithful**, accept what Juspay's official SDKs send and the
    /// real API evidently accepts. `true`: **strict**, only the documented contract (what
    /// the project's own SDK conformance tests run against). The differences are listed in
    /// `docs/emulator.md`; answers have the same shapes in both modes.
    pub strict: bool,
    /// How many orders to keep; past it the oldest are forgotten (Order Status then answers
    /// NOT_FOUND for them). Default [`DEFAULT_MAX_ORDERS`]; at least 1.
    pub max_orders: usize,
    /// How long (milliseconds) a new refund stays PENDING before it settles to SUCCESS (or
    /// the outcome a test asked for). Default [`DEFAULT_REFUND_SETTLE_MS`];
    /// `POST /__emulator/settle` settles at once.
    pub refund_settle_ms: u64,
    /// How long (milliseconds) a mandate execution's order stays PENDING_VBV before it
    /// settles to CHARGED (or the outcome asked for). Default [`DEFAULT_EXECUTION_SETTLE_MS`].
    pub execution_settle_ms: u64,
    /// Juspay's "Duplicate Refund Request within 5 seconds": a second refund of the same
    /// amount on one order within this many milliseconds gets `duplicate.call`. Default
    /// [`DEFAULT_DUPLICATE_REFUND_WINDOW_MS`]; 0 turns the check off.
    pub duplicate_refund_window_ms: u64,
    /// Serve HTTPS with a certificate signed by a CA generated at start
    /// ([`Emulator::ca_pem`]); `None` (the default): plain HTTP.
    pub tls: Option<EmulatorTls>,
    /// Encrypted mode (`/v4/session`, `/v4/order-status`, `/v4/orders/{id}/refunds`,
    /// optionally `{"JWT": ...}` webhooks); `None`: those endpoints answer 401.
    pub encryption: Option<EncryptionSetup>,
}

impl EmulatorConfig {
    /// The validation mode this configuration selects.
    pub fn mode(&self) -> Mode {
        if self.strict {
            Mode::Strict
        } else {
            Mode::Faithful
        }
    }
}

impl Default for EmulatorConfig {
    fn default() -> EmulatorConfig {
        EmulatorConfig {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            credentials: vec![Credential::default()],
            default_fault: None,
            response_key: DEFAULT_RESPONSE_KEY.to_string(),
            webhook_url: None,
            webhook_username: None,
            webhook_password: None,
            redirect_base: None,
            verbose: false,
            strict: false,
            max_orders: DEFAULT_MAX_ORDERS,
            refund_settle_ms: DEFAULT_REFUND_SETTLE_MS,
            execution_settle_ms: DEFAULT_EXECUTION_SETTLE_MS,
            duplicate_refund_window_ms: DEFAULT_DUPLICATE_REFUND_WINDOW_MS,
            tls: None,
            encryption: None,
        }
    }
}

/// A running emulator. It serves on its own thread with its own tokio runtime, so it can
/// be used from sync and async tests alike. Dropping it shuts it down.
pub struct Emulator {
    url: String,
    addr: SocketAddr,
    ca_pem: Option<String>,
    state: Arc<server::AppState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds, starts serving on a background thread, and returns once listening.
    pub fn spawn(config: EmulatorConfig) -> io::Result<Emulator> {
        let mode = config.mode();
        let default_fault = config
            .default_fault
            .as_deref()
            .map(FaultSpec::parse)
            .transpose()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("fault: {e}")))?;
        if config.credentials.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "at least one credential is required",
            ));
        }
        let webhook = match config.webhook_url {
            Some(url) => {
                if !url.starts_with("http://") {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "webhook URL must start with http:// (the emulator sends plain HTTP)",
                    ));
                }
                Some(server::WebhookTarget {
                    url,
                    username: config.webhook_username,
                    password: config.webhook_password,
                })
            }
            None => None,
        };

        let redirect_base = config
            .redirect_base
            .as_deref()
            .map(payment::parse_redirect_base)
            .transpose()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;

        let listener = std::net::TcpListener::bind(config.bind)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let host = match addr.ip() {
            ip if ip.is_unspecified() => match ip {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            },
            ip => ip,
        };
        let tls = config.tls.as_ref().map(tls::generate).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", SocketAddr::new(host, addr.port()));
        let (ca_pem, acceptor) = match tls {
            Some(generated) => (Some(generated.ca_pem), Some(generated.acceptor)),
            None => (None, None),
        };

        if config.max_orders == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "max_orders must be at least 1",
            ));
        }
        let mut state = server::AppState::new(
            config.credentials,
            default_fault,
            config.response_key,
            webhook,
            config.verbose,
            url.clone(),
        );
        state.redirect_base = redirect_base;
        state.mode = mode;
        state.refund_settle = Duration::from_millis(config.refund_settle_ms);
        state.execution_settle = Duration::from_millis(config.execution_settle_ms);
        state.duplicate_refund_window = Duration::from_millis(config.duplicate_refund_window_ms);
        state.set_max_orders(config.max_orders);
        state.encryption = config
            .encryption
            .as_ref()
            .map(encryption::ServerKeys::new)
            .transpose()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("encryption: {e}")))?;
        let state = Arc::new(state);

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            fault::FaultListener::new(tokio::net::TcpListener::from_std(listener)?, acceptor)
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = server::router(state.clone())
            .into_make_service_with_connect_info::<fault::Connection>();
        let thread = std::thread::Builder::new()
            .name("hypercheckout-emulator".to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    let serve = axum::serve(listener, app);
                    tokio::select! {
                        res = serve => {
                            if let Err(e) = res {
                                eprintln!("[emulator] server error: {e}");
                            }
                        }
                        _ = rx => {}
                    }
                });
                // Drops open connections (including `hang` ones) promptly.
                runtime.shutdown_timeout(Duration::from_millis(100));
            })?;
        Ok(Emulator {
            url,
            addr,
            ca_pem,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The PEM of the CA that signed the server's certificate, when serving TLS.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Number of API requests (`POST /session`, `GET /orders/{id}`, refunds, mandate calls,
    /// `POST /txns`) seen with this
    /// `x-routing-id` (all of them, including faulted and rejected ones). Requests without
    /// the header are counted under `""`.
    pub fn request_count(&self, routing_id: &str) -> u64 {
        self.state.request_count(routing_id)
    }

    /// Number of API requests (as for [`Emulator::request_count`]) seen in total.
    pub fn total_requests(&self) -> u64 {
        self.state.total_requests()
    }

    /// Number of orders kept now (at most `max_orders`).
    pub fn order_count(&self) -> usize {
        self.state.order_count()
    }

    /// Stops serving and waits for the server thread to end (also done on drop).
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("url", &self.url).finish()
    }
}

fn parse_fault_arg(s: &str) -> Result<String, String> {
    FaultSpec::parse(s).map(|_| s.to_string())
}

/// Command-line arguments of `hypercheckout-emulator` (and `hypercheckout emulator`, which
/// flattens this struct).
#[derive(Clone, Debug, clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0 = pick a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Accepted merchant id (repeatable; paired in order with --api-key).
    #[arg(long = "merchant-id", value_name = "ID")]
    pub merchant_ids: Vec<String>,
    /// Accepted API key (repeatable; paired in order with --merchant-id).
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,
    /// Fault for every request without an x-emulator-fault header:
    /// KIND[;times=N][;ms=MS][;retry-after=S|;retry-after-raw=TEXT].
    #[arg(long, value_name = "SPEC", value_parser = parse_fault_arg)]
    pub fault: Option<String>,
    /// Key used to sign return_url redirects (HMAC-SHA256).
    #[arg(long, value_name = "KEY", default_value = DEFAULT_RESPONSE_KEY)]
    pub response_key: String,
    /// POST order webhooks here after a payment on the payment page (http:// only).
    #[arg(long, value_name = "URL")]
    pub webhook_url: Option<String>,
    /// Basic-auth user name for webhooks.
    #[arg(long, value_name = "USER")]
    pub webhook_username: Option<String>,
    /// Basic-auth password for webhooks.
    #[arg(long, value_name = "PASSWORD")]
    pub webhook_password: Option<String>,
    /// Testing aid: redirect after payment to this scheme://host:port instead of the
    /// return_url's (path and query kept), e.g. a local handler on http://127.0.0.1:PORT.
    #[arg(long, value_name = "URL")]
    pub redirect_base: Option<String>,
    /// Log each request to stderr.
    #[arg(long)]
    pub verbose: bool,
    /// Only the documented contract (what the SDKs' own conformance tests use); the default
    /// is faithful: also accept what Juspay's official SDKs send.
    #[arg(long)]
    pub strict: bool,
    /// Orders to keep before the oldest are forgotten.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ORDERS)]
    pub max_orders: usize,
    /// Milliseconds a new refund stays PENDING before it settles (POST /__emulator/settle
    /// settles at once).
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_REFUND_SETTLE_MS)]
    pub refund_settle_ms: u64,
    /// Milliseconds a mandate execution's order stays PENDING_VBV before it settles.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_EXECUTION_SETTLE_MS)]
    pub execution_settle_ms: u64,
    /// Milliseconds in which a second refund of the same amount on one order gets
    /// duplicate.call (Juspay: 5 seconds); 0 turns the check off.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_DUPLICATE_REFUND_WINDOW_MS)]
    pub duplicate_refund_window_ms: u64,
    /// Serve HTTPS: generate a CA and a certificate it signs, and write the CA's PEM to
    /// this file (before the `listening on https://...` line) for the client to trust.
    #[arg(long = "tls", value_name = "CA_PEM_PATH")]
    pub tls_ca_out: Option<std::path::PathBuf>,
    /// With `--tls`: a name the certificate is valid for (repeatable; default `localhost`
    /// and `127.0.0.1`). Another name makes a client see a name mismatch.
    #[arg(long = "tls-name", value_name = "NAME", requires = "tls_ca_out")]
    pub tls_names: Vec<String>,
    /// With `--tls`: serve a certificate that expired in 2020.
    #[arg(long, requires = "tls_ca_out")]
    pub tls_expired: bool,
    /// Encrypted mode: a JSON file with juspay_private_key_pem, juspay_key_id,
    /// merchant_public_key_pem and merchant_key_id (top level or under "keys", as in
    /// testdata/encryption.json); serves /v4/session, /v4/order-status, /v4/orders/ID/refunds.
    #[arg(long, value_name = "FILE")]
    pub encryption_keys: Option<String>,
    /// Encrypted mode: spoil every 2xx encrypted answer (tag, payload, header, kid,
    /// signature, alg-none, wrong-key, plain), to test that clients refuse it.
    #[arg(long, value_name = "KIND", requires = "encryption_keys")]
    pub tamper: Option<String>,
    /// Encrypted mode: send webhooks as {"JWT": "<compact JWE>"}.
    #[arg(long, requires = "encryption_keys")]
    pub encrypted_webhooks: bool,
}

impl EmulatorArgs {
    /// Turns the arguments into a configuration.
    pub fn to_config(&self) -> Result<EmulatorConfig, String> {
        let credentials = match (self.merchant_ids.len(), self.api_keys.len()) {
            (0, 0) => vec![Credential::default()],
            (1, 0) => vec![Credential::new(&self.merchant_ids[0], DEFAULT_API_KEY)],
            (0, 1) => vec![Credential::new(DEFAULT_MERCHANT_ID, &self.api_keys[0])],
            (m, k) if m == k => self
                .merchant_ids
                .iter()
                .zip(&self.api_keys)
                .map(|(m, k)| Credential::new(m, k))
                .collect(),
            (m, k) => {
                return Err(format!(
                "--merchant-id was given {m} time(s) and --api-key {k} time(s); give them in pairs"
            ))
            }
        };
        let encryption = match &self.encryption_keys {
            Some(path) => {
                let mut setup = EncryptionSetup::from_json_file(path)?;
                setup.tamper = self.tamper.clone();
                setup.encrypted_webhooks = self.encrypted_webhooks;
                Some(setup)
            }
            None => None,
        };
        Ok(EmulatorConfig {
            encryption,
            bind: SocketAddr::new(self.host, self.port),
            credentials,
            default_fault: self.fault.clone(),
            response_key: self.response_key.clone(),
            webhook_url: self.webhook_url.clone(),
            webhook_username: self.webhook_username.clone(),
            webhook_password: self.webhook_password.clone(),
            redirect_base: self.redirect_base.clone(),
            verbose: self.verbose,
            strict: self.strict,
            max_orders: self.max_orders,
            refund_settle_ms: self.refund_settle_ms,
            execution_settle_ms: self.execution_settle_ms,
            duplicate_refund_window_ms: self.duplicate_refund_window_ms,
            tls: self.tls_ca_out.as_ref().map(|_| EmulatorTls {
                names: if self.tls_names.is_empty() {
                    EmulatorTls::default().names
                } else {
                    self.tls_names.clone()
                },
                expired: self.tls_expired,
            }),
        })
    }
}

/// Runs an emulator until Ctrl-C or SIGTERM. Prints `listening on http://HOST:PORT` as the
/// first (and only) line on stdout, once the signal handlers are in place.
pub fn run_blocking(args: EmulatorArgs) -> ExitCode {
    let config = match args.to_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Register the handlers before announcing the URL, so a SIGTERM sent right after the
    // line is read still exits cleanly.
    let signals = {
        let _guard = runtime.enter();
        match Signals::new() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot install signal handlers: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    let emulator = match Emulator::spawn(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.tls_ca_out, emulator.ca_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("error: cannot write the CA to {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "listening on {}", emulator.url());
        let _ = out.flush();
    }
    if args.verbose {
        eprintln!("[emulator] listening on {}", emulator.url());
    }
    runtime.block_on(signals.wait());
    if args.verbose {
        eprintln!("[emulator] shutting down");
    }
    emulator.shutdown();
    ExitCode::SUCCESS
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> io::Result<Signals> {
        Ok(Signals)
    }

    async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Fuzzing aid (`core/fuzz`, target `validate_differential`), not a stable API: the problems
/// the emulator finds in a `POST /session` body in `mode`, exactly as `create_session` judges
/// it, as `(field, reason)`; empty means valid.
#[doc(hidden)]
pub fn session_body_problems(
    body: &serde_json::Map<String, serde_json::Value>,
    mode: Mode,
) -> Vec<(String, String)> {
    let problems = match mode {
        Mode::Strict => validate::validate_session(body),
        Mode::Faithful => {
            validate::validate_session_in(&validate::normalize_body(body, mode), mode)
        }
    };
    problems.into_iter().map(|p| (p.field, p.reason)).collect()
}
