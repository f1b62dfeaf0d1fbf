//! SDK threads that call into a JVM stay attached to it (issue 17: Kotlin coroutines at
//! OkHttp's speed by default).
//!
//! A Kotlin `suspend` call (and the Java API's `CompletableFuture`s) completes when a runtime
//! thread wakes it: uniffi's waker calls the continuation callback, a JNA callback, on that
//! thread (`exit.rs`). For a native thread the JVM does not track, JNA attaches the thread
//! for the callback and detaches it afterwards: a new `java.lang.Thread` per completion, which
//! held 50 coroutines to 62-66% of OkHttp's throughput (`benchmarks/kotlin.md`). JNA does that
//! only for threads the VM does not track already (JNA's `CallbackThreadInitializer` docs:
//! "When a JNA callback is invoked on a native thread that is not currently tracked by the
//! VM ..."; `native/dispatch.c` checks `GetEnv` first and leaves an attached thread attached).
//! So, before an SDK thread first enters host code, it attaches itself to the process's JVM
//! once, as a daemon thread (it never keeps the JVM alive) under its Rust name
//! (`hypercheckout-io`, `hypercheckout-logs`, ...), and detaches when it exits.
//! This is what the Kotlin layer's opt-in `HyperCheckoutTuning.keepCallbackThreadsAttached()`
//! asked JNA to do, now the default for every JVM user without any call.
//!
//! The JVM is found with `JNI_GetCreatedJavaVMs`, looked up in the symbols the process has
//! loaded (the `java` launcher loads `libjvm` globally). No JVM (Python, Swift, Rust, an
//! embedder that loaded it locally): nothing happens and JNA attaches per callback as before.
//! Windows: not looked up (`dlsym` is POSIX); JNA's per-callback attach, or the opt-in.
//! While the process is exiting (`exit::prepare_for_exit`) no thread attaches or detaches:
//! the JVM may be half torn down, and daemon threads need neither at the end of a process.

/// Makes sure the calling SDK thread is attached to the process's JVM, if there is one.
/// Cheap after a thread's first call (a thread-local read).
pub(crate) fn attach_current_thread() {
    #[cfg(unix)]
    unix::attach_current_thread();
}

#[cfg(unix)]
mod unix {
    use std::cell::RefCell;
    use std::ffi::{c_void, CStr, CString};
    use std::sync::OnceLock;

    use jni_sys::{jint, jsize, JavaVM, JavaVMAttachArgs, JNI_OK, JNI_VERSION_1_6};

    /// The JVM's name for an attached SDK thread without a Rust name (the SDK names its
    /// threads: `hypercheckout-io`, `hypercheckout-logs`, ...; a JVM thread dump and a log
    /// pattern's thread name show those).
    const UNNAMED_THREAD: &CStr = c"hypercheckout";

    /// The process's JVM (its address: a `JavaVM*` is valid on every thread for the JVM's
    /// lifetime), or `None` when there is none. Looked up once.
    fn process_jvm() -> Option<usize> {
        static JVM: OnceLock<Option<usize>> = OnceLock::new();
        *JVM.get_or_init(|| {
            type GetCreatedJavaVMs =
                unsafe extern "system" fn(*mut *mut JavaVM, jsize, *mut jsize) -> jint;
            // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only reads the loaded
            // symbol tables.
            let symbol =
                unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"JNI_GetCreatedJavaVMs".as_ptr()) };
            if symbol.is_null() {
                return None;
            }
            // SAFETY: the symbol is the JNI invocation API's function of this signature (jni.h).
            let get_created: GetCreatedJavaVMs = unsafe { std::mem::transmute(symbol) };
            let mut vm: *mut JavaVM = std::ptr::null_mut();
            let mut count: jsize = 0;
            // SAFETY: a buffer of one JavaVM* and a count, as jni.h specifies.
            let status = unsafe { get_created(&mut vm, 1, &mut count) };
            (status == JNI_OK && count > 0 && !vm.is_null()).then_some(vm as usize)
        })
    }

    /// What this thread knows about its JVM attachment; dropped when the thread exits.
    enum Attachment {
        Unknown,
        /// No JVM in the process, the attach failed, or a thread the JVM tracked already (a
        /// Java thread that woke its own future): nothing to undo.
        NotOurs,
        /// Attached by us, to this JVM: detached when the thread exits.
        Attached(usize),
    }

    impl Drop for Attachment {
        fn drop(&mut self) {
            if let Attachment::Attached(address) = *self {
                if !crate::exit::is_exiting() {
                    let vm = address as *mut JavaVM;
                    // SAFETY: `vm` is the live JVM this thread attached itself to; a thread
                    // detaches itself, once, as it exits.
                    unsafe { ((**vm).v1_1.DetachCurrentThread)(vm) };
                }
            }
        }
    }

    thread_local! {
        static ATTACHMENT: RefCell<Attachment> = const { RefCell::new(Attachment::Unknown) };
    }

    pub(super) fn attach_current_thread() {
        // `try_with`: a wake from another thread-local's destructor may find ours gone; JNA's
        // per-callback attach still works then.
        let _ = ATTACHMENT.try_with(|attachment| {
            let Ok(mut attachment) = attachment.try_borrow_mut() else {
                return;
            };
            if matches!(*attachment, Attachment::Unknown) && !crate::exit::is_exiting() {
                *attachment = match process_jvm() {
                    None => Attachment::NotOurs,
                    Some(address) => attach(address),
                };
            }
        });
    }

    fn attach(address: usize) -> Attachment {
        let vm = address as *mut JavaVM;
        let mut env: *mut c_void = std::ptr::null_mut();
        // SAFETY: `vm` is the process's live JVM (JNI 1.6 at least: JDK 6 and later); GetEnv
        // and AttachCurrentThreadAsDaemon take the out-pointer and arguments jni.h specifies.
        unsafe {
            let interface = &**vm;
            if (interface.v1_2.GetEnv)(vm, &mut env, JNI_VERSION_1_6) == JNI_OK {
                return Attachment::NotOurs;
            }
            // catch_unwind: `thread::current` may panic in a thread's TLS teardown.
            let name = std::panic::catch_unwind(|| {
                std::thread::current()
                    .name()
                    .and_then(|name| CString::new(name).ok())
            })
            .ok()
            .flatten();
            let mut args = JavaVMAttachArgs {
                version: JNI_VERSION_1_6,
                // Copied by the JVM into the new java.lang.Thread.
                name: name
                    .as_deref()
                    .unwrap_or(UNNAMED_THREAD)
                    .as_ptr()
                    .cast_mut(),
                group: std::ptr::null_mut(),
            };
            let args: *mut JavaVMAttachArgs = &mut args;
            if (interface.v1_4.AttachCurrentThreadAsDaemon)(vm, &mut env, args.cast()) == JNI_OK {
                Attachment::Attached(address)
            } else {
                Attachment::NotOurs
            }
        }
    }
}
