package dev.hypercheckout

import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native

/** Optional JVM-side tuning of the native binding. Nothing here changes behaviour. */
object HyperCheckoutTuning {
    init {
        HyperCheckoutExit.install()
        HyperCheckoutObservability.install()
    }

    @Volatile
    private var attached = false

    /**
     * Keeps the Rust runtime's threads attached to the JVM between the callbacks that resume
     * [Client.createSession] coroutines, through JNA. Since the core attaches those threads
     * itself (as daemon threads named `hypercheckout-callback`, detached when they exit;
     * `core/src/jvm.rs`) this changes nothing on Linux and macOS; it remains for Windows,
     * where the core does not look the JVM up and JNA would otherwise attach and detach a
     * thread per completion (`benchmarks/kotlin.md`: 62-66% of OkHttp's coroutine throughput
     * that way, 107-113% attached). [HyperCheckoutClient] (the Java API) calls it itself.
     * It also installs [HyperCheckoutExit] and [HyperCheckoutObservability].
     *
     * Idempotent; call it once at start-up, before the first `createSession`.
     */
    @JvmStatic
    @Synchronized
    fun keepCallbackThreadsAttached() {
        if (attached) return
        Native.setCallbackThreadInitializer(
            uniffiRustFutureContinuationCallbackImpl,
            CallbackThreadInitializer(true, false, "hypercheckout-callback"),
        )
        attached = true
    }

    /** Whether [keepCallbackThreadsAttached] has run in this JVM. */
    @JvmStatic
    val callbackThreadsKeptAttached: Boolean
        get() = attached
}
