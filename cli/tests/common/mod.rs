//! Shared by the CLI tests: run the binary, and a minimal HTTP/1.1 client for the
//! emulator's payment page (the tests pay as a browser would, over real sockets).

#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs the binary without the developer's credentials.
pub fn hypercheckout(args: &[&str]) -> Output {
    hypercheckout_with_stdin(args, &[], "")
}

/// Runs the binary with extra environment variables and `stdin` as its standard input.
pub fn hypercheckout_with_stdin(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hypercheckout"));
    command
        .args(args)
        .env_remove("JUSPAY_MERCHANT_ID")
        .env_remove("JUSPAY_API_KEY")
        .env_remove("JUSPAY_RESPONSE_KEY")
        .env_remove("JUSPAY_WEBHOOK_USERNAME")
        .env_remove("JUSPAY_WEBHOOK_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the binary runs");
    let mut input = child.stdin.take().unwrap();
    // A command that does not read stdin may exit first: a broken pipe is fine.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().expect("the binary runs")
}

/// Lossy UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hc-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One HTTP/1.1 request to a loopback `http://` URL; the status and the body (headers
/// included, for a 302's Location).
pub fn http(method: &str, url: &str, form: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

/// Pays (or fails) an order on the emulator's payment page, as the page's button does;
/// returns the signed redirect's Location.
pub fn pay(base_url: &str, juspay_id: &str, outcome: &str) -> String {
    let (status, answer) = http(
        "POST",
        &format!("{base_url}/orders/{juspay_id}/pay"),
        &format!("outcome={outcome}"),
    );
    assert_eq!(status, 302, "{answer}");
    answer
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })
        .expect("a Location header")
}

/// Accepts one webhook POST on `listener`; its Authorization header and body.
pub fn receive_webhook(listener: &std::net::TcpListener) -> (String, String) {
    let (mut stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).unwrap();
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length || n == 0 {
                let authorization = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("authorization")
                            .then(|| value.trim().to_owned())
                    })
                    .unwrap_or_default();
                // One request per connection: the sender must not reuse it.
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                return (authorization, body[..length].to_owned());
            }
        }
        if n == 0 {
            panic!("the webhook connection closed early");
        }
    }
}
