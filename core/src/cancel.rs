//! Cancellation a caller can trigger from outside the future, for bindings whose async
//! calls do not forward their own cancellation.
//!
//! Python and Kotlin drop the Rust future when their task is cancelled, which aborts the
//! request (`runtime::run`). uniffi 0.32's Swift async wrapper never does: it awaits the
//! future to completion and never calls `rust_future_cancel`
//! (uniffi_bindgen 0.32.2, `src/bindings/swift/templates/Async.swift`, `uniffiRustCallAsync`),
//! so a cancelled Swift `Task` would run its call to the timeout. The Swift thin layer
//! (`bindings/swift/Sources/HyperCheckout/HyperCheckout+Conveniences.swift`) therefore calls
//! the `*_cancellable` methods below inside `withTaskCancellationHandler` and cancels the
//! token from the handler: the call's future is dropped at once, which aborts the request,
//! its retries and its connection.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};

use crate::client::Client;
use crate::error::HyperCheckoutError;
use crate::options::RequestOptions;
use crate::order::OrderStatus;
use crate::request::SessionRequest;
use crate::response::Session;
use crate::{MandateDetails, MandateExecution, MandateExecutionResult, RefundRequest};

/// Cancellable calls whose work has not been dropped yet (finished or cancelled).
static IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

/// A one-shot cancellation signal for one or more `*_cancellable` calls. Cancelling it makes
/// every call it was passed to stop at once: the request is abandoned (it may already have
/// reached Juspay), no retry is sent, and the call returns a `Connection` error saying so.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    state: Mutex<TokenState>,
}

#[derive(Debug, Default)]
struct TokenState {
    cancelled: bool,
    /// The wakers of the calls waiting on this token.
    waiters: Vec<Waker>,
}

#[uniffi::export]
impl CancelToken {
    /// A token that is not cancelled.
    #[uniffi::constructor]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every call this token was or will be passed to. Idempotent.
    pub fn cancel(&self) {
        let waiters = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.cancelled = true;
            std::mem::take(&mut state.waiters)
        };
        // Woken outside the lock: a waker may poll the call on this thread.
        for waker in waiters {
            waker.wake();
        }
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cancelled
    }
}

impl CancelToken {
    /// True if cancelled; else remembers `waker` to be woken by `cancel`.
    fn cancelled_or_register(&self, waker: &Waker) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.cancelled {
            return true;
        }
        if !state.waiters.iter().any(|w| w.will_wake(waker)) {
            state.waiters.push(waker.clone());
        }
        false
    }
}

/// How many `*_cancellable` calls are still running in this process: a call counts until its
/// work has been dropped, that is until it finished or its cancellation aborted the request.
/// A diagnostic (the Swift tests use it to see that a cancelled call really stopped).
#[uniffi::export]
pub fn cancellable_calls_in_flight() -> u64 {
    IN_FLIGHT.load(Ordering::SeqCst)
}

/// Counts one call in `IN_FLIGHT` for as long as it lives.
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `work` until it finishes or `token` is cancelled; on cancellation `work` is dropped
/// before this returns (which aborts its request, see `runtime::run`).
async fn until_cancelled<T>(
    token: &CancelToken,
    work: impl Future<Output = Result<T, HyperCheckoutError>>,
) -> Result<T, HyperCheckoutError> {
    // Declared before `work`, so dropped after it: the count falls only once the work is gone.
    let _in_flight = InFlight::enter();
    let mut work = pin!(work);
    std::future::poll_fn(|cx| {
        if token.cancelled_or_register(cx.waker()) {
            return Poll::Ready(Err(HyperCheckoutError::Connection {
                reason: "cancelled by the caller; the request may have reached Juspay".into(),
            }));
        }
        work.as_mut().poll(cx)
    })
    .await
}

