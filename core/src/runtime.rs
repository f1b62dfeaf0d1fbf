//! The tokio runtimes the clients run their I/O on, rebuilt after `fork()`: a shared one for
//! async calls, and one per calling thread for blocking calls.
//!
//! Merchant backends pre-fork (gunicorn, uwsgi, Passenger): a client built in the parent is
//! used in the children. A forked child has none of the parent's threads, so the parent's
//! runtime would never run a task again, and its connection pool's sockets are shared with
//! the parent. We therefore tag the runtime (and each client's pool, see `client.rs`) with
//! the process id and build fresh ones when it changes. The stale ones are leaked on
//! purpose: dropping a runtime joins worker threads that do not exist in the child.
//!
//! Async calls from the bindings run on that shared multi-threaded runtime (`run`): asyncio,
//! Kotlin coroutines and Swift tasks poll the call's future with no tokio runtime of their own.
//! A Rust call awaited inside a tokio task instead runs right in that task, on the caller's
//! runtime, with a connection pool per calling runtime (`RuntimePools`): spawning it onto the
//! shared runtime cost a wake-up of the caller's runtime per call (1.4 context switches per
//! call against reqwest's 0.35; perf put the caller's side of that hand-off at 19% of the
//! call's CPU, most of the gap to raw reqwest at 32 in flight). Blocking calls, which
//! Python's sync calls, Kotlin/Java's blocking calls and Swift's blocking calls all use, run on
//! the calling thread's own current-thread runtime with the calling thread's own connection
//! pool (`block_on`), one pool per client and thread. Why: on the shared runtime the request
//! future ran on the caller's thread but hyper's connection task on a runtime worker, so every
//! call bounced caller, worker, caller (6 voluntary context switches per call; 38% of the
//! calling thread's time in kernel switches, from perf). With everything on the calling
//! thread a blocking call cost 0.6x the CPU of the shared-runtime call in the same minutes
//! (BENCHMARKS.md has the figures). A pool's connections belong to the runtime that opened
//! them, hence a pool per thread.
//!
//! The details, each with a test in `tests/runtimes.rs` or the Python suite:
//! - A thread's first blocking call still goes through the shared runtime and pool: a thread
//!   made for one request (a thread-per-request server) would otherwise open, and throw
//!   away, a connection per request. From its second call on, a thread has its own.
//! - Fork: the thread that forks keeps its thread-locals in the child. They are tagged with
//!   the process id like the shared runtime; a child leaks what it inherited (never dropped,
//!   never used: the sockets are the parent's and the blocking-pool threads do not exist)
//!   and builds its own.
//! - A pool holds its client weakly. A dropped client's pool on a thread is discarded at that
//!   thread's next blocking call (any client's), whose first step closes the connections:
//!   nobody runs an idle thread's runtime, so not earlier. Everything a thread holds goes
//!   when the thread exits: the runtime is shut down in the background (never waiting for a
//!   getaddrinfo still running on its blocking pool, which finishes on its own), which drops
//!   its tasks and closes their sockets.
//! - Between calls nobody polls a thread's runtime, so a keep-alive connection the server
//!   closed meanwhile still looks open; each call first lets the runtime take in pending I/O
//!   readiness (`settle`), so such a connection leaves the pool before a request could be
//!   sent on it. An idle thread's closed connections keep their descriptor until its next
//!   blocking call or its exit.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Waker};

use crate::error::HyperCheckoutError;
use crate::exit;

