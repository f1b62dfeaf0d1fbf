package dev.hypercheckout

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.slf4j.LoggerFactory
import java.time.Duration
import java.util.Base64
import java.util.Collections

/**
 * The SDK's records through SLF4J (logger `hypercheckout`) and request events for metrics
 * (`HyperCheckoutObservability.kt`, `docs/observability.md`): a retried call's attempt, wait
 * and answer are DEBUG records without the key, e-mail or phone; every attempt is an event; a
 * slow or throwing listener never slows or breaks a call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {
    private val canary = "CANARY-kt-obs-3c9d41e8"
    private val email = "canary.observe.kt@example.com"
    private val phone = "9999000055"
    private val emulator = Emulator("--api-key", canary)
    private val logger = LoggerFactory.getLogger(HyperCheckoutObservability.LOGGER_NAME) as Logger
    private val appender = ListAppender<ILoggingEvent>()

    private fun client(maxRetries: UInt = 2u) = Client(
        ClientConfig(
            merchantId = Emulator.MERCHANT_ID,
            apiKey = canary,
            environment = Environment.SANDBOX,
            baseUrl = emulator.url,
            maxRetries = maxRetries,
        ),
    )

    private fun request(fault: String, prefix: String = "ko") = Emulator.orderId(prefix).let { id ->
        Emulator.request(orderId = id, customerId = "cust-$id")
            .copy(customerEmail = email, customerPhone = phone, extraFields = mapOf("emulator_fault" to fault))
    }

    @BeforeEach
    fun capture() {
        HyperCheckoutObservability.install()
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        appender.list.clear()
        appender.start()
        logger.addAppender(appender)
        logger.level = Level.DEBUG
        HyperCheckoutObservability.refreshLogLevel()
    }

    @AfterEach
    fun restore() {
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        HyperCheckoutObservability.clearRequestListener()
        logger.detachAppender(appender)
        logger.level = Level.OFF
        HyperCheckoutObservability.refreshLogLevel()
    }

    @AfterAll
    fun stop() = emulator.close()

    private fun records(): List<ILoggingEvent> {
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        return synchronized(appender.list) { appender.list.toList() }
    }

    private fun fields(e: ILoggingEvent): Map<String, String> =
        e.keyValuePairs.orEmpty().associate { it.key to it.value.toString() }

    private fun find(records: List<ILoggingEvent>, message: String, attempt: String): ILoggingEvent =
        records.firstOrNull { it.formattedMessage.startsWith(message) && fields(it)["attempt"] == attempt }
            ?: error("no '$message' record for attempt $attempt in ${records.map { it.formattedMessage }}")

    private fun assertNoCanary(records: List<ILoggingEvent>) {
        val encoded = Base64.getEncoder().encodeToString("$canary:".toByteArray())
        for (record in records) {
            val text = record.formattedMessage + " " + fields(record) + " " + record.mdcPropertyMap
            for (secret in listOf(canary, encoded, email, phone)) assertFalse(text.contains(secret), "$secret in $text")
        }
    }

    @Test
    fun `the backend is SLF4J when it is on the classpath`() {
        assertEquals("slf4j", HyperCheckoutObservability.backend())
    }

    @Test
    fun `a retried call is logged at DEBUG, without secrets`() {
        val session = client().createSessionBlocking(request("429;times=1;retry-after=0"))
        val records = records().filter { it.loggerName == "hypercheckout" }
        val sending = find(records, "sending", "1")
        assertEquals(Level.DEBUG, sending.level)
        assertEquals("create_session", fields(sending)["operation"])
        assertEquals("429", fields(find(records, "answer", "1"))["http_status"])
        val retrying = find(records, "retrying", "1")
        assertEquals(Level.DEBUG, retrying.level)
        assertTrue(retrying.formattedMessage.contains("wait_ms=0"), retrying.formattedMessage)
        assertEquals("rate_limited", fields(retrying)["reason"])
        val answer = fields(find(records, "answer", "2"))
        assertEquals("200", answer["http_status"])
        assertTrue(!answer["request_id"].isNullOrEmpty() && answer.containsKey("latency_ms"), "$answer")
        assertTrue(records.any { it.level == Level.INFO && it.formattedMessage.contains(session.orderId) })
        assertNoCanary(records)
        // Delivered on the SDK's thread, not the caller's.
        assertTrue(records.none { it.threadName == Thread.currentThread().name })
    }

    @Test
    fun `a suspend call is logged too, and a failure is a WARN`() = runBlocking {
        client().createSession(request("503;times=1;retry-after=0"))
        val failed = runCatching { client(maxRetries = 0u).createSession(request("503;retry-after=0")) }
        assertTrue(failed.exceptionOrNull() is HyperCheckoutException.Server, "$failed")
        val records = records()
        assertEquals("server", fields(find(records, "retrying", "1"))["reason"])
        val warning = records.single { it.formattedMessage.startsWith("call failed") }
        assertEquals(Level.WARN, warning.level)
        assertEquals("503", fields(warning)["http_status"])
        assertNoCanary(records)
    }

    @Test
    fun `below the level no record is made`() {
        logger.level = Level.WARN
        HyperCheckoutObservability.refreshLogLevel()
        val before = HyperCheckoutObservability.stats().getValue("logsDelivered")
        client().createSessionBlocking(request("429;times=1;retry-after=0"))
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        assertEquals(before, HyperCheckoutObservability.stats().getValue("logsDelivered"))
    }

    @Test
    fun `a listener sees every attempt`() {
        val events = Collections.synchronizedList(mutableListOf<HyperCheckoutRequestEvent>())
        HyperCheckoutObservability.setRequestListener { events += it }
        val client = client()
        val session = client.createSessionBlocking(request("503;times=2;retry-after=0"))
        client.getOrderStatusBlocking(session.orderId, session.routingId)
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        assertEquals(listOf(1, 2, 3, 1), events.map { it.attempt })
        assertEquals(listOf(503, 503, 200, 200), events.map { it.httpStatus })
        assertEquals(listOf(true, true, false, false), events.map { it.willRetry })
        assertEquals(listOf("server", "server", null, null), events.map { it.errorKind })
        assertEquals(Duration.ZERO, events[0].retryWait)
        assertNull(events[2].retryWait)
        assertEquals("/orders/{order_id}", events[3].path)
        assertEquals("GET", events[3].method)
        assertTrue(events.all { it.requestId != null && !it.latency.isNegative && !it.latency.isZero })
    }

    @Test
    fun `a slow listener does not slow the call`() {
        val slow = java.util.concurrent.atomic.AtomicBoolean(true)
        val seen = Collections.synchronizedList(mutableListOf<Int>())
        val client = client()
        client.createSessionBlocking(request("none")) // warm: connection open
        // An event queued before the listener changes goes to the new one: none may be pending.
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        HyperCheckoutObservability.setRequestListener {
            if (slow.get()) Thread.sleep(1_000)
            seen += it.attempt
        }
        val started = System.nanoTime()
        repeat(3) { client.createSessionBlocking(request("none")) }
        val elapsed = Duration.ofNanos(System.nanoTime() - started)
        // On the request path the listener would add 3 s.
        assertTrue(elapsed < Duration.ofMillis(900), "$elapsed")
        slow.set(false)
        assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)))
        assertEquals(3, seen.size)
    }

    @Test
    fun `a throwing listener is logged and the call succeeds`() {
        HyperCheckoutObservability.setRequestListener { throw IllegalStateException("listener bug") }
        val session = client().createSessionBlocking(request("none"))
        assertNotNull(session.paymentLink)
        val warning = records().first { it.formattedMessage.contains("request listener threw") }
        assertEquals(Level.WARN, warning.level)
        assertEquals("listener bug", warning.throwableProxy?.message)
    }
}
