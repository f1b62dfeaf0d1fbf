//! Client configuration: where to send, with which credentials, and how patiently.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::encryption::{EncryptionKeys, Keys};
use crate::error::HyperCheckoutError;
use crate::network::{self, Network};

/// Juspay's two hosted environments. There is deliberately no default: Juspay's older SDKs
/// disagree on theirs, and a silent production default is how test orders become real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Environment {
    /// `https://sandbox.juspay.in`
    Sandbox,
    /// `https://api.juspay.in`
    Production,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://sandbox.juspay.in",
            Environment::Production => "https://api.juspay.in",
        }
    }
}

/// Default `ClientConfig::connect_timeout_ms`: 5 s.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
/// Default `ClientConfig::timeout_ms`: 30 s per attempt.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Default `ClientConfig::overall_timeout_ms`: 60 s for a call and its retries.
pub const DEFAULT_OVERALL_TIMEOUT_MS: u64 = 60_000;
/// Default `ClientConfig::max_retries`: 2 retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Longest `merchant_id` accepted (Juspay's are a few dozen characters at most).
pub const MERCHANT_ID_MAX: usize = 128;

/// Everything a `Client` needs. `Debug` never shows the API key (and the bindings' string
/// forms use `Debug`, so neither do theirs).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ClientConfig {
    /// Sent as `x-merchantid`.
    pub merchant_id: String,
    /// The secret API key from the Juspay dashboard.
    pub api_key: String,
    /// Juspay's sandbox or production (no default: choose one).
    pub environment: Environment,
    /// Overrides the environment's URL, e.g. the local emulator. Plain `http` is accepted
    /// only for loopback hosts, so the key never crosses a network unencrypted.
    #[uniffi(default)]
    pub base_url: Option<String>,
    /// Time allowed to open a connection (TCP + TLS).
    #[uniffi(default = 5000)]
    pub connect_timeout_ms: u64,
    /// Time allowed for one attempt, from sending to the last byte of the answer.
    #[uniffi(default = 30000)]
    pub timeout_ms: u64,
    /// Time allowed for the whole call including retries and their waits.
    #[uniffi(default = 60000)]
    pub overall_timeout_ms: u64,
    /// Retries after the first attempt, for failures where a retry is safe; 0 disables.
    #[uniffi(default = 2)]
    pub max_retries: u32,
    /// The app's name, appended to the `User-Agent` as `name/version`.
    #[uniffi(default)]
    pub app_name: Option<String>,
    #[uniffi(default)]
    /// The app's version, appended to the `User-Agent` after the app name.
    pub app_version: Option<String>,
    /// An explicit proxy for every call: `http://`, `https://`, `socks5://` or `socks5h://`
    /// (names resolved at the proxy), with credentials as `user:password@` (percent-encoded)
    /// when it needs them. Never printed: `Debug` and errors show `scheme://[redacted]@host:port`.
    /// Wins over the environment's proxies. See `docs/network.md`.
    #[uniffi(default)]
    pub proxy_url: Option<String>,
    /// Hosts that bypass the proxy URL: host names (`api.internal`), domains
    /// (`.example.com` and its subdomains), IP addresses or CIDR ranges (`10.0.0.0/8`), `*` for
    /// all. Needs the proxy URL; with proxies from the environment, `NO_PROXY` applies.
    #[uniffi(default)]
    pub no_proxy: Vec<String>,
    /// Honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (and their lowercase
    /// forms) when the proxy URL is not set, as curl and most HTTP clients do (default true;
    /// `docs/network.md` says why).
    #[uniffi(default = true)]
    pub proxy_from_env: bool,
    /// Certificate authorities (PEM, one or more `BEGIN CERTIFICATE` blocks) trusted in
    /// addition to the roots below: a TLS-inspecting corporate proxy's CA, or a test server's.
    #[uniffi(default)]
    pub ca_bundle_pem: Option<String>,
    /// Also trust the operating system's certificate store (read at client creation).
    #[uniffi(default = false)]
    pub trust_os_store: bool,
    /// Trust the Mozilla roots bundled with this SDK (default true). Off, with a CA bundle,
    /// the client trusts that bundle only.
    #[uniffi(default = true)]
    pub trust_bundled_roots: bool,
    /// Encrypted mode (`docs/encryption.md`): with keys, the session, Order Status and refund
    /// calls go to Juspay's JWS-signed, JWE-encrypted `/v4` endpoints without Basic auth, and
    /// the API key may be empty (the calls without an encrypted endpoint still need it). The
    /// keys are checked when the `Client` is built; `Debug` never shows them.
    #[uniffi(default)]
    pub encryption: Option<EncryptionKeys>,
}

