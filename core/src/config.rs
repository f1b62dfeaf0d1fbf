//! Client configuration: where to send, with which credentials, and how patiently.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::error::HyperCheckoutError;

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
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://sandbox.juspay.in",
            Environment::Production => "https://api.juspay.in",
        }
    }
}

pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
pub const DEFAULT_OVERALL_TIMEOUT_MS: u64 = 60_000;
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Everything a `Client` needs. `Debug` never shows the API key (and the bindings' string
/// forms use `Debug`, so neither do theirs).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ClientConfig {
    /// Sent as `x-merchantid`.
    pub merchant_id: String,
    /// The secret API key from the Juspay dashboard.
    pub api_key: String,
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
    /// Appended to the `User-Agent` as `app_name/app_version`.
    #[uniffi(default)]
    pub app_name: Option<String>,
    #[uniffi(default)]
    pub app_version: Option<String>,
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
        }
    }

    /// Checks the configuration and resolves it into what the client uses.
    pub(crate) fn resolve(&self) -> Result<Settings, HyperCheckoutError> {
        let fail = |reason: String| Err(HyperCheckoutError::Configuration { reason });
        if self.merchant_id.trim().is_empty() {
            return fail("merchant_id is empty".into());
        }
        if self.api_key.trim().is_empty() {
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
        Ok(Settings {
            merchant_id: self.merchant_id.clone(),
            api_key: ApiKey(self.api_key.clone()),
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
            .finish()
    }
}

/// The API key, which no formatter can print.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    const REDACTED: &'static str = "[redacted]";

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
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
}

impl Settings {
    pub(crate) fn endpoint(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        url
    }
}
