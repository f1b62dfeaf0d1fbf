//! Where a command sends its calls: Juspay with the merchant's credentials, a local emulator
//! already running (`--base-url http://127.0.0.1:PORT` without credentials), or an emulator
//! embedded in this process.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hypercheckout::{ClientConfig, Environment};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

use crate::exit;

/// Credentials, endpoint, timeouts and retries, shared by every command that calls the API.
#[derive(Args, Clone)]
pub struct ConnectionArgs {
    /// Merchant id from the Juspay dashboard (sent as x-merchantid). Give it with the API
    /// key; without both, a local emulator answers.
    #[arg(long, env = "JUSPAY_MERCHANT_ID", value_name = "ID")]
    pub merchant_id: Option<String>,
    /// API key from the Juspay dashboard. Prefer the environment variable: flags are
    /// visible to other users of the machine.
    #[arg(
        long,
        env = "JUSPAY_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Juspay environment to call (needs credentials) [default: sandbox].
    #[arg(long = "env", value_enum, value_name = "ENV")]
    pub environment: Option<EnvironmentArg>,
    /// Send to this base URL instead of the environment's (https; http only for
    /// loopback). Without credentials it must be a local emulator (loopback), called with
    /// the emulator's default credentials.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Time allowed per attempt, from sending to the last byte of the answer, in ms.
    #[arg(long, default_value_t = hypercheckout::DEFAULT_TIMEOUT_MS, value_name = "MS")]
    pub timeout_ms: u64,
    /// Time allowed to open a connection (TCP and TLS), in ms.
    #[arg(long, default_value_t = hypercheckout::DEFAULT_CONNECT_TIMEOUT_MS, value_name = "MS")]
    pub connect_timeout_ms: u64,
    /// Time allowed for the whole call including retries and their waits, in ms.
    #[arg(long, default_value_t = hypercheckout::DEFAULT_OVERALL_TIMEOUT_MS, value_name = "MS")]
    pub overall_timeout_ms: u64,
    /// Retries after the first attempt, only where a retry is safe (0 disables).
    #[arg(long, default_value_t = hypercheckout::DEFAULT_MAX_RETRIES, value_name = "N")]
    pub retries: u32,
    /// Send every call through this proxy (http, https, socks5; `user:password@` if it needs
    /// credentials, never printed). Without it, HTTPS_PROXY/NO_PROXY apply (docs/network.md).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// A host, domain (.example.com), IP or CIDR that bypasses --proxy (repeatable).
    #[arg(long = "no-proxy", value_name = "HOST", requires = "proxy")]
    pub no_proxy: Vec<String>,
    /// Also trust the certificate authorities in this PEM file (a corporate proxy's CA).
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<std::path::PathBuf>,
    /// Also trust the operating system's certificate store.
    #[arg(long)]
    pub trust_os_store: bool,
}

/// `--env`.
#[derive(Clone, Copy, ValueEnum)]
pub enum EnvironmentArg {
    /// https://sandbox.juspay.in
    Sandbox,
    /// https://api.juspay.in (real money)
    Production,
}

/// Where the calls go, resolved.
pub struct Connection {
    /// The client configuration to use.
    pub config: ClientConfig,
    /// The embedded emulator, when one was started; it serves while this lives.
    pub emulator: Option<Emulator>,
    /// Whether the calls go to an emulator (embedded, or local without credentials).
    pub is_emulator: bool,
}

/// What to do when no credentials and no `--base-url` are given.
pub enum WithoutCredentials<'a> {
    /// Start an emulator inside this process.
    Embed,
    /// Refuse with this explanation (the embedded emulator would have nothing to act on).
    Refuse(&'a str),
}

