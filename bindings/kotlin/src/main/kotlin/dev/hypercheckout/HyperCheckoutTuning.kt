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
     * [Client.createSession] coroutines. By default JNA attaches such a native thread for each
     * callback and detaches it afterwards (a new `java.lang.Thread` every time); keeping them
     * attached (as daemon threads, detached when they exit) roughly doubled coroutine
     * throughput in `benchmarks/kotlin.md`. The blocking API does not need it.
     * [HyperCheckoutClient] (the Java API) does this itself; Kotlin code that uses the
     * generated [Client] calls it once at start-up (it also installs [HyperCheckoutExit] and
     * [HyperCheckoutObservability]).
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