/// This process's id, for the fork checks every call makes. `std::process::id()` is a
/// `getpid` system call each time (glibc stopped caching it): about 4 per asyncio call from
/// Python by strace, ~0.19 µs each on this machine kind (BENCHMARKS.md). So the id is kept in an atomic, and a `pthread_atfork` child handler clears it in every forked
/// child (before any code of the child runs), which then reads its own id on first use.
/// `vfork` and `posix_spawn` children run no handlers, but they only exec or exit. Where the
/// handler cannot be registered, every call asks the kernel as before; Windows has no fork.
pub(crate) fn process_id() -> u32 {
    let cached = PROCESS_ID.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    let pid = std::process::id();
    let registered = match FORK_HANDLER.load(Ordering::Acquire) {
        2 => true,
        0 if FORK_HANDLER
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .is_ok() =>
        {
            // Registered before the first store, so no child inherits a stored id unhandled.
            let ok = register_fork_handler();
            FORK_HANDLER.store(if ok { 2 } else { 3 }, Ordering::Release);
            ok
        }
        _ => false,
    };
    if registered {
        PROCESS_ID.store(pid, Ordering::Relaxed);
    }
    pid
}

/// `process_id`'s cache; 0 when unknown.
static PROCESS_ID: AtomicU32 = AtomicU32::new(0);
/// 0: no fork handler yet, 1: being registered, 2: registered, 3: could not be. An atomic,
/// not a `OnceLock`: a child forked while another thread registers would wait for that
/// thread forever; this way such a child only never caches.
static FORK_HANDLER: AtomicU8 = AtomicU8::new(0);

#[cfg(unix)]
fn register_fork_handler() -> bool {
    extern "C" fn forget_in_child() {
        PROCESS_ID.store(0, Ordering::Relaxed);
    }
    // SAFETY: the handler only stores to an atomic (async-signal-safe, as a child handler
    // must be) and lives as long as the process.
    unsafe { libc::pthread_atfork(None, None, Some(forget_in_child)) == 0 }
}

#[cfg(not(unix))]
fn register_fork_handler() -> bool {
    true // no fork: the id never changes
}

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
            slot: Mutex::new(Some((process_id(), value))),
        }
    }

    /// The current process's value, built by `make` on first use and after a fork.
    pub(crate) fn get_or_try_init<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let pid = process_id();
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

/// Runs an async call. Awaited inside a tokio task (a Rust caller), `work` runs right there,
/// in the caller's task, on a connection pool for the caller's runtime from `pools` (made by
/// `make_pool`): no hand-off between runtimes (see the module docs). Otherwise (asyncio,
/// Kotlin coroutines, Swift tasks: executors with no tokio task) `work` runs on the shared
/// runtime and this future awaits it from whatever executor polls it. Either way, dropping
/// this future, as a cancelled task does, cancels the work too, and a panic inside `work`
/// comes back as `Internal`, never unwinds into the caller. On the shared runtime the waker
/// its thread will call is guarded (`exit.rs`).
pub(crate) async fn run<T: Send + 'static>(
    pools: &RuntimePools,
    make_pool: impl FnOnce() -> Result<reqwest::Client, HyperCheckoutError>,
    work: impl Future<Output = Result<T, HyperCheckoutError>> + Send + 'static,
) -> Result<T, HyperCheckoutError> {
    if tokio::task::try_id().is_some() {
        // Inside a task, so its runtime is driving this future (a host executor is never
        // inside one). `try_current` cannot fail there.
        if let Ok(caller) = tokio::runtime::Handle::try_current() {
            let http = pools.checkout(caller.id(), make_pool)?;
            return in_caller_task(CALL_POOL.scope(http, work)).await;
        }
    }
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

/// Runs `work` to completion on the calling thread. Refuses, rather than deadlock or panic,
/// when called from inside an async runtime; `method` names the async alternative. A panic
/// inside `work` is returned as `Internal`.
///
/// A thread's first blocking call runs on the shared runtime with the client's shared pool
/// (the connection's I/O on a runtime thread). From its second on, the thread uses its own
/// current-thread runtime and its own pool for `owner` (made by `make_pool`), so the whole
/// exchange runs on the calling thread; see the module docs for why, and for fork, thread
/// exit and dropped clients. `work` finds the pool with [`call_pool`].
pub(crate) fn block_on<K, T, F>(
    method: &str,
    owner: &Arc<K>,
    make_pool: impl FnOnce() -> Result<reqwest::Client, HyperCheckoutError>,
    work: impl FnOnce() -> F,
) -> Result<T, HyperCheckoutError>
where
    K: Send + Sync + 'static,
    F: Future<Output = Result<T, HyperCheckoutError>>,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(HyperCheckoutError::Configuration {
            reason: format!(
                "{method}_blocking was called inside an async runtime; await {method} instead"
            ),
        });
    }
    catch_panic(|| {
        let own = match PER_THREAD.try_with(|local| local.borrow_mut().checkout(owner, make_pool)) {
            Ok(own) => own?,
            // This thread is exiting (a blocking call from another thread-local's
            // destructor): its own runtime is gone, so the shared one serves the call, as it
            // serves a thread's first.
            Err(_) => None,
        };
        match own {
            Some((runtime, http)) => runtime.block_on(CALL_POOL.scope(http, async {
                settle().await;
                work().await
            })),
            None => shared()?.block_on(work()),
        }
    })
}

