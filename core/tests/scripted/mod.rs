//! A scripted loopback HTTP server for the refund and mandate tests: it plays Juspay's
//! documented answers in order, one connection each, and records every request as it
//! arrived. Real HTTP, no mock of the client's transport.
#![allow(dead_code)] // each test binary uses its own part

use std::collections::HashMap;
use std::io::{Read, Write};
use std::thread::JoinHandle;

use hypercheckout::{Client, ClientConfig, Environment};

/// One request as it arrived.
#[derive(Debug)]
pub struct Seen {
    pub request_line: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// What the scripted server does with one connection.
pub enum Step {
    /// Answer with this status line and JSON body.
    Answer(&'static str, String),
    /// Read the request whole, then close the connection without a word (a lost answer).
    Drop,
}

/// A loopback HTTP server that serves `steps` in order, one connection each, and returns
/// every request it read.
pub fn script(steps: Vec<Step>) -> (String, JoinHandle<Vec<Seen>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for step in steps {
            let (mut stream, _) = listener.accept().unwrap();
            seen.push(read_request(&mut stream));
            match step {
                Step::Answer(status, body) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                Step::Drop => drop(stream),
            }
        }
        seen
    });
    (url, server)
}

fn read_request(stream: &mut std::net::TcpStream) -> Seen {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "connection closed mid-request");
        bytes.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let mut lines = head.lines();
            let request_line = lines.next().unwrap().to_owned();
            let headers: HashMap<String, String> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let length = headers
                .get("content-length")
                .map_or(0, |v| v.parse().unwrap());
            if body.len() >= length {
                return Seen {
                    request_line,
                    headers,
                    body: body.to_owned(),
                };
            }
        }
    }
}

pub fn client(url: &str) -> Client {
    Client::new(ClientConfig {
        base_url: Some(url.to_owned()),
        timeout_ms: 3_000,
        overall_timeout_ms: 10_000,
        ..ClientConfig::new("merchant_1", "api_key_1", Environment::Sandbox)
    })
    .unwrap()
}
