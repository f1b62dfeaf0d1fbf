//! `prepare_for_exit` (core/src/exit.rs): once called, no runtime thread wakes the host's
//! future again, and new async calls are refused at once. Its own test binary: the flag is
//! process-wide.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use hypercheckout::{Client, ClientConfig, Environment, HyperCheckoutError, SessionRequest};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

/// The host's waker: counts the wakes that reach it.
struct HostWaker(AtomicU32);

impl Wake for HostWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn no_wake_reaches_the_host_after_prepare_for_exit() {
    let emulator = Emulator::spawn(EmulatorConfig {
        strict: true,
        // Answers after 300 ms: the call is in flight when the host starts exiting.
        default_fault: Some("delay;ms=300".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    })
    .unwrap();
    let host = Arc::new(HostWaker(AtomicU32::new(0)));
    let waker = Waker::from(Arc::clone(&host));
    let request = SessionRequest::new("exit-1", "1.00", "cust-exit", "client");
    let mut call = pin!(client.create_session(request));
    assert!(call
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());

    hypercheckout::prepare_for_exit();
    std::thread::sleep(Duration::from_millis(800)); // the answer arrives meanwhile
    assert_eq!(
        host.0.load(Ordering::SeqCst),
        0,
        "a wake reached the exiting host"
    );

    // A call started after it is refused at once rather than left to hang.
    let mut late = pin!(client.create_session(SessionRequest::new("exit-2", "1", "c", "x")));
    match late.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(Err(HyperCheckoutError::Configuration { reason })) => {
            assert!(reason.contains("exiting"), "{reason}")
        }
        other => panic!("expected a Configuration error at once, got {other:?}"),
    }
    // Blocking calls wake no host and still work.
    client
        .create_session_blocking(SessionRequest::new("exit-3", "1", "c", "x"))
        .unwrap();
}
