//! The road to Juspay: which proxy a call takes, and which certificates the client trusts.
//!
//! Checked once, from `ClientConfig`, into `Network` (the proxy's credentials held apart so
//! no formatter prints them), and applied to the connection pool by `client.rs`. A refused
//! certificate is classified here too (`CertificateCheck`), so the error says which check
//! failed. `docs/network.md` explains the choices; the main ones:
//!
//! * **Proxies from the environment are honoured by default** (`proxy_from_env`), as
//!   curl, Python's requests (and so stripe-python), Go's net/http (stripe-go) and Ruby's
//!   Net::HTTP (stripe-ruby) do, and as this client always did through reqwest: on a
//!   merchant's server the environment is the operator's to set, and an egress proxy is
//!   usually configured there. The call to Juspay is HTTPS, tunnelled with `CONNECT`, so a
//!   proxy sees the host name, never the key. `proxy_from_env = false` turns it off; an
//!   explicit `proxy_url` always wins over the environment.
//! * **The operating system's store** comes through `rustls-native-certs` (reqwest's own
//!   `rustls-tls-native-roots` feature): it loads the same roots every rustls program
//!   loads, adds one small crate on Linux (`openssl-probe`), and needs no TLS setup of our
//!   own. `rustls-platform-verifier` would also ask the OS to verify (revocation on macOS
//!   and Windows), but reqwest 0.12 cannot take it without building the whole rustls
//!   configuration here; reqwest 0.13 makes it the default, and moving then is one line.

use std::fmt;

use url::Url;

use crate::config::ClientConfig;
use crate::error::HyperCheckoutError;

/// Which check refused the server's TLS certificate (in the `Certificate` error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CertificateCheck {
    /// Not signed by a certificate authority this client trusts. Behind a TLS-inspecting
    /// proxy, give its CA as the configuration's CA bundle, or trust the OS store.
    UnknownIssuer,
    /// Valid, but not for the host the client connected to (the base URL's host).
    NameMismatch,
    /// Expired (or this machine's clock is wrong).
    Expired,
    /// Not valid yet (or this machine's clock is wrong).
    NotYetValid,
    /// Revoked by its issuer.
    Revoked,
    /// Any other refusal: a bad signature, a wrong purpose, no certificate at all.
    Invalid,
}

impl fmt::Display for CertificateCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertificateCheck::UnknownIssuer => "unknown issuer",
            CertificateCheck::NameMismatch => "name mismatch",
            CertificateCheck::Expired => "expired",
            CertificateCheck::NotYetValid => "not valid yet",
            CertificateCheck::Revoked => "revoked",
            CertificateCheck::Invalid => "invalid certificate",
        })
    }
}

impl CertificateCheck {
    /// The check behind a rustls refusal, and what to do about it.
    pub(crate) fn classify(error: &rustls::Error) -> Option<(CertificateCheck, &'static str)> {
        use rustls::CertificateError as C;
        let check = match error {
            rustls::Error::InvalidCertificate(cert) => match cert {
                C::UnknownIssuer => CertificateCheck::UnknownIssuer,
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    CertificateCheck::NameMismatch
                }
                C::Expired | C::ExpiredContext { .. } => CertificateCheck::Expired,
                C::NotValidYet | C::NotValidYetContext { .. } => CertificateCheck::NotYetValid,
                C::Revoked => CertificateCheck::Revoked,
                _ => CertificateCheck::Invalid,
            },
            rustls::Error::NoCertificatesPresented | rustls::Error::UnsupportedNameType => {
                CertificateCheck::Invalid
            }
            _ => return None,
        };
        let advice = match check {
            CertificateCheck::UnknownIssuer => {
                "the server's certificate is not signed by a CA this client trusts; behind a \
                 TLS-inspecting proxy, pass its CA as ca_bundle_pem or set trust_os_store"
            }
            CertificateCheck::NameMismatch => {
                "the server's certificate is not valid for the host in base_url"
            }
            CertificateCheck::Expired => {
                "the server's certificate has expired (or this machine's clock is wrong)"
            }
            CertificateCheck::NotYetValid => {
                "the server's certificate is not valid yet (or this machine's clock is wrong)"
            }
            CertificateCheck::Revoked => "the server's certificate has been revoked",
            CertificateCheck::Invalid => "the server's certificate was refused",
        };
        Some((check, advice))
    }
}

/// Schemes `proxy_url` may use. `socks5h` resolves host names at the proxy.
const PROXY_SCHEMES: [&str; 4] = ["http", "https", "socks5", "socks5h"];

/// The checked network settings.
#[derive(Clone)]
pub(crate) struct Network {
    proxy: Option<ExplicitProxy>,
    proxy_from_env: bool,
    ca_certificates: Vec<reqwest::Certificate>,
    trust_os_store: bool,
    trust_bundled_roots: bool,
}

/// An explicit proxy: the URL as given (it may hold credentials, so it is never printed),
/// a printable form without them, and the credentials' echo forms for scrubbing.
#[derive(Clone)]
struct ExplicitProxy {
    url: String,
    shown: String,
    no_proxy: Option<String>,
    echo_forms: Vec<String>,
}

