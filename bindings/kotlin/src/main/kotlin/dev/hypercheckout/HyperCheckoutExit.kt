package dev.hypercheckout

import java.util.concurrent.atomic.AtomicBoolean

/**
 * Exiting the JVM while `suspend` calls are in flight (issue 11, item 1; `core/src/exit.rs`).
 *
 * A coroutine call ([Client.createSession], [Client.getOrderStatus]) completes on a Rust
 * runtime thread, which calls into the JVM through a JNA callback to resume the coroutine.
 * Once `System.exit` (or the end of `main`) has started the JVM's shutdown, such a call can
 * find the JVM half torn down. The shutdown hook registered here calls [prepareForExit] first
 * thing in the shutdown sequence: from then on no Rust thread enters the JVM, the callbacks
 * already inside it are waited for (at most two seconds), and calls still in flight simply
 * never complete, which is what a process that is ending wants.
 *
 * The thin layer registers the hook itself the first time any of its entry points is used
 * ([HyperCheckoutJava], [HyperCheckoutTuning]); code that uses only the generated API
 * (`Client(config)`, `createSession`, ...) calls [install] once at start-up, e.g. in `main`.
 * Idempotent and cheap.
 */
object HyperCheckoutExit {
    private val installed = AtomicBoolean(false)

    /**
     * Loads the native library (if not yet loaded) and registers, once per JVM, the shutdown
     * hook that calls [prepareForExit]. Returns whether this call registered it.
     */
    @JvmStatic
    fun install(): Boolean {
        if (!installed.compareAndSet(false, true)) return false
        // Load the library now, so the hook never loads it during shutdown.
        sdkVersion()
        val hook = Thread({ prepareForExit() }, "hypercheckout-prepare-for-exit")
        return try {
            Runtime.getRuntime().addShutdownHook(hook)
            true
        } catch (e: IllegalStateException) {
            // The JVM is already shutting down: do now what the hook would have done.
            prepareForExit()
            true
        }
    }

    /** Whether [install] has registered the hook in this JVM. */
    @JvmStatic
    fun isInstalled(): Boolean = installed.get()
}
