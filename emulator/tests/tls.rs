//! The TLS mode: HTTPS with a generated CA, trusted by a client only when given that CA, and
//! the binary's `--tls PATH` writing the CA before it announces the URL.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use hypercheckout_emulator::{Emulator, EmulatorConfig, EmulatorTls};

fn client(ca_pem: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().no_proxy();
    if let Some(pem) = ca_pem {
        builder =
            builder.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn serves_https_trusted_through_its_ca_only() {
    let emu = Emulator::spawn(EmulatorConfig {
        tls: Some(EmulatorTls::default()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    assert!(emu.url().starts_with("https://127.0.0.1:"));
    let pem = emu.ca_pem().expect("a CA in TLS mode");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    let url = format!("{}/session", emu.url());
    let answer = client(Some(&pem)).post(&url).send().await.unwrap();
    assert!(
        answer.status().is_client_error(),
        "TLS works; an answer without credentials"
    );
    let refused = client(None).post(&url).send().await.unwrap_err();
    assert!(
        format!("{refused:?}").contains("UnknownIssuer"),
        "{refused:?}"
    );
    // The refused handshake did not stop the server.
    let again = client(Some(&pem)).post(&url).send().await.unwrap();
    assert!(again.status().is_client_error());
    assert!(Emulator::spawn(EmulatorConfig::default())
        .unwrap()
        .ca_pem()
        .is_none());
}

#[test]
fn the_binary_writes_its_ca_before_announcing_the_url() {
    let dir = std::env::temp_dir().join(format!("emulator-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hypercheckout-emulator"))
        .arg("--tls")
        .arg(&ca)
        .args(["--tls-name", "localhost"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let written = std::fs::read_to_string(&ca);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        line.starts_with("listening on https://127.0.0.1:"),
        "{line}"
    );
    assert!(written.unwrap().contains("BEGIN CERTIFICATE"));
}