impl Network {
    /// Checks the network fields of `config`. No message echoes `proxy_url`: it may hold a
    /// password.
    pub(crate) fn resolve(config: &ClientConfig) -> Result<Network, HyperCheckoutError> {
        let fail = |reason: String| Err(HyperCheckoutError::Configuration { reason });
        let proxy = match config.proxy_url.as_deref() {
            None => None,
            Some(text) => Some(match parse_proxy(text, &config.no_proxy) {
                Ok(proxy) => proxy,
                Err(reason) => return fail(reason),
            }),
        };
        if proxy.is_none() && !config.no_proxy.is_empty() {
            // Said rather than ignored: with proxies from the environment, NO_PROXY from the
            // environment applies.
            return fail(
                "no_proxy applies only to proxy_url, which is not set (with proxies from the \
                 environment, set NO_PROXY there)"
                    .into(),
            );
        }
        let mut ca_certificates = Vec::new();
        if let Some(pem) = config.ca_bundle_pem.as_deref() {
            ca_certificates = match reqwest::Certificate::from_pem_bundle(pem.as_bytes()) {
                Ok(certs) => certs,
                Err(e) => return fail(format!("ca_bundle_pem is not a PEM bundle: {e}")),
            };
            if ca_certificates.is_empty() || !pem.contains("-----BEGIN CERTIFICATE-----") {
                return fail(
                    "ca_bundle_pem holds no certificate (expected -----BEGIN CERTIFICATE----- \
                     blocks)"
                        .into(),
                );
            }
        }
        if ca_certificates.is_empty() && !config.trust_os_store && !config.trust_bundled_roots {
            return fail(
                "nothing to trust: trust_bundled_roots and trust_os_store are both off and \
                 ca_bundle_pem is not set"
                    .into(),
            );
        }
        Ok(Network {
            proxy,
            proxy_from_env: config.proxy_from_env,
            ca_certificates,
            trust_os_store: config.trust_os_store,
            trust_bundled_roots: config.trust_bundled_roots,
        })
    }

    /// The connection pool's proxy and trust settings.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, HyperCheckoutError> {
        builder = builder
            .tls_built_in_webpki_certs(self.trust_bundled_roots)
            .tls_built_in_native_certs(self.trust_os_store);
        for cert in &self.ca_certificates {
            builder = builder.add_root_certificate(cert.clone());
        }
        match &self.proxy {
            Some(proxy) => {
                let explicit = reqwest::Proxy::all(proxy.url.as_str())
                    .map_err(|_| HyperCheckoutError::Configuration {
                        reason: format!("proxy_url {} is not usable", proxy.shown),
                    })?
                    .no_proxy(
                        proxy
                            .no_proxy
                            .as_deref()
                            .and_then(reqwest::NoProxy::from_string),
                    );
                // `proxy` also turns off the environment's proxies.
                builder = builder.proxy(explicit);
            }
            None if !self.proxy_from_env => builder = builder.no_proxy(),
            None => {} // reqwest reads HTTP(S)_PROXY, ALL_PROXY and NO_PROXY itself.
        }
        Ok(builder)
    }

    /// A few words on the proxy in use, for connection errors.
    pub(crate) fn proxy_note(&self) -> Option<String> {
        self.proxy.as_ref().map(|proxy| {
            if proxy.no_proxy.is_some() {
                format!("through proxy {} unless no_proxy matches", proxy.shown)
            } else {
                format!("through proxy {}", proxy.shown)
            }
        })
    }

    /// `text` without any echo of the proxy's credentials.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        if let Some(proxy) = &self.proxy {
            for form in &proxy.echo_forms {
                if text.contains(form.as_str()) {
                    text = text.replace(form.as_str(), crate::config::REDACTED);
                }
            }
        }
        text
    }
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("proxy", &self.proxy.as_ref().map(|p| &p.shown))
            .field(
                "no_proxy",
                &self.proxy.as_ref().and_then(|p| p.no_proxy.as_ref()),
            )
            .field("proxy_from_env", &self.proxy_from_env)
            .field("ca_certificates", &self.ca_certificates.len())
            .field("trust_os_store", &self.trust_os_store)
            .field("trust_bundled_roots", &self.trust_bundled_roots)
            .finish()
    }
}

/// `proxy_url` as `ClientConfig`'s `Debug` shows it: credentials replaced, and nothing at
/// all of a text that does not parse (it could be a password pasted in the wrong place).
pub(crate) fn shown_proxy_url(text: &str) -> String {
    match Url::parse(text) {
        Ok(url) if url.has_host() => shown(&url),
        _ => crate::config::REDACTED.to_owned(),
    }
}

fn shown(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let credentials = if url.username().is_empty() && url.password().is_none() {
        ""
    } else {
        "[redacted]@"
    };
    format!("{}://{credentials}{host}{port}", url.scheme())
}

