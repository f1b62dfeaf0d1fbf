//! The tokio runtime every client runs its I/O on, rebuilt after `fork()`.
//!
//! Merchant backends pre-fork (gunicorn, uwsgi, Passenger): a client built in the parent is
//! used in the children. A forked child has none of the parent's threads, so the parent's
//! runtime would never run a task again, and its connection pool's sockets are shared with
//! the parent. We therefore tag the runtime (and each client's pool, see `client.rs`) with
//! the process id and build fresh ones when it changes. The stale ones are leaked on
//! purpose: dropping a runtime joins worker threads that do not exist in the child.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::HyperCheckoutError;

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
/// as a cancelled task does, cancels the work too.
pub(crate) async fn run<T: Send + 'static>(
    work: impl Future<Output = Result<T, HyperCheckoutError>> + Send + 'static,
) -> Result<T, HyperCheckoutError> {
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(shared()?.spawn(work));
    (&mut task.0)
        .await
        .map_err(|e| HyperCheckoutError::Internal {
            reason: format!("background task failed: {e}"),
        })?
}

/// Runs `work` to completion on the calling thread (measured faster than handing it to a
/// runtime thread: the request future and the caller share a thread, and only the
/// connection's I/O runs on the runtime). Refuses, rather than deadlock or panic, when
/// called from inside an async runtime; `method` names the async alternative.
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
    shared()?.block_on(work)
}