impl ClientConfig {
    /// A configuration with default timeouts and retries.
    pub fn new(
        merchant_id: impl Into<String>,
        api_key: impl Into<String>,
        environment: Environment,
    ) -> Self {
        Self {
            merchant_id: merchant_id.into(),
            api_key: api_key.into(),
            environment,
            base_url: None,
            connect_timeout_ms: DEFAULT_CONNECT_TIMEOUT_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            overall_timeout_ms: DEFAULT_OVERALL_TIMEOUT_MS,
            max_retries: DEFAULT_MAX_RETRIES,
            app_name: None,
            app_version: None,
            proxy_url: None,
            no_proxy: Vec::new(),
            proxy_from_env: true,
            ca_bundle_pem: None,
            trust_os_store: false,
            trust_bundled_roots: true,
            encryption: None,
        }
    }

    /// Checks the configuration and resolves it into what the client uses.
    pub(crate) fn resolve(&self) -> Result<Settings, HyperCheckoutError> {
        let fail = |reason: String| Err(HyperCheckoutError::Configuration { reason });
        if self.merchant_id.trim().is_empty() {
            return fail("merchant_id is empty".into());
        }
        // Sent as the `x-merchantid` header: it must be a header value reqwest will send
        // as written (issue 11, item 4), and bounded (Juspay's merchant ids are short).
        if !crate::validate::is_header_safe(&self.merchant_id) {
            return fail(
                "merchant_id must be printable ASCII (it is sent as the x-merchantid header)"
                    .into(),
            );
        }
        if self.merchant_id.len() > MERCHANT_ID_MAX {
            return fail(format!(
                "merchant_id must be at most {MERCHANT_ID_MAX} characters"
            ));
        }
        // Encrypted mode authenticates with the keys; a merchant may have no API key then.
        if self.api_key.trim().is_empty() && self.encryption.is_none() {
            return fail("api_key is empty".into());
        }
        if self.api_key.chars().any(|c| c.is_control()) {
            // Said without echoing the key.
            return fail("api_key contains control characters".into());
        }
        if self.connect_timeout_ms == 0 || self.timeout_ms == 0 || self.overall_timeout_ms == 0 {
            return fail("timeouts must be greater than zero".into());
        }
        let base = self
            .base_url
            .as_deref()
            .unwrap_or(self.environment.base_url());
        let base_url = match Url::parse(base) {
            Ok(url) if url.cannot_be_a_base() => {
                return fail(format!("base_url {base:?} is not a base URL"))
            }
            Ok(url) => url,
            Err(e) => return fail(format!("base_url {base:?} is not a URL: {e}")),
        };
        // `https://user:pw@host` would send a second Authorization header beside the key's
        // (issue 11, item 5). Said without echoing the URL: it holds a password.
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return fail(
                "base_url must not contain user:password@; the API key is the only credential"
                    .into(),
            );
        }
        let loopback = match base_url.host() {
            Some(url::Host::Domain(host)) => host == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match base_url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => {
                return fail(format!(
                    "base_url {base:?} must use https (http only for loopback)"
                ))
            }
        }
        // A User-Agent product token: visible ASCII, no spaces or separators.
        for (name, value) in [
            ("app_name", &self.app_name),
            ("app_version", &self.app_version),
        ] {
            if let Some(value) = value {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
                    return fail(format!(
                        "{name} {value:?} must be non-empty visible ASCII without spaces or '/'"
                    ));
                }
            }
        }
        let mut user_agent = format!("hypercheckout/{}", env!("CARGO_PKG_VERSION"));
        if let Some(app_name) = &self.app_name {
            user_agent.push(' ');
            user_agent.push_str(app_name);
            if let Some(app_version) = &self.app_version {
                user_agent.push('/');
                user_agent.push_str(app_version);
            }
        }
        let network = Network::resolve(self)?;
        let encryption = match &self.encryption {
            Some(keys) => Some(Arc::new(Keys::from_config(keys)?)),
            None => None,
        };
        Ok(Settings {
            network,
            encryption,
            merchant_id: self.merchant_id.clone(),
            api_key: ApiKey::new(self.api_key.clone()),
            base_url,
            user_agent,
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
            timeout: Duration::from_millis(self.timeout_ms),
            overall_timeout: Duration::from_millis(self.overall_timeout_ms),
            max_retries: self.max_retries,
        })
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("merchant_id", &self.merchant_id)
            .field("api_key", &ApiKey::REDACTED)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("timeout_ms", &self.timeout_ms)
            .field("overall_timeout_ms", &self.overall_timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("app_name", &self.app_name)
            .field("app_version", &self.app_version)
            .field(
                "proxy_url",
                &self.proxy_url.as_deref().map(network::shown_proxy_url),
            )
            .field("no_proxy", &self.no_proxy)
            .field("proxy_from_env", &self.proxy_from_env)
            .field(
                "ca_bundle_pem",
                &self
                    .ca_bundle_pem
                    .as_ref()
                    .map(|pem| format!("{} bytes", pem.len())),
            )
            .field("trust_os_store", &self.trust_os_store)
            .field("trust_bundled_roots", &self.trust_bundled_roots)
            .field("encryption", &self.encryption)
            .finish()
    }
}

