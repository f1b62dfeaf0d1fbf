//! The emulator's TLS mode: a certificate authority generated at start (rcgen), a server
//! certificate it signs for the names asked (`localhost` and `127.0.0.1` by default, or an
//! expired one on request), and the CA's PEM for the client under test to trust. Nothing here
//! is shared with the client: the client's trust settings are what is being tested.

use std::io;
use std::sync::Arc;

use base64::Engine as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// How the emulator serves TLS (`EmulatorConfig::tls`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmulatorTls {
    /// Names (DNS names or IP addresses) the server certificate is valid for.
    pub names: Vec<String>,
    /// Serve a certificate that expired in 2020, to test a client's refusal.
    pub expired: bool,
}

impl Default for EmulatorTls {
    fn default() -> EmulatorTls {
        EmulatorTls {
            names: vec!["localhost".into(), "127.0.0.1".into()],
            expired: false,
        }
    }
}

/// A generated CA and the server configuration it signed.
pub(crate) struct Generated {
    pub ca_pem: String,
    pub acceptor: tokio_rustls::TlsAcceptor,
}

fn failed(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("TLS setup: {what}: {e}"))
}

pub(crate) fn generate(tls: &EmulatorTls) -> io::Result<Generated> {
    if tls.names.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "TLS needs at least one certificate name",
        ));
    }
    let ca_key = rcgen::KeyPair::generate().map_err(|e| failed("CA key", e))?;
    let mut ca_params =
        rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| failed("CA", e))?;
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "hypercheckout-emulator test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca = ca_params
        .self_signed(&ca_key)
        .map_err(|e| failed("CA certificate", e))?;

    let key = rcgen::KeyPair::generate().map_err(|e| failed("server key", e))?;
    let mut params = rcgen::CertificateParams::new(tls.names.clone())
        .map_err(|e| failed("certificate names", e))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, tls.names[0].as_str());
    if tls.expired {
        params.not_before = rcgen::date_time_ymd(2019, 1, 1);
        params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    }
    let cert = params
        .signed_by(&key, &ca, &ca_key)
        .map_err(|e| failed("server certificate", e))?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed("protocol versions", e))?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), ca.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| failed("server configuration", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Generated {
        ca_pem: pem(ca.der()),
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    })
}

/// A certificate's PEM text (RFC 7468), written here rather than adding rcgen's `pem`
/// feature and its crate.
fn pem(der: &CertificateDer<'_>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
