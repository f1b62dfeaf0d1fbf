package dev.hypercheckout

import java.time.Duration
import java.util.Base64
import java.util.Collections
import java.util.logging.Handler
import java.util.logging.Level
import java.util.logging.LogRecord
import java.util.logging.Logger
import kotlin.system.exitProcess

/**
 * A JVM without SLF4J on its classpath, started by [SystemLoggerFallbackTest]: the SDK's records
 * must then reach `java.lang.System.Logger` (here the JDK's default, `java.util.logging`), and a
 * retried call's attempt, wait and answer must be there without the key, the Authorization
 * header, or the customer's e-mail or phone. Usage: `SystemLoggerScenario EMULATOR_URL API_KEY`.
 * Prints `ok: ...` and exits 0, or prints what is wrong and exits 1.
 */
object SystemLoggerScenario {
    private const val EMAIL = "canary.jul.kt@example.com"
    private const val PHONE = "9999000066"

    // JUL holds loggers weakly: without this reference the level and handler could vanish.
    private val jul: Logger = Logger.getLogger(HyperCheckoutObservability.LOGGER_NAME)
    private val records: MutableList<LogRecord> = Collections.synchronizedList(mutableListOf())

    private fun fail(message: String): Nothing {
        println("FAIL: $message")
        System.out.flush()
        exitProcess(1)
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val (url, key) = args
        val slf4jVisible = runCatching { Class.forName("org.slf4j.LoggerFactory") }.isSuccess
        if (slf4jVisible) fail("org.slf4j.LoggerFactory is on this JVM's classpath")

        // As an application configures java.util.logging: DEBUG is FINE.
        jul.level = Level.FINE
        jul.useParentHandlers = false
        jul.addHandler(object : Handler() {
            override fun publish(record: LogRecord) {
                records += record
            }
            override fun flush() {}
            override fun close() {}
        })
        HyperCheckoutObservability.install()
        if (HyperCheckoutObservability.backend() != "System.Logger") {
            fail("backend is ${HyperCheckoutObservability.backend()}, not System.Logger")
        }
        val attempts = Collections.synchronizedList(mutableListOf<Int>())
        HyperCheckoutObservability.setRequestListener { attempts += it.attempt }

        val client = Client(
            ClientConfig(
                merchantId = Emulator.MERCHANT_ID,
                apiKey = key,
                environment = Environment.SANDBOX,
                baseUrl = url,
                maxRetries = 2u,
            ),
        )
        val id = Emulator.orderId("kj")
        val session = client.createSessionBlocking(
            Emulator.request(orderId = id, customerId = "cust-$id").copy(
                customerEmail = EMAIL,
                customerPhone = PHONE,
                extraFields = mapOf("emulator_fault" to "429;times=1;retry-after=0"),
            ),
        )
        if (!HyperCheckoutObservability.flush(Duration.ofSeconds(10))) fail("flush timed out")
        val seen = synchronized(records) { records.toList() }
        val texts = seen.map { "${it.level} ${it.message}" }

        fun find(prefix: String, vararg parts: String): LogRecord =
            seen.firstOrNull { r -> r.message.startsWith(prefix) && parts.all { r.message.contains(it) } }
                ?: fail("no '$prefix' record with ${parts.toList()} in $texts")
        for (record in listOf(
            find("sending", "attempt=1", "operation=create_session"),
            find("answer", "attempt=1", "http_status=429"),
            find("retrying", "attempt=1", "reason=rate_limited", "wait_ms=0"),
            find("sending", "attempt=2"),
        )) {
            if (record.level != Level.FINE) fail("'${record.message}' is ${record.level}, not FINE (DEBUG)")
        }
        val answer = find("answer", "attempt=2", "http_status=200", "latency_ms=")
        if (!Regex("""request_id=\S+""").containsMatchIn(answer.message)) fail("no request id in '${answer.message}'")
        if (seen.none { it.level == Level.INFO && it.message.contains(session.orderId) }) {
            fail("no INFO record names the order in $texts")
        }
        val basic = Base64.getEncoder().encodeToString("$key:".toByteArray())
        for (text in texts) {
            for (secret in listOf(key, basic, EMAIL, PHONE)) {
                if (text.contains(secret)) fail("'$secret' in the record '$text'")
            }
            if (text.contains("authorization", ignoreCase = true)) fail("an Authorization header in '$text'")
        }
        if (attempts.toList() != listOf(1, 2)) fail("the listener saw attempts $attempts, not [1, 2]")
        println("ok: ${seen.size} records through System.Logger, attempts $attempts")
        System.out.flush()
        exitProcess(0)
    }
}