#[uniffi::export]
impl Client {
    /// The session call, stopped as soon as `token` is cancelled (then a `Connection` error;
    /// the session may have been created). For bindings whose async calls do not forward
    /// cancellation (Swift); the Swift `createSession` uses it.
    #[uniffi::method(default(options = None))]
    pub async fn create_session_cancellable(
        &self,
        request: SessionRequest,
        token: Arc<CancelToken>,
        options: Option<RequestOptions>,
    ) -> Result<Session, HyperCheckoutError> {
        until_cancelled(&token, self.create_session_with(request, options)).await
    }

    /// The Order Status call, stopped as soon as `token` is cancelled (then a `Connection`
    /// error). For bindings whose async calls do not forward cancellation (Swift); the Swift
    /// `getOrderStatus` uses it.
    #[uniffi::method(default(options = None))]
    pub async fn get_order_status_cancellable(
        &self,
        order_id: String,
        routing_id: String,
        token: Arc<CancelToken>,
        options: Option<RequestOptions>,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        until_cancelled(
            &token,
            self.get_order_status_with(order_id, routing_id, options),
        )
        .await
    }

    /// The refund call, stopped as soon as `token` is cancelled (then a `Connection` error;
    /// the refund may exist: repeat with the same unique request id to find out). For
    /// bindings whose async calls do not forward cancellation (Swift).
    #[uniffi::method(default(options = None))]
    pub async fn create_refund_cancellable(
        &self,
        request: RefundRequest,
        token: Arc<CancelToken>,
        options: Option<RequestOptions>,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        until_cancelled(&token, self.create_refund_with(request, options)).await
    }

    /// The mandate status call, stopped as soon as `token` is cancelled (then a `Connection`
    /// error). For bindings whose async calls do not forward cancellation (Swift).
    #[uniffi::method(default(options = None))]
    pub async fn get_mandate_cancellable(
        &self,
        mandate_id: String,
        routing_id: String,
        token: Arc<CancelToken>,
        options: Option<RequestOptions>,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        until_cancelled(
            &token,
            self.get_mandate_with(mandate_id, routing_id, options),
        )
        .await
    }

    /// The revoke call, stopped as soon as `token` is cancelled (then a `Connection` error;
    /// the revoke may have happened: repeating it is safe). For bindings whose async calls do
    /// not forward cancellation (Swift).
    #[uniffi::method(default(options = None))]
    pub async fn revoke_mandate_cancellable(
        &self,
        mandate_id: String,
        routing_id: String,
        token: Arc<CancelToken>,
        options: Option<RequestOptions>,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        until_cancelled(
            &token,
            self.revoke_mandate_with(mandate_id, routing_id, options),
        )
        .await
    }

    /// The mandate execution call, stopped as soon as `token` is cancelled (then a `Connection`
    /// error; the debit may exist: repeating with the same order id is safe). For bindings whose
    /// async calls do not forward cancellation (Swift).
    #[uniffi::method(default(options = None))]
    pub async fn execute_mandate_cancellable(
        &self,
        execution: MandateExecution,
        token: Arc<CancelToken>,
        options: Option<RequestOptions>,
    ) -> Result<MandateExecutionResult, HyperCheckoutError> {
        until_cancelled(&token, self.execute_mandate_with(execution, options)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_token_stops_a_pending_call_and_drops_its_work() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let token = Arc::new(CancelToken::new());
        let canceller = Arc::clone(&token);
        let before = cancellable_calls_in_flight();
        let result: Result<(), _> = rt.block_on(async move {
            let work = std::future::pending::<Result<(), HyperCheckoutError>>();
            let call = until_cancelled(&token, work);
            let cancel = async {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                canceller.cancel();
                std::future::pending::<()>().await
            };
            tokio::select! {
                r = call => r,
                _ = cancel => unreachable!(),
            }
        });
        assert!(matches!(result, Err(HyperCheckoutError::Connection { .. })));
        assert_eq!(cancellable_calls_in_flight(), before);
    }
}
