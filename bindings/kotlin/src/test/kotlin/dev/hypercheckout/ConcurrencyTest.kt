package dev.hypercheckout

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** One client shared by many coroutines and threads: every call gets its own, correct session. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyTest {
    private val emulator = Emulator()
    private val client = Client(
        ClientConfig(
            merchantId = Emulator.MERCHANT_ID,
            apiKey = Emulator.API_KEY,
            environment = Environment.SANDBOX,
            baseUrl = emulator.url,
        ),
    )

    @AfterAll
    fun stop() {
        client.close()
        emulator.close()
    }

    @Test
    fun `50 concurrent coroutines share one client`() = runBlocking {
        val requests = (1..50).map { Emulator.request(orderId = Emulator.orderId("co"), customerId = "cust-coroutines", amount = "$it.00") }
        val sessions = requests.map { request -> async(Dispatchers.Default) { client.createSession(request) } }.awaitAll()
        for ((request, session) in requests.zip(sessions)) {
            assertEquals(request.orderId, session.orderId)
            assertEquals(request.amount, session.sdkPayload.payload.amount)
        }
        assertEquals(50, sessions.map { it.id }.toSet().size)
        assertEquals(50, emulator.count("cust-coroutines"))
    }

    @Test
    fun `8 threads share one client with the blocking API`() {
        val threads = 8
        val perThread = 10
        val pool = Executors.newFixedThreadPool(threads)
        val start = CountDownLatch(1)
        val ids = Collections.synchronizedSet(mutableSetOf<String>())
        try {
            val futures = (0 until threads).map { t ->
                pool.submit<Unit> {
                    start.await()
                    repeat(perThread) { i ->
                        val request = Emulator.request(orderId = Emulator.orderId("th"), customerId = "cust-threads", amount = "${t + 1}.$i")
                        val session = client.createSessionBlocking(request)
                        assertEquals(request.orderId, session.orderId)
                        ids += session.id
                    }
                }
            }
            start.countDown()
            futures.forEach { it.get(60, TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }
        assertEquals(threads * perThread, ids.size)
        assertEquals(threads * perThread, emulator.count("cust-threads"))
    }

    @Test
    fun `coroutines and blocking threads at the same time`() {
        val pool = Executors.newFixedThreadPool(4)
        try {
            val blocking = (0 until 4).map {
                pool.submit<String> { client.createSessionBlocking(Emulator.request(orderId = Emulator.orderId("mix"))).id }
            }
            val suspended = runBlocking {
                (0 until 20).map { async(Dispatchers.IO) { client.createSession(Emulator.request(orderId = Emulator.orderId("mix"))).id } }.awaitAll()
            }
            assertEquals(24, (blocking.map { it.get(60, TimeUnit.SECONDS) } + suspended).toSet().size)
        } finally {
            pool.shutdownNow()
        }
    }
}

/**
 * The optional tuning changes nothing but speed: the coroutine path still works after it.
 * Runs last (it is process-wide), so the other classes test the default path.
 */
@org.junit.jupiter.api.Order(Int.MAX_VALUE)
class TuningTest {
    @org.junit.jupiter.api.Test
    fun `coroutines work with callback threads kept attached`() {
        HyperCheckoutTuning.keepCallbackThreadsAttached()
        HyperCheckoutTuning.keepCallbackThreadsAttached()
        Emulator().use { emulator ->
            Client(ClientConfig(Emulator.MERCHANT_ID, Emulator.API_KEY, Environment.SANDBOX, emulator.url)).use { client ->
                val ids = runBlocking {
                    (1..20).map { async(Dispatchers.Default) { client.createSession(Emulator.request(orderId = Emulator.orderId("tune"))).id } }.awaitAll()
                }
                assertEquals(20, ids.toSet().size)
            }
        }
    }
}
