//! The tokio runtime every client runs its I/O on, rebuilt after `fork()`.
//!
//! Merchant backends pre-fork (gunicorn, uwsgi, Passenger): a client built in the parent is
//! used in the children. A forked child has none of the parent's threads, so the parent's
//! runtime would never run a task again, and its connection pool's sockets are shared with
//! the parent. We therefore tag the runtime (and each client's pool, see `client.rs`) with
//! the process id and build fresh ones when it changes. The stale ones are leaked on
//! purpose: dropping a runtime joins worker threads that do not exist in the child.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Waker};

use crate::error::HyperCheckoutError;
use crate::exit;

/// A value that belongs to the process that created it.
pub(crate) struct PerProcess<T> {
    slot: Mutex<Option<(u32, T)>>,
}

impl<T: Clone> PerProcess<T> {
    pub(crate) const fn new() -> Self {
        Self {
            slot: Mutex::new(None),
        }
    }

    pub(crate) fn with(value: T) -> Self {
        Self {
            slot: Mutex::new(Some((std::process::id(), value))),
        }
    }

    /// The current process's value, built by `make` on first use and after a fork.
    pub(crate) fn get_or_try_init<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let pid = std::process::id();
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some((owner, value)) if *owner == pid => Ok(value.clone()),
            _ => {
                let value = make()?;
                if let Some(stale) = slot.replace((pid, value.clone())) {
                    std::mem::forget(stale);
                }
                Ok(value)
            }
        }
    }
}

static RUNTIME: PerProcess<Arc<tokio::runtime::Runtime>> = PerProcess::new();

/// The shared multi-threaded runtime for this process.
pub(crate) fn shared() -> Result<Arc<tokio::runtime::Runtime>, HyperCheckoutError> {
    RUNTIME.get_or_try_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .thread_name("hypercheckout-io")
            .enable_io()
            .enable_time()
            .build()
            .map(Arc::new)
            .map_err(|e| HyperCheckoutError::Internal {
                reason: format!("could not start the I/O runtime: {e}"),
            })
    })
}

/// Runs `work` on the shared runtime and awaits it from whatever executor polls this future
/// (asyncio, Kotlin coroutines, Swift tasks, another tokio runtime). Dropping this future,
/// as a cancelled task does, cancels the work too. The waker the runtime thread will call is
/// guarded (`exit.rs`), and a panic inside `work` comes back as `Internal`, never unwinds
/// into the caller.
pub(crate) async fn run<T: Send + 'static>(
    work: impl Future<Output = Result<T, HyperCheckoutError>> + Send + 'static,
) -> Result<T, HyperCheckoutError> {
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    if exit::is_exiting() {
        // Its completion could never be delivered (see `exit.rs`): refuse it now.
        return Err(HyperCheckoutError::Configuration {
            reason: "the process is exiting (prepare_for_exit was called); async call not sent"
                .into(),
        });
    }
    let mut task = AbortOnDrop(shared()?.spawn(work));
    let mut guarded: Option<(Waker, Waker)> = None;
    let joined = std::future::poll_fn(|cx| {
        // One guarded waker per host waker: re-made only if the host hands us a new one.
        let waker = match &guarded {
            Some((host, ours)) if host.will_wake(cx.waker()) => ours.clone(),
            _ => {
                let ours = exit::guard(cx.waker());
                guarded = Some((cx.waker().clone(), ours.clone()));
                ours
            }
        };
        Pin::new(&mut task.0).poll(&mut Context::from_waker(&waker))
    })
    .await;
    joined.map_err(|e| {
        let reason = if e.is_panic() {
            panic_reason(e.into_panic())
        } else {
            format!("background task failed: {e}")
        };
        HyperCheckoutError::Internal { reason }
    })?
}

/// Runs `work` to completion on the calling thread (measured faster than handing it to a
/// runtime thread: the request future and the caller share a thread, and only the
/// connection's I/O runs on the runtime). Refuses, rather than deadlock or panic, when
/// called from inside an async runtime; `method` names the async alternative. A panic inside
/// `work` is returned as `Internal`.
pub(crate) fn block_on<T>(
    method: &str,
    work: impl Future<Output = Result<T, HyperCheckoutError>>,
) -> Result<T, HyperCheckoutError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(HyperCheckoutError::Configuration {
            reason: format!(
                "{method}_blocking was called inside an async runtime; await {method} instead"
            ),
        });
    }
    let runtime = shared()?;
    catch_panic(|| runtime.block_on(work))
}

/// Calls `f`, turning a panic into `HyperCheckoutError::Internal`: no panic crosses an entry
/// point of this crate (Rust callers, FFI exports, sync and async alike).
pub(crate) fn catch_panic<T>(
    f: impl FnOnce() -> Result<T, HyperCheckoutError>,
) -> Result<T, HyperCheckoutError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(HyperCheckoutError::Internal {
            reason: panic_reason(payload),
        })
    })
}

fn panic_reason(payload: Box<dyn std::any::Any + Send>) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("unexpected panic in the SDK (please report it): {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panic_probe(message: &str) -> Result<(), HyperCheckoutError> {
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok(())
    }

    #[test]
    fn panics_become_internal_errors() {
        let blocking = block_on("probe", async { panic_probe("probe blocking") });
        assert!(
            matches!(&blocking, Err(HyperCheckoutError::Internal { reason }) if reason.contains("probe blocking")),
            "{blocking:?}"
        );
        let awaited = shared().unwrap().block_on(async {
            // Awaited from another runtime, as a host executor would.
            run(async { panic_probe("probe async") }).await
        });
        assert!(
            matches!(&awaited, Err(HyperCheckoutError::Internal { reason }) if reason.contains("probe async")),
            "{awaited:?}"
        );
        let sync = catch_panic(|| panic_probe(&format!("probe {}", "sync")));
        assert!(
            matches!(&sync, Err(HyperCheckoutError::Internal { reason }) if reason.contains("probe sync")),
            "{sync:?}"
        );
    }
}