tokio::task_local! {
    /// The pool of the call this future belongs to, when it is not the client's shared one:
    /// the calling thread's (a blocking call on its thread's own runtime) or the calling
    /// runtime's (an async call awaited inside a tokio task).
    static CALL_POOL: reqwest::Client;
}

/// The pool this call runs on when it is not the client's shared pool (see `CALL_POOL`);
/// `None` for async calls on the shared runtime and a thread's first blocking call.
pub(crate) fn call_pool() -> Option<reqwest::Client> {
    CALL_POOL.try_with(reqwest::Client::clone).ok()
}

/// A client's connection pools for async calls awaited inside tokio tasks, one per calling
/// runtime: a pool's connections belong to the runtime that opened them, and die with it
/// (reqwest's "dispatch task is gone" when a client outlives a runtime). The
/// `MAX_RUNTIME_POOLS` runtimes that called last keep theirs: a program that makes a runtime
/// per job (`#[tokio::test]`, a runtime per request) does not grow a pool per runtime.
pub(crate) struct RuntimePools {
    /// Most recently used first; tagged with the process, like everything here (fork).
    pools: Mutex<Vec<(u32, tokio::runtime::Id, reqwest::Client)>>,
}

const MAX_RUNTIME_POOLS: usize = 4;

impl RuntimePools {
    pub(crate) const fn new() -> Self {
        Self {
            pools: Mutex::new(Vec::new()),
        }
    }

    fn checkout(
        &self,
        runtime: tokio::runtime::Id,
        make_pool: impl FnOnce() -> Result<reqwest::Client, HyperCheckoutError>,
    ) -> Result<reqwest::Client, HyperCheckoutError> {
        let pid = process_id();
        let mut pools = self.pools.lock().unwrap_or_else(PoisonError::into_inner);
        if pools.iter().any(|(owner, _, _)| *owner != pid) {
            // Inherited through fork(): the connections are the parent's. Leaked, never used.
            std::mem::forget(std::mem::take(&mut *pools));
        }
        if let Some(at) = pools.iter().position(|(_, id, _)| *id == runtime) {
            let entry = pools.remove(at);
            let http = entry.2.clone();
            pools.insert(0, entry);
            return Ok(http);
        }
        let http = make_pool()?;
        pools.insert(0, (pid, runtime, http.clone()));
        let keep = pools.len().min(MAX_RUNTIME_POOLS);
        let evicted = pools.split_off(keep);
        drop(pools);
        // Outside the lock: dropping a pool closes its idle connections.
        drop(evicted);
        Ok(http)
    }
}

