package dev.hypercheckout

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.io.PrintWriter
import java.io.StringWriter
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * Encrypted mode (docs/encryption.md): the jose-sealed vectors of `testdata/encryption.json`,
 * a session, order status and refund against the emulator's `/v4` endpoints, spoiled answers
 * refused as `NotAuthentic`, key checks, and no key material in any output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncryptionTest {
    private val file = File(System.getProperty("hypercheckout.testdata") ?: "../../testdata", "encryption.json")
    private val vectors: JsonNode = ObjectMapper().readTree(file)
    private val k = vectors["keys"]
    private val servers = mutableListOf<Emulator>()

    private fun keys(privatePem: String = k["merchant_private_key_pem"].asText()) = EncryptionKeys(
        merchantKeyId = k["merchant_key_id"].asText(),
        merchantPrivateKeyPem = privatePem,
        juspayKeyId = k["juspay_key_id"].asText(),
        juspayPublicKeyPem = k["juspay_public_key_pem"].asText(),
    )

    private fun emulator(vararg extra: String) =
        Emulator("--encryption-keys", file.path, *extra).also { servers += it }

    private fun config(url: String, encryption: EncryptionKeys = keys()) = ClientConfig(
        merchantId = Emulator.MERCHANT_ID,
        apiKey = "",
        environment = Environment.SANDBOX,
        baseUrl = url,
        encryption = encryption,
    )

    @AfterAll
    fun stop() = servers.forEach { it.close() }

    @TestFactory
    fun answers(): List<DynamicTest> = vectors["answers"].map { case ->
        dynamicTest(case["name"].asText()) {
            for (key in listOf(keys(), keys(k["merchant_private_key_pkcs1_pem"].asText()))) {
                if (case["expect"].asText() == "ok") {
                    assertEquals(case["plaintext"].asText(), decryptEncryptedAnswer(key, case["body"].asText()))
                } else {
                    assertThrows<HyperCheckoutException.NotAuthentic> { decryptEncryptedAnswer(key, case["body"].asText()) }
                }
            }
        }
    }

    @TestFactory
    fun webhooks(): List<DynamicTest> = vectors["webhooks"].map { case ->
        dynamicTest(case["name"].asText()) {
            if (case["expect"].asText() == "ok") {
                val event = parseEncryptedWebhook(keys(), case["body"].asText())
                assertEquals(case["event_name"].asText(), event.eventName.wireName())
                assertEquals(case["order_id"].asText(), event.order?.orderId)
            } else {
                assertThrows<HyperCheckoutException.NotAuthentic> { parseEncryptedWebhook(keys(), case["body"].asText()) }
            }
        }
    }

    private fun withField(field: String, value: String): EncryptionKeys = when (field) {
        "merchant_key_id" -> keys().copy(merchantKeyId = value)
        "merchant_private_key_pem" -> keys().copy(merchantPrivateKeyPem = value)
        "juspay_key_id" -> keys().copy(juspayKeyId = value)
        else -> keys().copy(juspayPublicKeyPem = value)
    }

    @TestFactory
    fun configErrors(): List<DynamicTest> = vectors["config_errors"].map { case ->
        dynamicTest(case["name"].asText()) {
            val bad = withField(case["field"].asText(), case["value"].asText())
            val e = assertThrows<HyperCheckoutException.Configuration> { Client(config("http://127.0.0.1:9", bad)) }
            assertTrue(e.reason.contains(case["reason_contains"].asText()), e.reason)
        }
    }

    private fun pay(url: String, id: String) {
        val answer = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(
            HttpRequest.newBuilder(URI.create("$url/orders/$id/pay"))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("outcome=success")).build(),
            HttpResponse.BodyHandlers.discarding(),
        )
        assertTrue(answer.statusCode() in 200..399, "pay: ${answer.statusCode()}")
    }

    @Test
    fun `session, order status and refund in encrypted mode`() {
        val emu = emulator()
        Client(config(emu.url)).use { client ->
            val request = Emulator.request(orderId = Emulator.orderId("kenc"))
            val session = runBlocking { client.createSession(request) }
            assertEquals(OrderState.New, client.getOrderStatusBlocking(session.orderId, session.routingId).status)
            pay(emu.url, session.id)
            assertEquals(OrderState.Charged, runBlocking { client.getOrderStatus(session.orderId, session.routingId) }.status)
            val refunded = client.createRefundBlocking(
                RefundRequest(orderId = session.orderId, uniqueRequestId = "rf-kt-enc", routingId = session.routingId, amount = "1.00"),
            )
            assertEquals(listOf("rf-kt-enc"), refunded.refunds.map { it.uniqueRequestId })
        }
        // Java's builder sets the same.
        val built = ClientConfigBuilder(Emulator.MERCHANT_ID, "", Environment.SANDBOX).baseUrl(emu.url).encryption(keys()).build()
        HyperCheckoutClient(built).use { it.createSession(Emulator.request(orderId = Emulator.orderId("kjav"))) }
        assertEquals(keys(), ClientConfigBuilder(built).build().encryption)
    }

    @Test
    fun `spoiled answers are refused and not retried`() {
        for (tamper in listOf("tag", "payload", "header", "kid", "signature", "alg-none", "wrong-key", "plain")) {
            val emu = emulator("--tamper", tamper)
            Client(config(emu.url)).use { client ->
                val request = Emulator.request(orderId = Emulator.orderId("ktmp"), customerId = "cust-$tamper")
                val e = assertThrows<HyperCheckoutException.NotAuthentic>(tamper) { client.createSessionBlocking(request) }
                assertTrue(e.reason.contains("HTTP 200"), e.reason)
                assertEquals(HyperCheckoutErrors.reason(e), e.reason)
                assertEquals(null, HyperCheckoutErrors.httpStatus(e))
                assertEquals(1, emu.count("cust-$tamper"), "$tamper: retried")
            }
        }
    }

    @Test
    fun `no key material in any output`() {
        val emu = emulator()
        val texts = mutableListOf<String>()
        val config = config(emu.url)
        texts += listOf(config.toString(), keys().toString(), "$config")
        Client(config).use { client ->
            texts += client.toString()
            texts += client.createSessionBlocking(Emulator.request(orderId = Emulator.orderId("kcan"))).toString()
        }
        HyperCheckoutClient(config).use { texts += it.toString() }
        val errors = mutableListOf<Throwable>()
        for (tamper in listOf("tag", "signature", "plain")) {
            val bad = emulator("--tamper", tamper)
            errors += runCatching { Client(config(bad.url)).use { it.createSessionBlocking(Emulator.request()) } }.exceptionOrNull()!!
        }
        for (case in vectors["config_errors"]) {
            errors += runCatching { Client(config(emu.url, withField(case["field"].asText(), case["value"].asText()))) }.exceptionOrNull()!!
        }
        for (case in vectors["webhooks"]) {
            runCatching { parseEncryptedWebhook(keys(), case["body"].asText()) }.exceptionOrNull()?.let { errors += it }
        }
        for (e in errors) {
            texts += e.toString()
            texts += e.message.orEmpty()
            texts += StringWriter().also { e.printStackTrace(PrintWriter(it)) }.toString()
            if (e is HyperCheckoutException) texts += ConformanceTest.errorFields(e).values.map { it.toString() }
        }
        val secrets = listOf("merchant_private_key_pem", "merchant_private_key_pkcs1_pem", "juspay_private_key_pem", "juspay_public_key_pem")
            .flatMap { k[it].asText().lines() }
            .filter { !it.startsWith("-----") && it.length > 20 }
        assertTrue(secrets.size > 40)
        for (text in texts) {
            for (secret in secrets) assertFalse(text.contains(secret), "key material in: ${text.take(300)}")
            assertFalse(text.contains("KEY-----\n"), "a PEM in: ${text.take(300)}")
        }
    }
}
