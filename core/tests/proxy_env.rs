//! The decision on proxies from the environment (`docs/network.md`): `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are honoured by default, `proxy_from_env = false`
//! ignores them, and an explicit `proxy_url` wins. One test in its own binary: the
//! environment is the process's, and no other test may run while it changes.
#![allow(clippy::result_large_err)]

mod common;

use common::tinyproxy::TinyProxy;
use hypercheckout::{Client, ClientConfig, Environment, HyperCheckoutError, SessionRequest};
use hypercheckout_emulator::{
    Emulator, EmulatorConfig, EmulatorTls, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID,
};

fn request(n: u32) -> SessionRequest {
    SessionRequest {
        return_url: Some("https://shop.merchant.com".into()),
        ..SessionRequest::new(
            format!("env{}-{n}", std::process::id()),
            "1.00",
            "customer-1",
            "client-1",
        )
    }
}

#[test]
fn environment_proxies_are_honoured_by_default_and_can_be_ignored() {
    let emu = Emulator::spawn(EmulatorConfig {
        tls: Some(EmulatorTls::default()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let proxy = TinyProxy::start();
    let closed = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let config = ClientConfig {
        base_url: Some(emu.url()),
        ca_bundle_pem: emu.ca_pem(),
        max_retries: 0,
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    };
    for name in [
        "NO_PROXY",
        "no_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::remove_var(name);
    }
    // Safety of set_var: this is the binary's only test, and no thread is running yet that
    // reads the environment (the clients below are made after).
    std::env::set_var("HTTPS_PROXY", proxy.url());
    std::env::set_var("https_proxy", proxy.url());

    // Default: the environment's proxy carries the call.
    Client::new(config.clone())
        .unwrap()
        .create_session_blocking(request(1))
        .expect("through HTTPS_PROXY");
    let port = emu.addr().port();
    assert!(proxy.log().contains(&format!("CONNECT 127.0.0.1:{port}")));

    // A dead proxy in the environment is used, and says so...
    let dead = format!("http://127.0.0.1:{closed}");
    std::env::set_var("HTTPS_PROXY", &dead);
    std::env::set_var("https_proxy", &dead);
    let error = Client::new(config.clone())
        .unwrap()
        .create_session_blocking(request(2))
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Connection { .. }),
        "{error:?}"
    );
    // ...unless NO_PROXY names the host,
    std::env::set_var("NO_PROXY", "127.0.0.1");
    Client::new(config.clone())
        .unwrap()
        .create_session_blocking(request(3))
        .expect("NO_PROXY bypasses it");
    std::env::remove_var("NO_PROXY");
    // ...or the client is told to ignore the environment,
    let ignoring = ClientConfig {
        proxy_from_env: false,
        ..config.clone()
    };
    Client::new(ignoring)
        .unwrap()
        .create_session_blocking(request(4))
        .expect("proxy_from_env = false");
    // ...or an explicit proxy_url wins over it.
    let explicit = ClientConfig {
        proxy_url: Some(proxy.url()),
        ..config
    };
    Client::new(explicit)
        .unwrap()
        .create_session_blocking(request(5))
        .expect("proxy_url wins over HTTPS_PROXY");
}