/// Polls an async call in the caller's own task: a panic inside it becomes `Internal`.
async fn in_caller_task<T>(
    work: impl Future<Output = Result<T, HyperCheckoutError>>,
) -> Result<T, HyperCheckoutError> {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.as_mut().poll(cx)))
            .unwrap_or_else(|payload| {
                let reason = panic_reason(payload);
                // tokio's words for a runtime built without `enable_io`/`enable_time`.
                std::task::Poll::Ready(Err(if reason.contains("is disabled") {
                    HyperCheckoutError::Configuration {
                        reason: format!(
                            "the calling tokio runtime cannot run network calls: build it \
                             with enable_all(), as #[tokio::main] does ({reason})"
                        ),
                    }
                } else {
                    HyperCheckoutError::Internal { reason }
                }))
            })
    })
    .await
}

/// Lets the thread's runtime take in the I/O readiness that arrived since its last call, and
/// run the connection tasks it woke, before the call checks a connection out of the pool.
///
/// Between blocking calls nobody polls this runtime, so a keep-alive connection the server
/// closed meanwhile still looks open; sent on, a POST would fail with "connection closed
/// before message completed", and a session call is not retried then (`retry.rs`). Checked
/// in tokio 1.54's current-thread scheduler (`CoreGuard::block_on`): `yield_now` defers its
/// waker, so with no task ready the scheduler calls `park_yield`, a driver park with a zero
/// timeout (one `epoll_wait(0)`), which wakes the tasks of closed connections; the second
/// yield lets them run (each sees the end of its stream and leaves the pool) before the call
/// goes on. Tested with a server that closes every connection 50-100 ms after its answer
/// (tests/runtimes.rs).
async fn settle() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

thread_local! {
    static PER_THREAD: RefCell<PerThread> = const {
        RefCell::new(PerThread {
            called_before: false,
            own: None,
        })
    };
}

/// What a thread keeps for its blocking calls.
struct PerThread {
    /// Whether this thread has made a blocking call already.
    called_before: bool,
    /// Its own runtime and pools, from its second blocking call on.
    own: Option<ThreadOwn>,
}

impl PerThread {
    /// The runtime and `owner`'s pool for this call, or `None` for the shared ones.
    fn checkout<K: Send + Sync + 'static>(
        &mut self,
        owner: &Arc<K>,
        make_pool: impl FnOnce() -> Result<reqwest::Client, HyperCheckoutError>,
    ) -> Result<Option<(Rc<tokio::runtime::Runtime>, reqwest::Client)>, HyperCheckoutError> {
        if !self.called_before {
            // A thread that makes one call and ends (a thread per request) would open a
            // connection for it and throw it away; the shared pool lets it reuse one.
            self.called_before = true;
            return Ok(None);
        }
        let pid = process_id();
        let own = match &mut self.own {
            Some(own) if own.pid == pid => own,
            slot => {
                // None, or inherited through fork(): the old one is leaked by its `Drop`.
                *slot = Some(ThreadOwn::new(pid)?);
                slot.as_mut().expect("just set")
            }
        };
        own.checkout(owner, make_pool).map(Some)
    }
}

/// A thread's own current-thread runtime and its connection pools, one per live client.
struct ThreadOwn {
    /// The process they belong to: a forked child leaks them (`Drop`).
    pid: u32,
    /// `Rc`: cloned out of the thread-local for the call, so no borrow is held while it runs.
    runtime: Option<Rc<tokio::runtime::Runtime>>,
    pools: Vec<ThreadPool>,
}

/// One client's connection pool on one thread. Holds the client weakly: a dropped client's
/// pool goes at this thread's next blocking call.
struct ThreadPool {
    owner: Weak<dyn Any + Send + Sync>,
    http: reqwest::Client,
}

