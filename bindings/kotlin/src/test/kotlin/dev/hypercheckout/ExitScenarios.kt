package dev.hypercheckout

import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlin.system.exitProcess

/**
 * A JVM that exits while coroutine calls are in flight (issue 11, item 1), started as a separate
 * process many times by [ExitTest]. Usage: `ExitScenarios SCENARIO EMULATOR_URL [hook|no-hook]`.
 *
 * Every scenario keeps [LOOPS] coroutines calling `createSession` back to back, so that Rust
 * threads are resuming coroutines through JNA callbacks at the moment the JVM exits, then exits
 * in its own way with [SCENARIOS]' exit code. `no-hook` uses only the generated API (no
 * [HyperCheckoutExit.install]): the JVM as it was before the shutdown hook.
 */
object ExitScenarios {
    /** Scenario name -> the exit code the process must end with. */
    val SCENARIOS = mapOf(
        "end-of-main" to 0, // main returns with calls in flight (the coroutine threads are daemons)
        "exit-in-flight" to 3, // System.exit from main with calls in flight
        "exit-in-callback" to 4, // System.exit inside the JNA callback (Dispatchers.Unconfined: on the Rust thread)
        "exit-in-coroutine" to 5, // System.exit from a coroutine just resumed on Dispatchers.Default
        "exit-tuned" to 6, // keepCallbackThreadsAttached, then System.exit with calls in flight
        "exit-blocking" to 7, // blocking calls on daemon threads and coroutines, System.exit from main
    )

    private const val LOOPS = 16
    private const val WARMUP = 40

    private fun request(orderId: String) = SessionRequest(
        orderId = orderId,
        amount = "1.00",
        customerId = "cust-exit",
        paymentPageClientId = "hdfcmaster",
        customerEmail = "test@mail.com",
        customerPhone = "9876543210",
        returnUrl = "https://shop.merchant.com/return",
    )

    @JvmStatic
    fun main(args: Array<String>) {
        val scenario = args[0]
        val url = args[1]
        val hook = args.getOrElse(2) { "hook" } == "hook"
        val code = SCENARIOS[scenario] ?: error("unknown scenario $scenario")
        if (hook) HyperCheckoutExit.install()
        if (scenario == "exit-tuned") {
            if (hook) {
                HyperCheckoutTuning.keepCallbackThreadsAttached()
            } else {
                // What keepCallbackThreadsAttached does, without the thin layer's hook.
                Native.setCallbackThreadInitializer(
                    uniffiRustFutureContinuationCallbackImpl,
                    CallbackThreadInitializer(true, false, "hypercheckout-callback"),
                )
            }
        }
        val client = Client(
            ClientConfig(
                merchantId = Emulator.MERCHANT_ID,
                apiKey = Emulator.API_KEY,
                environment = Environment.SANDBOX,
                baseUrl = url,
                maxRetries = 0u,
            ),
        )
        val completed = AtomicInteger()
        val exitFromCall = scenario == "exit-in-callback" || scenario == "exit-in-coroutine"
        val dispatcher = if (scenario == "exit-in-callback") Dispatchers.Unconfined else Dispatchers.Default
        val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        val tag = java.lang.Long.toString(ProcessHandle.current().pid(), 36)
        repeat(LOOPS) { loop ->
            scope.launch(dispatcher) {
                val request = request("exit-$tag-$loop")
                while (true) {
                    try {
                        client.createSession(request)
                    } catch (e: HyperCheckoutException) {
                        // After prepareForExit new calls are refused at once; keep going.
                    }
                    if (completed.incrementAndGet() == WARMUP && exitFromCall) {
                        System.exit(code)
                    }
                }
            }
        }
        if (scenario == "exit-blocking") {
            repeat(2) { loop ->
                thread(isDaemon = true, name = "blocking-$loop") {
                    val request = request("exitb-$tag-$loop")
                    while (true) {
                        try {
                            client.createSessionBlocking(request)
                        } catch (e: HyperCheckoutException) {
                            // as above
                        }
                    }
                }
            }
        }
        while (completed.get() < WARMUP) Thread.sleep(1)
        when (scenario) {
            "end-of-main" -> return
            "exit-in-callback", "exit-in-coroutine" -> Thread.sleep(60_000) // the call exits
            else -> exitProcess(code)
        }
    }
}
