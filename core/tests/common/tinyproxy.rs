//! A real HTTP proxy for the network tests: Debian's `tinyproxy`, run in the foreground with
//! a generated configuration on a free loopback port, with Basic credentials. The test
//! scripts install it (`scripts/test.sh`, the binding scripts); a machine without it fails
//! these tests with the command to run, never skips them.

use std::io::Write as _;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PROXY_USER: &str = "proxyuser";
/// A canary: it must never appear in an error, a `Debug` form or a log.
pub const PROXY_PASSWORD: &str = "proxy-canary-Pw-9c1d";

pub struct TinyProxy {
    child: Child,
    pub port: u16,
    log: PathBuf,
    dir: PathBuf,
}

impl TinyProxy {
    pub fn start() -> TinyProxy {
        let program = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or_else(|| {
                panic!("tinyproxy is not installed: apt-get install -y tinyproxy (scripts/test.sh does)")
            });
        for _ in 0..5 {
            let port = {
                let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                probe.local_addr().unwrap().port()
            };
            let dir = std::env::temp_dir().join(format!(
                "hypercheckout-tinyproxy-{}-{port}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let log = dir.join("tinyproxy.log");
            let conf = dir.join("tinyproxy.conf");
            let mut file = std::fs::File::create(&conf).unwrap();
            write!(
                file,
                "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogFile \"{}\"\nLogLevel Connect\n\
                 MaxClients 100\nBasicAuth {PROXY_USER} {PROXY_PASSWORD}\nDisableViaHeader Yes\n",
                log.display()
            )
            .unwrap();
            let child = Command::new(program)
                .arg("-d")
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start tinyproxy");
            let mut proxy = TinyProxy {
                child,
                port,
                log,
                dir,
            };
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return proxy;
                }
                if proxy.child.try_wait().unwrap().is_some() {
                    break; // the port was taken meanwhile: another one
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = proxy.child.kill();
        }
        panic!("tinyproxy did not start");
    }

    /// `http://user:password@127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!(
            "http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}",
            self.port
        )
    }

    /// The same proxy without credentials (it answers 407).
    pub fn url_without_credentials(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What the proxy logged: one `Request` line per request it relayed.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for TinyProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