fn parse_proxy(text: &str, no_proxy: &[String]) -> Result<ExplicitProxy, String> {
    let url = Url::parse(text.trim()).map_err(|e| {
        // `e` names the URL syntax error, never the text.
        format!("proxy_url is not a URL ({e}); expected scheme://[user:password@]host:port")
    })?;
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        return Err(format!(
            "proxy_url scheme {:?} is not supported (use http, https, socks5 or socks5h)",
            url.scheme()
        ));
    }
    if !url.has_host() || url.host_str().is_some_and(str::is_empty) {
        return Err("proxy_url has no host".into());
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "proxy_url {} must not have a path, query or fragment",
            shown(&url)
        ));
    }
    let decode = |part: &str| {
        percent_decode(part).ok_or_else(|| {
            format!(
                "proxy_url {} has credentials that are not valid percent-encoded UTF-8",
                shown(&url)
            )
        })
    };
    let username = decode(url.username())?;
    let password = decode(url.password().unwrap_or_default())?;
    if url.password().is_some() && username.is_empty() {
        return Err(format!(
            "proxy_url {} has a password but no user name",
            shown(&url)
        ));
    }
    if username
        .chars()
        .chain(password.chars())
        .any(char::is_control)
    {
        return Err(format!(
            "proxy_url {} has control characters in its credentials",
            shown(&url)
        ));
    }
    for entry in no_proxy {
        let entry = entry.trim();
        if entry.is_empty() || !entry.bytes().all(|b| b.is_ascii_graphic()) || entry.contains(',') {
            return Err(format!(
                "no_proxy entry {entry:?} must be one host, domain (.example.com), IP or CIDR"
            ));
        }
    }
    let mut echo_forms = Vec::new();
    if !password.is_empty() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
        echo_forms.push(b64.encode(format!("{username}:{password}")));
        if let Some(raw) = url.password() {
            echo_forms.push(raw.to_owned());
        }
        echo_forms.push(password.clone());
        // Too short to scrub without mangling every message; never printed by us anyway.
        echo_forms.retain(|form| form.len() >= 6);
        echo_forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    }
    Ok(ExplicitProxy {
        url: url.to_string(),
        shown: shown(&url),
        no_proxy: (!no_proxy.is_empty()).then(|| {
            no_proxy
                .iter()
                .map(|e| e.trim())
                .collect::<Vec<_>>()
                .join(",")
        }),
        echo_forms,
    })
}

/// `%XX` escapes decoded, as URL user info is written; `None` for a bad escape or bytes
/// that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Environment;

    fn config(proxy: &str) -> ClientConfig {
        ClientConfig {
            proxy_url: Some(proxy.into()),
            ..ClientConfig::new("m", "key_123456", Environment::Sandbox)
        }
    }

    #[test]
    fn proxy_urls_are_checked_without_echoing_them() {
        for (url, words) in [
            ("ftp://u:Secr3tPass@proxy:21", "scheme \"ftp\""),
            (
                "http://u:Secr3tPass@proxy:3128/path",
                "must not have a path",
            ),
            ("http://:Secr3tPass@proxy:3128", "no user name"),
            ("not a url Secr3tPass", "not a URL"),
            ("http://u:Secr3t%zzPass@proxy:3128", "percent-encoded"),
        ] {
            let error = Network::resolve(&config(url)).unwrap_err().to_string();
            assert!(error.contains(words), "{url}: {error}");
            assert!(!error.contains("Secr3t"), "{url}: {error}");
        }
        assert!(Network::resolve(&config("socks5h://u:p%40ss@proxy:1080")).is_ok());
        assert_eq!(
            shown_proxy_url("http://user:Secr3tPass@proxy.corp:3128"),
            "http://[redacted]@proxy.corp:3128"
        );
        assert_eq!(shown_proxy_url("Secr3tPass"), "[redacted]");
    }

    #[test]
    fn scrubs_every_form_of_the_proxy_password() {
        let network = Network::resolve(&config("http://user:p%40ssw0rd-x@proxy:3128")).unwrap();
        use base64::Engine as _;
        let header = base64::engine::general_purpose::STANDARD.encode("user:p@ssw0rd-x");
        let text = format!("a p@ssw0rd-x b p%40ssw0rd-x c {header}");
        let scrubbed = network.scrub(&text);
        assert!(!scrubbed.contains("ssw0rd"), "{scrubbed}");
    }

    #[test]
    fn no_proxy_needs_a_proxy_and_trust_needs_a_root() {
        let mut c = ClientConfig::new("m", "key_123456", Environment::Sandbox);
        c.no_proxy = vec!["localhost".into()];
        assert!(Network::resolve(&c)
            .unwrap_err()
            .to_string()
            .contains("no_proxy"));
        let mut c = ClientConfig::new("m", "key_123456", Environment::Sandbox);
        c.trust_bundled_roots = false;
        assert!(Network::resolve(&c)
            .unwrap_err()
            .to_string()
            .contains("nothing to trust"));
        c.ca_bundle_pem = Some("not pem".into());
        assert!(Network::resolve(&c)
            .unwrap_err()
            .to_string()
            .contains("ca_bundle_pem"));
    }
}