/// What every secret is shown as.
pub(crate) const REDACTED: &str = "[redacted]";

/// The API key, which no formatter can print, with the forms a server could echo it in.
#[derive(Clone)]
pub(crate) struct ApiKey {
    key: String,
    echo_forms: Vec<String>,
}

impl ApiKey {
    pub(crate) const REDACTED: &'static str = REDACTED;

    fn new(key: String) -> Self {
        let echo_forms = echo_forms(&key);
        Self { key, echo_forms }
    }

    pub(crate) fn expose(&self) -> &str {
        &self.key
    }

    /// `text` with every echo form of the key replaced by `[redacted]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for form in &self.echo_forms {
            if text.contains(form.as_str()) {
                text = text.replace(form.as_str(), Self::REDACTED);
            }
        }
        text
    }
}

/// Every form in which the key could come back in a server's text (a server or proxy that
/// echoes the request's Authorization header, issue 11 item 7): the key itself (which also
/// covers `key:`) and the unpadded base64 of `key:` and of `key` (prefixes of the padded
/// forms), longest first. Keys shorter than `SCRUB_MIN` are not scrubbed: replacing a
/// two-letter key everywhere would mangle every message, and Juspay's keys are dozens of
/// characters.
fn echo_forms(key: &str) -> Vec<String> {
    use base64::Engine as _;
    const SCRUB_MIN: usize = 6;
    if key.len() < SCRUB_MIN {
        return Vec::new();
    }
    let b64 = |text: String| base64::engine::general_purpose::STANDARD_NO_PAD.encode(text);
    let mut forms = vec![b64(format!("{key}:")), b64(key.to_owned()), key.to_owned()];
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::REDACTED)
    }
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub merchant_id: String,
    pub api_key: ApiKey,
    pub base_url: Url,
    pub user_agent: String,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub overall_timeout: Duration,
    pub max_retries: u32,
    pub network: Network,
    /// Encrypted mode's parsed keys (`encryption.rs`).
    pub encryption: Option<Arc<Keys>>,
}

impl Settings {
    /// `text` without any echo of the API key or the proxy's credentials.
    pub(crate) fn scrub(&self, text: &str) -> String {
        self.network.scrub(&self.api_key.scrub(text))
    }

    pub(crate) fn endpoint(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        url
    }
}
