package dev.hypercheckout

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.TimeoutCancellationException
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import java.net.ServerSocket
import kotlin.time.Duration.Companion.milliseconds

/** The client against the emulator: success, every error kind, retries, timeouts, cancellation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private val emulator = Emulator()
    private val faulty = mutableMapOf<String, Emulator>()

    /** An emulator that applies [fault] to every request (`--fault`), started once per spec. */
    private fun faulty(fault: String): Emulator =
        synchronized(faulty) { faulty.getOrPut(fault) { Emulator("--fault", fault) } }

    @AfterAll
    fun stop() {
        emulator.close()
        faulty.values.forEach { it.close() }
    }

    private fun config(
        url: String,
        apiKey: String = Emulator.API_KEY,
        maxRetries: UInt = 0u,
        timeoutMs: ULong = 10_000uL,
        overallTimeoutMs: ULong = 20_000uL,
    ) = ClientConfig(
        merchantId = Emulator.MERCHANT_ID,
        apiKey = apiKey,
        environment = Environment.SANDBOX,
        baseUrl = url,
        timeoutMs = timeoutMs,
        overallTimeoutMs = overallTimeoutMs,
        maxRetries = maxRetries,
        appName = "kotlin-tests",
        appVersion = "1",
    )

    private fun client(url: String = emulator.url, maxRetries: UInt = 0u) = Client(config(url, maxRetries = maxRetries))

    private fun assertSession(request: SessionRequest, session: Session) {
        assertEquals("NEW", session.status)
        assertTrue(session.id.startsWith("ordeh_"), session.id)
        assertEquals(request.orderId, session.orderId)
        assertEquals(routingId(request), session.routingId, "the session keeps its x-routing-id")
        assertTrue(session.paymentLink.startsWith(emulator.url.substringBefore("://")), session.paymentLink)
        assertEquals("in.juspay.hyperpay", session.sdkPayload.service)
        val payload = session.sdkPayload.payload
        assertEquals(request.orderId, payload.orderId)
        assertEquals(request.amount, payload.amount)
        assertEquals(request.customerId, payload.customerId)
        assertEquals(request.paymentPageClientId, payload.clientId)
        assertEquals(Emulator.MERCHANT_ID, payload.merchantId)
        assertEquals(request.customerEmail, payload.customerEmail)
        assertTrue(payload.clientAuthToken!!.startsWith("tkn_"))
        // The raw payload is kept byte for byte, including keys the typed view does not model.
        assertTrue(session.sdkPayloadJson.contains("\"options.getUpiDeepLinks\""), session.sdkPayloadJson)
    }

    @Test
    fun `creates a session with the suspend API`() = runBlocking {
        client().use { client ->
            val request = Emulator.request()
            assertSession(request, client.createSession(request))
            assertEquals(1, emulator.count(routingId(request)))
        }
    }

    @Test
    fun `creates a session with the blocking API`() {
        client().use { client ->
            val request = Emulator.request(customerId = "", orderId = Emulator.orderId("guest"))
            assertSession(request, client.createSessionBlocking(request))
            // Guest checkout routes by order id.
            assertEquals(request.orderId, routingId(request))
            assertEquals(1, emulator.count(request.orderId))
        }
    }

    @Test
    fun `a repeated order with the same amount gets the same order id`() {
        client().use { client ->
            val request = Emulator.request()
            val first = client.createSessionBlocking(request)
            val second = client.createSessionBlocking(request)
            assertEquals(first.id, second.id)
        }
    }

    @Test
    fun `validation errors are raised before anything is sent`() = runBlocking {
        client().use { client ->
            val request = Emulator.request(orderId = "not valid!", amount = "1.234").copy(routingId = "kt-validation")
            val error = assertThrows<HyperCheckoutException.Validation> { client.createSession(request) }
            val fields = error.violations.map { it.field }.toSet()
            assertTrue("order_id" in fields && "amount" in fields, error.violations.toString())
            error.violations.forEach { assertTrue(it.code.isNotEmpty() && it.message.isNotEmpty()) }
            assertEquals(validate(request), error.violations)
            assertThrows<HyperCheckoutException.Validation> { client.createSessionBlocking(request) }
            assertEquals(0, emulator.count("kt-validation"))
        }
    }

    @Test
    fun `a wrong api key is an Authentication error with Juspay's fields`() {
        Client(config(emulator.url, apiKey = "wrong_key")).use { client ->
            val error = assertThrows<HyperCheckoutException.Authentication> { client.createSessionBlocking(Emulator.request()) }
            assertEquals(401, error.httpStatus.toInt())
            assertEquals("access_denied", error.errorCode)
            assertNotNull(error.errorMessage)
            assertNotNull(error.requestId, "x-request-id header")
            assertEquals(401, HyperCheckoutJava.httpStatus(error))
        }
    }

    @Test
    fun `a duplicate order with another amount is an InvalidRequest`() = runBlocking {
        client().use { client ->
            val request = Emulator.request()
            client.createSession(request)
            val error = assertThrows<HyperCheckoutException.InvalidRequest> {
                client.createSession(request.copy(amount = "99.00"))
            }
            assertEquals(400, error.httpStatus.toInt())
            assertEquals("duplicate.call", error.errorCode)
            assertNotNull(error.status)
            assertNotNull(error.userMessage)
            assertEquals(32, error.requestId?.length, "error_info.request_id")
        }
    }

    @Test
    fun `an unknown path is NotFound`() {
        client("${emulator.url}/no-such-prefix").use { client ->
            val error = assertThrows<HyperCheckoutException.NotFound> { client.createSessionBlocking(Emulator.request()) }
            assertEquals(404, error.httpStatus.toInt())
            assertEquals("not_found", error.errorCode)
        }
    }

    @ParameterizedTest
    @ValueSource(ints = [500, 502, 503, 504])
    fun `5xx answers are Server errors`(status: Int) {
        val emu = faulty("$status")
        client(emu.url).use { client ->
            val request = Emulator.request()
            val error = assertThrows<HyperCheckoutException.Server> { client.createSessionBlocking(request) }
            assertEquals(status, error.httpStatus.toInt())
            assertEquals("error", error.status)
            assertNotNull(error.errorCode)
            assertNotNull(error.requestId)
            assertEquals(1, emu.count(routingId(request)), "maxRetries = 0 sends once")
        }
    }

    @Test
    fun `retryable answers are retried up to maxRetries`() {
        val emu = faulty("503;retry-after=0")
        client(emu.url, maxRetries = 2u).use { client ->
            val request = Emulator.request(customerId = "cust-retry-all")
            assertThrows<HyperCheckoutException.Server> { client.createSessionBlocking(request) }
            assertEquals(3, emu.count("cust-retry-all"))
        }
    }

    @Test
    fun `a transient failure is retried into a session`() = runBlocking {
        val emu = faulty("502;times=2;retry-after=0")
        client(emu.url, maxRetries = 2u).use { client ->
            val request = Emulator.request(customerId = "cust-retry-ok")
            val session = client.createSession(request)
            assertEquals(request.orderId, session.orderId)
            assertEquals(3, emu.count("cust-retry-ok"))
        }
    }

    @Test
    fun `a per-request fault (extraFields emulator_fault) on the shared emulator`() = runBlocking {
        client(maxRetries = 1u).use { client ->
            val request = Emulator.request(customerId = "cust-body-fault")
                .copy(extraFields = mapOf("emulator_fault" to "503;times=1;retry-after=0"))
            assertEquals(request.orderId, client.createSession(request).orderId)
            assertEquals(2, emulator.count("cust-body-fault"))
            val hang = Emulator.request(customerId = "cust-body-hang").copy(extraFields = mapOf("emulator_fault" to "hang"))
            Client(config(emulator.url, timeoutMs = 300uL)).use { fast ->
                assertThrows<HyperCheckoutException.Timeout> { fast.createSession(hang) }
            }
        }
        Unit // JUnit ignores @Test methods that return a value
    }

    @Test
    fun `500 is not retried`() {
        val emu = faulty("500")
        client(emu.url, maxRetries = 2u).use { client ->
            val request = Emulator.request(customerId = "cust-no-retry")
            assertThrows<HyperCheckoutException.Server> { client.createSessionBlocking(request) }
            assertEquals(1, emu.count("cust-no-retry"))
        }
    }

    @Test
    fun `429 is RateLimited with Retry-After`() {
        client(faulty("429;retry-after=7").url).use { client ->
            val error = assertThrows<HyperCheckoutException.RateLimited> { client.createSessionBlocking(Emulator.request()) }
            assertEquals(429, error.httpStatus.toInt())
            assertEquals("request.exceeded", error.errorCode)
            assertEquals(7uL, error.retryAfterSeconds)
            assertEquals(7L, HyperCheckoutJava.retryAfterSeconds(error))
        }
    }

    @Test
    fun `an HTML error page is an UnexpectedResponse`() {
        client(faulty("html").url).use { client ->
            val error = assertThrows<HyperCheckoutException.UnexpectedResponse> { client.createSessionBlocking(Emulator.request()) }
            assertEquals(502, error.httpStatus.toInt())
            assertTrue(error.bodyExcerpt.contains("<"), error.bodyExcerpt)
            assertTrue(error.reason.isNotEmpty())
        }
    }

    @Test
    fun `malformed JSON is an UnexpectedResponse`() = runBlocking {
        client(faulty("malformed-json").url).use { client ->
            val error = assertThrows<HyperCheckoutException.UnexpectedResponse> { client.createSession(Emulator.request()) }
            assertEquals(200, error.httpStatus.toInt())
            assertTrue(error.bodyExcerpt.length <= 512)
        }
    }

    @Test
    fun `an oversized answer is refused`() {
        client(faulty("oversized").url).use { client ->
            val error = assertThrows<HyperCheckoutException.UnexpectedResponse> { client.createSessionBlocking(Emulator.request()) }
            assertTrue(error.reason.contains("larger"), error.reason)
            assertTrue(error.bodyExcerpt.length <= 512)
        }
    }

    @Test
    fun `a connection reset mid-answer is a Connection error`() {
        client(faulty("reset").url).use { client ->
            val error = assertThrows<HyperCheckoutException.Connection> { client.createSessionBlocking(Emulator.request()) }
            assertTrue(error.reason.isNotEmpty())
        }
    }

    @Test
    fun `a refused connection is a Connection error`() {
        val port = ServerSocket(0).use { it.localPort }
        client("http://127.0.0.1:$port", maxRetries = 1u).use { client ->
            val error = assertThrows<HyperCheckoutException.Connection> { client.createSessionBlocking(Emulator.request()) }
            assertTrue(error.reason.contains("not sent"), error.reason)
        }
    }

    @Test
    fun `bad configuration is a Configuration error`() {
        val cases = listOf(
            config(emulator.url).copy(merchantId = ""),
            config(emulator.url).copy(apiKey = " "),
            config(emulator.url).copy(timeoutMs = 0uL),
            config("http://example.com"), // plain http only for loopback
            config("not a url"),
        )
        for (config in cases) {
            val error = assertThrows<HyperCheckoutException.Configuration> { Client(config) }
            assertTrue(error.reason.isNotEmpty())
            assertNull(HyperCheckoutJava.httpStatus(error))
        }
    }

    @Test
    fun `a hanging server times out per attempt (blocking)`() {
        Client(config(faulty("hang").url, timeoutMs = 300uL, overallTimeoutMs = 5_000uL)).use { client ->
            val started = System.nanoTime()
            val error = assertThrows<HyperCheckoutException.Timeout> { client.createSessionBlocking(Emulator.request()) }
            val elapsedMs = (System.nanoTime() - started) / 1_000_000
            assertTrue(elapsedMs in 250..3_000, "took $elapsedMs ms")
            assertTrue(error.reason.contains("300 ms"), error.reason)
        }
    }

    @Test
    fun `a hanging server times out overall (suspend)`() = runBlocking {
        Client(config(faulty("hang").url, timeoutMs = 10_000uL, overallTimeoutMs = 400uL)).use { client ->
            val started = System.nanoTime()
            val error = assertThrows<HyperCheckoutException.Timeout> { client.createSession(Emulator.request()) }
            val elapsedMs = (System.nanoTime() - started) / 1_000_000
            assertTrue(elapsedMs in 350..3_000, "took $elapsedMs ms")
            assertTrue(error.reason.contains("overall limit 400 ms"), error.reason)
        }
    }

    @Test
    fun `cancelling the coroutine cancels the call and the client stays usable`() = runBlocking {
        val hang = faulty("hang")
        Client(config(hang.url)).use { client ->
            val started = System.nanoTime()
            assertThrows<TimeoutCancellationException> {
                withTimeout(200.milliseconds) { client.createSession(Emulator.request()) }
            }
            assertTrue((System.nanoTime() - started) / 1_000_000 < 3_000)
        }
        client().use { client ->
            val request = Emulator.request()
            assertSession(request, client.createSession(request))
        }
    }

    @Test
    fun `a slow answer within the limits succeeds`() {
        client(faulty("delay;ms=300").url).use { client ->
            val request = Emulator.request()
            assertEquals(request.orderId, client.createSessionBlocking(request).orderId)
        }
    }

    @Test
    fun `close is idempotent and the client is AutoCloseable`() {
        val client: AutoCloseable = client()
        client.close()
        client.close()
    }

    @Test
    fun `top-level helpers`() {
        val request = Emulator.request()
        assertEquals(emptyList<Violation>(), validate(request))
        val json = sessionRequestToJson(request)
        assertEquals(request, parseSessionRequest(json).copy(action = request.action))
        assertEquals(request.customerId, routingId(request))
        // The jar's version follows the Rust workspace's (bump both together).
        assertEquals(System.getProperty("hypercheckout.pomVersion") ?: "0.1.0", sdkVersion())
    }
}
