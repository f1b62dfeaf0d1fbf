//! Process exit: stop calling into a host language that is shutting down.
//!
//! An async call from Python, Kotlin or Swift completes on a `hypercheckout-io` thread, and
//! tokio wakes the awaiting future there: uniffi's waker calls the host's continuation
//! callback *on that thread* (Python: `loop.call_soon_threadsafe`). If the host is exiting at
//! that moment, the callback can be killed mid-way: CPython, once finalizing, ends any thread
//! that re-takes the GIL with `pthread_exit()`, whose forced unwind reaches tokio's
//! `catch_unwind`; Rust cannot catch a foreign unwind and the process aborts ("FATAL:
//! exception not rethrown", SIGABRT). That is issue 11, item 1, confirmed in a core dump.
//!
//! The fix: every waker handed to a runtime thread is wrapped ([`guard`]). The wrapper
//! forwards a wake only while the process is not exiting, and counts the wakes in progress.
//! [`prepare_for_exit`] (exported; the Python package registers it with `atexit`, which
//! CPython runs before it marks the interpreter finalizing; the JVM binding from a shutdown
//! hook) sets the flag and waits, bounded, for the wakes already in the host to return.
//! After that no runtime thread enters host code again; calls still in flight simply never
//! complete, which is what a process that is ending wants.
//!
//! Ordering: a waker increments the counter *before* it reads the flag, and
//! `prepare_for_exit` sets the flag *before* it reads the counter (both `SeqCst`), so either
//! the waker sees the flag and skips, or `prepare_for_exit` sees the waker and waits for it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Wake, Waker};
use std::time::{Duration, Instant};

static EXITING: AtomicBool = AtomicBool::new(false);
static WAKES_IN_HOST: AtomicUsize = AtomicUsize::new(0);

/// How long `prepare_for_exit` waits for wakes already inside the host. A wake is a few
/// microseconds of host code (queue a callback); the bound only matters if the host is
/// stuck, and then exiting must not hang.
const WAIT_FOR_WAKES: Duration = Duration::from_secs(2);

/// Stops forwarding wakes to the host and waits (at most two seconds) for those in progress.
/// Call it as the host begins to exit; calls still in flight never complete afterwards.
/// Idempotent. Bindings call it for you (Python `atexit`, JVM shutdown hook).
#[uniffi::export]
pub fn prepare_for_exit() {
    EXITING.store(true, SeqCst);
    let started = Instant::now();
    while WAKES_IN_HOST.load(SeqCst) > 0 && started.elapsed() < WAIT_FOR_WAKES {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Whether `prepare_for_exit` has run in this process.
pub(crate) fn is_exiting() -> bool {
    EXITING.load(SeqCst)
}

/// Runs `f`, host code called from an SDK thread (the log and event delivery threads of
/// `observe.rs`), unless the process is exiting: counted like a wake, so `prepare_for_exit`
/// waits for it too.
pub(crate) fn call_host<R>(f: impl FnOnce() -> R) -> Option<R> {
    WAKES_IN_HOST.fetch_add(1, SeqCst);
    let result = (!EXITING.load(SeqCst)).then(|| {
        crate::jvm::attach_current_thread();
        f()
    });
    WAKES_IN_HOST.fetch_sub(1, SeqCst);
    result
}

/// A waker that forwards to `host` unless the process is exiting.
pub(crate) fn guard(host: &Waker) -> Waker {
    Waker::from(Arc::new(GuardedWaker(host.clone())))
}

struct GuardedWaker(Waker);

impl Wake for GuardedWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        WAKES_IN_HOST.fetch_add(1, SeqCst);
        if !EXITING.load(SeqCst) {
            // The host's waker may be a JNA callback: enter the JVM as an attached thread.
            crate::jvm::attach_current_thread();
            self.0.wake_by_ref();
        }
        WAKES_IN_HOST.fetch_sub(1, SeqCst);
    }
}
