package dev.hypercheckout

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.lang.management.ManagementFactory
import java.util.concurrent.TimeUnit

/**
 * Coroutine calls on the generated API keep the Rust threads that resume them attached to the
 * JVM, with no opt-in (`core/src/jvm.rs`; issue 17), as daemon threads under the runtime's
 * thread name. Without it JNA attaches and detaches the Rust thread for every completion: a
 * new `java.lang.Thread` per call.
 *
 * Runs [CallbackThreadsScenario] in a fresh JVM, because any test in this JVM may have called
 * `HyperCheckoutTuning.keepCallbackThreadsAttached()`, which has the same effect through JNA.
 */
class CallbackThreadsTest {
    @Test
    fun `coroutine completions do not start a JVM thread per call`() {
        Emulator().use { emulator ->
            val java = File(System.getProperty("java.home"), "bin/java").path
            val process = ProcessBuilder(
                java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CallbackThreadsScenario::class.java.name, emulator.url,
            ).redirectErrorStream(true).start()
            val output = process.inputStream.bufferedReader().readText()
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "scenario hung: $output")
            assertEquals(0, process.exitValue(), output)
            val figures = output.lines().filter { '=' in it }.associate {
                it.substringBefore('=') to it.substringAfter('=').trim()
            }
            val calls = figures.getValue("calls").toInt()
            val started = figures.getValue("threadsStarted").toInt()
            // A handful of runtime threads attach once each; per-call attaching starts `calls`.
            assertTrue(started < calls / 10, "$started JVM threads started for $calls calls:\n$output")
            assertEquals("true", figures["callbackThreadsAreDaemons"], output)
            assertTrue(figures.getValue("callbackThreads").toInt() >= 1, output)
            assertEquals("false", figures["optedIn"], output)
            println(output.trim())
        }
    }
}

/** `CallbackThreadsScenario EMULATOR_URL`: the generated API alone, no tuning call. */
object CallbackThreadsScenario {
    private const val CALLS = 400

    @JvmStatic
    fun main(args: Array<String>) {
        val client = Client(
            ClientConfig(
                merchantId = Emulator.MERCHANT_ID,
                apiKey = Emulator.API_KEY,
                environment = Environment.SANDBOX,
                baseUrl = args[0],
            ),
        )
        fun request(i: Int) = SessionRequest(
            orderId = "cbthreads-$i-${ProcessHandle.current().pid()}",
            amount = "1.00",
            customerId = "cust-threads",
            paymentPageClientId = "hdfcmaster",
            returnUrl = "https://shop.merchant.com/return",
        )
        runBlocking { client.createSession(request(-1)) } // load and warm up
        val threads = ManagementFactory.getThreadMXBean()
        val before = threads.totalStartedThreadCount
        runBlocking(Dispatchers.Default) {
            (0 until CALLS).chunked(8).forEach { chunk ->
                chunk.map { async { client.createSession(request(it)) } }.awaitAll()
            }
        }
        val started = threads.totalStartedThreadCount - before
        val callbackThreads = Thread.getAllStackTraces().keys.filter { it.name == "hypercheckout-io" }
        println("calls=$CALLS")
        println("threadsStarted=$started")
        println("callbackThreads=${callbackThreads.size}")
        println("callbackThreadsAreDaemons=${callbackThreads.all { it.isDaemon }}")
        println("optedIn=${HyperCheckoutTuning.callbackThreadsKeptAttached}")
        client.close()
    }
}
