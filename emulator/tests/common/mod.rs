#![allow(dead_code)]

use base64::Engine as _;
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};
use serde_json::{json, Value};

/// A strict-mode emulator: most of these tests check the documented contract.
pub fn emu() -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

/// A faithful-mode (default) emulator.
pub fn faithful() -> Emulator {
    Emulator::spawn(EmulatorConfig::default()).expect("emulator starts")
}

/// Asserts Juspay's "Invalid order id" answer: 400 `NOT_FOUND`, status_id 40.
pub async fn expect_not_found(resp: reqwest::Response, order_id: &str) {
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "status": "NOT_FOUND",
            "error_info": {
                "user_message": "Order Not Found",
                "developer_message": "Order Not Found",
                "code": "RESOURCE_NOT_FOUND",
                "category": "USER_ERROR",
            },
            "status_id": 40,
            "order_id": order_id,
        })
    );
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn basic(api_key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:"))
    )
}

/// A valid body resembling the reference's sample request.
pub fn valid_body(order_id: &str) -> Value {
    json!({
        "order_id": order_id,
        "amount": "1.0",
        "customer_id": "testing-customer-one",
        "customer_email": "test@mail.com",
        "customer_phone": "9876543210",
        "payment_page_client_id": "yourClientId",
        "action": "paymentPage",
        "return_url": "https://shop.merchant.com",
        "description": "Complete your payment",
        "first_name": "John",
        "last_name": "wick",
        "metadata.JUSPAY:gateway_reference_id": "Merchant_test"
    })
}

pub fn session(client: &reqwest::Client, emu: &Emulator, routing: &str) -> reqwest::RequestBuilder {
    client
        .post(format!("{}/session", emu.url()))
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", routing)
}

pub fn order(
    client: &reqwest::Client,
    emu: &Emulator,
    order_id: &str,
    routing: &str,
) -> reqwest::RequestBuilder {
    client
        .get(format!("{}/orders/{order_id}", emu.url()))
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", routing)
        .header("version", "2024-01-01")
}

pub async fn create(client: &reqwest::Client, emu: &Emulator, body: &Value) -> Value {
    let resp = session(client, emu, "routing")
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Asserts a Juspay-shaped 400 and returns (body, field names).
pub async fn expect_400(resp: reqwest::Response) -> (Value, Vec<String>) {
    assert_eq!(resp.status(), 400);
    let rid = resp
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "Bad Request", "{body}");
    assert!(body["error_code"].is_string());
    assert!(body["error_message"].is_string());
    assert!(body["user_message"].is_string());
    let info = &body["error_info"];
    assert_eq!(info["category"], "USER_ERROR");
    assert_eq!(info["request_id"], rid.as_str());
    assert!(info["developer_message"].is_string());
    let fields = info["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(f["reason"].is_string());
            f["field_name"].as_str().unwrap().to_string()
        })
        .collect();
    (body, fields)
}

/// One HTTP/1.1 answer read off a raw socket.
pub struct RawAnswer {
    pub status: u16,
    /// Lower-cased header names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// Writes `request` as is to the emulator and reads one answer (head, then a
/// Content-Length body). A 10 s read timeout bounds a broken test; nothing waits on it.
pub fn send_raw(emu: &Emulator, request: &[u8]) -> RawAnswer {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(emu.addr()).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    s.write_all(request).unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let status = lines
                .next()
                .unwrap()
                .split(' ')
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            while seen.len() < end + 4 + len {
                let n = s.read(&mut buf).unwrap();
                assert!(n > 0, "connection closed mid-body");
                seen.extend_from_slice(&buf[..n]);
            }
            return RawAnswer {
                status,
                headers,
                body: seen[end + 4..end + 4 + len].to_vec(),
            };
        }
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed before an answer");
        seen.extend_from_slice(&buf[..n]);
    }
}

/// Creates an order with `valid_body(order_id)` (amount "1.0") and pays it on the payment
/// page; returns its `ordeh_` id.
pub async fn charged_order(emu: &Emulator, order_id: &str) -> String {
    charged_order_with(emu, valid_body(order_id)).await
}

/// Creates an order from `body` and pays it successfully; returns its `ordeh_` id.
pub async fn charged_order_with(emu: &Emulator, body: Value) -> String {
    let v = create(&client(), emu, &body).await;
    let id = v["id"].as_str().unwrap().to_string();
    let resp = client()
        .post(format!("{}/orders/{id}/pay", emu.url()))
        .form(&[("outcome", "success")])
        .send()
        .await
        .unwrap();
    assert!(resp.status() == 302 || resp.status() == 200);
    id
}

/// `POST /orders/{order_id}/refunds` with the default credentials and headers (form body
/// to be added by the caller).
pub fn refund(client: &reqwest::Client, emu: &Emulator, order_id: &str) -> reqwest::RequestBuilder {
    client
        .post(format!("{}/orders/{order_id}/refunds", emu.url()))
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", "routing")
        .header("version", "2023-06-30")
}

/// An authenticated POST to `path` (e.g. `/mandates/ID`, `/txns`).
pub fn post(client: &reqwest::Client, emu: &Emulator, path: &str) -> reqwest::RequestBuilder {
    client
        .post(format!("{}{path}", emu.url()))
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", "routing")
        .header("version", "2023-06-30")
}

/// GET /orders/{order_id} as JSON (must be 200).
pub async fn order_json(emu: &Emulator, order_id: &str) -> Value {
    let resp = order(&client(), emu, order_id, "routing")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Polls the order until `done(order)` or 10 s pass (then panics with the last body).
pub async fn wait_for_order(
    emu: &Emulator,
    order_id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = std::time::Instant::now();
    loop {
        let o = order_json(emu, order_id).await;
        if done(&o) {
            return o;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "timed out waiting; last order: {o}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A webhook receiver on loopback that answers 200 to every POST and passes each JSON body
/// on, in arrival order.
pub struct WebhookSink {
    pub url: String,
    rx: std::sync::Mutex<std::sync::mpsc::Receiver<Value>>,
}

impl WebhookSink {
    pub fn start() -> WebhookSink {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                if tx
                    .send(serde_json::from_slice::<Value>(&body).unwrap())
                    .is_err()
                {
                    return;
                }
            }
        });
        WebhookSink {
            url,
            rx: std::sync::Mutex::new(rx),
        }
    }

    /// The next event (waits up to 10 s).
    pub fn next(&self) -> Value {
        self.rx
            .lock()
            .unwrap()
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("a webhook arrives")
    }

    /// No event within `ms` milliseconds.
    pub fn none_within(&self, ms: u64) -> bool {
        self.rx
            .lock()
            .unwrap()
            .recv_timeout(std::time::Duration::from_millis(ms))
            .is_err()
    }
}