impl ThreadOwn {
    fn new(pid: u32) -> Result<Self, HyperCheckoutError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            // Its blocking pool only resolves host names (getaddrinfo), when a connection opens.
            .thread_name("hypercheckout-dns")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| HyperCheckoutError::Internal {
                reason: format!("could not start this thread's I/O runtime: {e}"),
            })?;
        Ok(Self {
            pid,
            runtime: Some(Rc::new(runtime)),
            pools: Vec::new(),
        })
    }

    fn checkout<K: Send + Sync + 'static>(
        &mut self,
        owner: &Arc<K>,
        make_pool: impl FnOnce() -> Result<reqwest::Client, HyperCheckoutError>,
    ) -> Result<(Rc<tokio::runtime::Runtime>, reqwest::Client), HyperCheckoutError> {
        // Dropping a pool wakes its connections' tasks; they close their sockets while this
        // call's `settle` runs them.
        self.pools.retain(|pool| pool.owner.strong_count() > 0);
        let key = Arc::as_ptr(owner).cast::<()>();
        // The `Weak` keeps the client's allocation, so its address cannot be reused while
        // the entry exists.
        let http = match self
            .pools
            .iter()
            .find(|pool| pool.owner.as_ptr().cast::<()>() == key)
        {
            Some(pool) => pool.http.clone(),
            None => {
                let http = make_pool()?;
                let owner: Arc<dyn Any + Send + Sync> = Arc::clone(owner) as _;
                self.pools.push(ThreadPool {
                    owner: Arc::downgrade(&owner),
                    http: http.clone(),
                });
                http
            }
        };
        let runtime = self.runtime.clone().expect("present until dropped");
        Ok((runtime, http))
    }
}

impl Drop for ThreadOwn {
    /// Runs when the thread exits (or when a forked child replaces an inherited one). Never
    /// blocks: `shutdown_background` does not wait for the blocking pool (a getaddrinfo can
    /// hang for its whole timeout), and tokio's current-thread shutdown works while the
    /// thread's other thread-locals are being destroyed. Never panics out (that would abort).
    fn drop(&mut self) {
        let runtime = self.runtime.take();
        let pools = std::mem::take(&mut self.pools);
        if self.pid != process_id() {
            // Inherited through fork(): the sockets are the parent's, and the runtime's
            // blocking threads do not exist here. Leaked on purpose, never used.
            std::mem::forget(runtime);
            std::mem::forget(pools);
            return;
        }
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            drop(pools);
            // Dropping the runtime drops every task, closing their sockets.
            match runtime.map(Rc::try_unwrap) {
                Some(Ok(runtime)) => runtime.shutdown_background(),
                // Still in use (never, by construction): a plain drop could wait for
                // the blocking pool, so leak it instead.
                Some(Err(in_use)) => std::mem::forget(in_use),
                None => {}
            }
        }));
    }
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

    #[cfg(unix)]
    #[test]
    fn a_forked_child_sees_its_own_process_id() {
        let parent = process_id();
        assert_eq!(parent, std::process::id());
        assert_eq!(
            PROCESS_ID.load(Ordering::Relaxed),
            parent,
            "the id was not cached"
        );
        // SAFETY: the child only reads atomics, calls getpid and _exit (async-signal-safe).
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork failed");
        if child == 0 {
            let cleared = PROCESS_ID.load(Ordering::Relaxed) == 0;
            let right = process_id() == unsafe { libc::getpid() } as u32;
            unsafe { libc::_exit(if cleared && right { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: waits for the child forked above.
        assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "the child saw its parent's id (status {status})"
        );
        assert_eq!(process_id(), parent);
    }

    fn panic_probe(message: &str) -> Result<(), HyperCheckoutError> {
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok(())
    }

    #[test]
    fn panics_become_internal_errors() {
        let owner = Arc::new(());
        // The first on a thread (shared runtime), then the thread's own runtime.
        for _ in 0..2 {
            let blocking = block_on(
                "probe",
                &owner,
                || Ok(reqwest::Client::new()),
                || async { panic_probe("probe blocking") },
            );
            assert!(
                matches!(&blocking, Err(HyperCheckoutError::Internal { reason }) if reason.contains("probe blocking")),
                "{blocking:?}"
            );
        }
        let awaited = shared().unwrap().block_on(async {
            // Awaited from another runtime, as a host executor would.
            run(&RuntimePools::new(), || Ok(reqwest::Client::new()), async {
                panic_probe("probe async")
            })
            .await
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
