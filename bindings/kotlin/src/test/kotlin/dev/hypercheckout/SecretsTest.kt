package dev.hypercheckout

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assumptions.assumeFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.PrintWriter
import java.io.StringWriter
import java.net.ServerSocket

/**
 * The canary-key test: a recognisable API key goes through every failure path the JVM can
 * observe, and no exception text (message, toString, stack trace, causes) ever contains it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsTest {
    private val canary = "CANARY-kt-5e1f0b7a-do-not-log"
    private val emulator = Emulator("--api-key", canary)
    private val servers = mutableListOf<Emulator>()

    private fun faulty(fault: String) = Emulator("--api-key", canary, "--fault", fault).also { servers += it }

    @AfterAll
    fun stop() {
        emulator.close()
        servers.forEach { it.close() }
    }

    private fun config(url: String, apiKey: String = canary) = ClientConfig(
        merchantId = Emulator.MERCHANT_ID,
        apiKey = apiKey,
        environment = Environment.SANDBOX,
        baseUrl = url,
        timeoutMs = 300uL,
        overallTimeoutMs = 2_000uL,
        maxRetries = 1u,
    )

    private fun assertNoCanary(error: Throwable, key: String = canary) {
        val trace = StringWriter().also { error.printStackTrace(PrintWriter(it)) }.toString()
        var texts = listOf(error.toString(), error.message.orEmpty(), error.localizedMessage.orEmpty(), trace)
        var cause = error.cause
        while (cause != null) {
            texts = texts + cause.toString()
            cause = cause.cause
        }
        if (error is HyperCheckoutException) {
            texts = texts + ConformanceTest.errorFields(error).values.map { it.toString() }
        }
        for (text in texts) assertFalse(text.contains(key), "the API key leaked: $text")
        // Nor any recognisable part of it.
        for (text in texts) assertFalse(text.contains("5e1f0b7a"), "part of the API key leaked: $text")
    }

    private fun failure(block: suspend () -> Unit): Throwable {
        val result = runCatching { runBlocking { block() } }
        return result.exceptionOrNull() ?: error("expected a failure")
    }

    @Test
    fun `the key works against the emulator configured with it`() {
        Client(config(emulator.url)).use { client ->
            val request = Emulator.request()
            assertEquals(request.orderId, client.createSessionBlocking(request).orderId)
        }
    }

    @Test
    fun `no error carries the key`() {
        val refused = "http://127.0.0.1:${ServerSocket(0).use { it.localPort }}"
        val errors = mutableListOf<Throwable>()
        // Authentication: a canary key the server does not know.
        Client(config(emulator.url, apiKey = "$canary-wrong")).use { client ->
            errors += failure { client.createSession(Emulator.request()) }
            errors += failure { client.createSessionBlocking(Emulator.request()) }
        }
        Client(config(emulator.url)).use { client ->
            errors += failure { client.createSession(Emulator.request(orderId = "bad order id!")) } // Validation
            val request = Emulator.request()
            client.createSessionBlocking(request)
            errors += failure { client.createSession(request.copy(amount = "2.00")) } // InvalidRequest
        }
        Client(config("${emulator.url}/nope")).use { client -> errors += failure { client.createSession(Emulator.request()) } }
        for (fault in listOf("hang", "500", "503;retry-after=0", "429;retry-after=0", "html", "malformed-json", "reset", "oversized")) {
            Client(config(faulty(fault).url)).use { client ->
                errors += failure { client.createSession(Emulator.request()) }
                errors += failure { client.createSessionBlocking(Emulator.request()) }
            }
        }
        Client(config(refused)).use { client -> errors += failure { client.createSessionBlocking(Emulator.request()) } }
        // Configuration errors with the key present, including one the key itself causes.
        errors += failure { Client(config("http://example.com")) }
        errors += failure { Client(config(emulator.url, apiKey = "$canary\n")) }
        errors += failure { Client(config(emulator.url).copy(timeoutMs = 0uL)) }

        val kinds = errors.map { it.javaClass.simpleName }.toSet()
        assertEquals(
            setOf("Authentication", "Validation", "InvalidRequest", "NotFound", "Timeout", "Server", "RateLimited",
                "UnexpectedResponse", "Connection", "Configuration"),
            kinds,
        )
        errors.forEach { assertNoCanary(it) }
        errors.filter { it.javaClass.simpleName == "Authentication" }.forEach { assertNoCanary(it, "$canary-wrong") }
    }

    /**
     * `ClientConfig` is a generated data class, whose default `toString` prints every field.
     * It is redacted once the core exports its (redacting) `Debug` to the bindings
     * (`#[uniffi::export(Debug)]` on `ClientConfig`); until then this test is skipped.
     */
    @Test
    fun `ClientConfig toString does not show the key`() {
        val text = config(emulator.url).toString()
        assumeFalse(text.startsWith("ClientConfig(merchantId="), "core does not export ClientConfig's Debug yet: data-class toString shows the key")
        assertFalse(text.contains(canary), text)
    }
}