impl ConnectionArgs {
    /// Resolves the flags, or prints why not and returns the usage exit code.
    pub fn resolve(&self, without: WithoutCredentials<'_>) -> Result<Connection, ExitCode> {
        let (mut config, emulator, is_emulator) = match (&self.merchant_id, &self.api_key) {
            (Some(merchant_id), Some(api_key)) => {
                let environment = match self.environment.unwrap_or(EnvironmentArg::Sandbox) {
                    EnvironmentArg::Sandbox => Environment::Sandbox,
                    EnvironmentArg::Production => Environment::Production,
                };
                let mut config = ClientConfig::new(merchant_id, api_key, environment);
                config.base_url = self.base_url.clone();
                (config, None, false)
            }
            (None, None) => {
                if let Some(environment) = self.environment {
                    let name = match environment {
                        EnvironmentArg::Sandbox => "sandbox",
                        EnvironmentArg::Production => "production",
                    };
                    eprintln!(
                        "error: --env {name} calls Juspay, which needs credentials: set \
                         JUSPAY_MERCHANT_ID and JUSPAY_API_KEY (or --merchant-id and --api-key). \
                         Without them the CLI talks to a local emulator; leave out --env for that."
                    );
                    return Err(exit::code(exit::USAGE));
                }
                match &self.base_url {
                    Some(url) if is_loopback_url(url) => {
                        eprintln!(
                            "note: no JUSPAY_MERCHANT_ID/JUSPAY_API_KEY given; calling the local \
                             emulator at {url} with its default credentials ({DEFAULT_MERCHANT_ID})"
                        );
                        let mut config = emulator_config();
                        config.base_url = Some(url.clone());
                        (config, None, true)
                    }
                    Some(url) => {
                        eprintln!(
                            "error: --base-url {url} without credentials: only a local emulator \
                             (http://127.0.0.1:PORT, localhost) can be called without them; set \
                             JUSPAY_MERCHANT_ID and JUSPAY_API_KEY to call {url}"
                        );
                        return Err(exit::code(exit::USAGE));
                    }
                    None => match without {
                        WithoutCredentials::Refuse(why) => {
                            eprintln!("error: {why}");
                            return Err(exit::code(exit::USAGE));
                        }
                        WithoutCredentials::Embed => {
                            let emulator = match Emulator::spawn(EmulatorConfig::default()) {
                                Ok(emulator) => emulator,
                                Err(e) => {
                                    eprintln!("error: could not start the local emulator: {e}");
                                    return Err(exit::code(exit::INTERNAL));
                                }
                            };
                            eprintln!(
                                "note: no JUSPAY_MERCHANT_ID/JUSPAY_API_KEY given; using a local \
                                 Juspay emulator at {} (nothing is charged)",
                                emulator.url()
                            );
                            let mut config = emulator_config();
                            config.base_url = Some(emulator.url());
                            (config, Some(emulator), true)
                        }
                    },
                }
            }
            _ => {
                eprintln!(
                    "error: give both a merchant id and an API key (--merchant-id/JUSPAY_MERCHANT_ID \
                     and --api-key/JUSPAY_API_KEY), or neither to use a local emulator"
                );
                return Err(exit::code(exit::USAGE));
            }
        };
        config.timeout_ms = self.timeout_ms;
        config.connect_timeout_ms = self.connect_timeout_ms;
        config.overall_timeout_ms = self.overall_timeout_ms;
        config.max_retries = self.retries;
        config.proxy_url = self.proxy.clone();
        config.no_proxy = self.no_proxy.clone();
        config.trust_os_store = self.trust_os_store;
        if let Some(path) = &self.ca_file {
            match std::fs::read_to_string(path) {
                Ok(pem) => config.ca_bundle_pem = Some(pem),
                Err(e) => {
                    eprintln!("error: --ca-file {}: {e}", path.display());
                    return Err(exit::code(exit::USAGE));
                }
            }
        }
        config.app_name = Some("hypercheckout-cli".into());
        config.app_version = Some(env!("CARGO_PKG_VERSION").into());
        Ok(Connection {
            config,
            emulator,
            is_emulator,
        })
    }
}

/// The emulator's default credentials; the base URL is set by the caller.
fn emulator_config() -> ClientConfig {
    ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
}

/// Whether `url` points at this machine (`127.x.x.x`, `[::1]`, `localhost`), where an
/// emulator with public default credentials may run. Anything else needs real credentials.
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host == "::1"
        || host.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok())
        })
}

#[cfg(test)]
mod tests {
    use super::is_loopback_url;

    #[test]
    fn loopback_urls() {
        for yes in [
            "http://127.0.0.1:8080",
            "http://localhost/",
            "http://[::1]:9",
            "https://127.1.2.3",
        ] {
            assert!(is_loopback_url(yes), "{yes}");
        }
        for no in [
            "https://sandbox.juspay.in",
            "http://127.0.0.1.evil.com",
            "http://user@127.0.0.1",
            "ftp://127.0.0.1",
            "127.0.0.1",
        ] {
            assert!(!is_loopback_url(no), "{no}");
        }
    }
}
