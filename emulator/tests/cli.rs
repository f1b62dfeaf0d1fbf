//! The binary: first stdout line, flags, clean exit on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

fn start(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hypercheckout-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn http(addr: &str, request: &str) -> String {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[cfg(unix)]
fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap()
}

#[cfg(unix)]
#[test]
fn prints_url_serves_and_exits_cleanly() {
    let (mut child, line) = start(&[
        "--merchant-id",
        "m_cli",
        "--api-key",
        "k_cli",
        "--fault",
        "503;times=1",
    ]);
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    assert!(line.ends_with('\n'));
    let url = line.trim().trim_start_matches("listening on ").to_string();
    let addr = url.trim_start_matches("http://").to_string();
    let req = format!(
        "POST /session HTTP/1.1\r\nHost: {addr}\r\nx-routing-id: cli\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert!(http(&addr, &req).starts_with("HTTP/1.1 503"));
    // after the one fault: auth is checked (wrong merchant/key pair -> 401)
    let out = http(
        &addr,
        &req.replace(
            "x-routing-id: cli\r\n",
            "x-routing-id: cli\r\nx-merchantid: m_cli\r\n",
        ),
    );
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
    let stats = http(
        &addr,
        &format!("GET /__emulator/stats?routing_id=cli HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(stats.ends_with("{\"count\":2,\"total\":2}"), "{stats}");

    let status = terminate(&mut child);
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert_eq!(rest, "", "nothing else on stdout");
}

#[test]
fn bad_arguments_fail() {
    let out = Command::new(env!("CARGO_BIN_EXE_hypercheckout-emulator"))
        .args(["--fault", "teapot"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let out = Command::new(env!("CARGO_BIN_EXE_hypercheckout-emulator"))
        .args(["--merchant-id", "a", "--merchant-id", "b", "--api-key", "k"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn verbose_logs_to_stderr_only() {
    let (mut child, line) = start(&["--verbose"]);
    let addr = line
        .trim()
        .trim_start_matches("listening on http://")
        .to_string();
    http(
        &addr,
        &format!("GET /nowhere HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    let status = terminate(&mut child);
    assert!(status.success());
    let mut rest = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert_eq!(rest, "");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("/nowhere"), "{err}");
}
