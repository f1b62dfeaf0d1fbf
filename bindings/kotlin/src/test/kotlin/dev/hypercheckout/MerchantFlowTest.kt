package dev.hypercheckout

import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.InetSocketAddress
import java.net.URI
import java.net.URLDecoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * The merchant's flow after the session (docs/merchant-flow.md) against the emulator: pay on
 * the emulator's payment page, verify the signed redirect (not followed: its target is the
 * merchant's https return_url), ask the Order Status API, and decide with `checkPayment`.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MerchantFlowTest {
    private val emulator = Emulator()

    @AfterAll
    fun stop() = emulator.close()

    private fun client(url: String = emulator.url) = Client(
        ClientConfig(
            merchantId = Emulator.MERCHANT_ID,
            apiKey = Emulator.API_KEY,
            environment = Environment.SANDBOX,
            baseUrl = url,
            timeoutMs = 10_000uL,
            overallTimeoutMs = 20_000uL,
            maxRetries = 0u,
        ),
    )

    /** The browser's part: POST the payment page's form and return the 302's Location. */
    private fun pay(url: String, session: Session, outcome: String): String {
        val response = browser.send(
            HttpRequest.newBuilder(URI.create("$url/orders/${session.id}/pay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("outcome=$outcome"))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(302, response.statusCode(), "pay answered ${response.statusCode()}: ${response.body()}")
        return response.headers().firstValue("location").orElseThrow { AssertionError("302 without Location") }
    }

    /** The decoded query parameters, as a web framework hands them over. */
    private fun params(location: String): Map<String, String> {
        val query = URI.create(location).rawQuery ?: error("no query in $location")
        val pairs = query.split('&').filter { it.isNotEmpty() }.map {
            val (k, v) = if ('=' in it) it.substringBefore('=') to it.substringAfter('=') else it to ""
            URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
        }
        val map = pairs.toMap()
        assertEquals(pairs.size, map.size, "repeated parameter in $location")
        return map
    }

    @Test
    fun successfulPaymentIsPaidForThisAmount() {
        client().use { client ->
            val request = Emulator.request(orderId = Emulator.orderId("ktflow"), amount = "10.00")
            val session = client.createSessionBlocking(request)
            // The session carries the x-routing-id it was created with; order-status calls send it.
            val routing = session.routingId
            assertEquals(routingId(request), routing)
            assertTrue(session.paymentLink.endsWith("/orders/${session.id}/payment-page"), session.paymentLink)

            val location = pay(emulator.url, session, "success")
            assertTrue(location.startsWith("https://shop.merchant.com/return?"), location)

            // 1. The redirect is signed with the response key.
            assertEquals(SignatureVerdict.VALID, verifyReturnUrlSignatureFromQuery(location, RESPONSE_KEY))
            assertEquals(SignatureVerdict.VALID, verifyReturnUrlSignatureFromQuery(URI.create(location).rawQuery, RESPONSE_KEY))
            val params = params(location)
            assertEquals(request.orderId, params["order_id"])
            assertEquals("CHARGED", params["status"])
            assertEquals("21", params["status_id"])
            assertEquals("HMAC-SHA256", params["signature_algorithm"])
            assertEquals(SignatureVerdict.VALID, verifyReturnUrlSignature(params, RESPONSE_KEY))

            // Tampered, re-keyed, stripped: never Valid.
            assertEquals(SignatureVerdict.INVALID, verifyReturnUrlSignature(params + ("order_id" to "other-order"), RESPONSE_KEY))
            assertEquals(SignatureVerdict.INVALID, verifyReturnUrlSignature(params + ("status_id" to "20"), RESPONSE_KEY))
            assertEquals(SignatureVerdict.INVALID, verifyReturnUrlSignature(params + ("extra" to "1"), RESPONSE_KEY))
            assertEquals(SignatureVerdict.INVALID, verifyReturnUrlSignature(params, "another_response_key"))
            assertEquals(SignatureVerdict.INVALID, verifyReturnUrlSignatureFromQuery(location.replace("status_id=21", "status_id=22"), RESPONSE_KEY))
            assertEquals(SignatureVerdict.MISSING_SIGNATURE, verifyReturnUrlSignature(params - "signature", RESPONSE_KEY))
            assertEquals(SignatureVerdict.UNSUPPORTED_ALGORITHM, verifyReturnUrlSignature(params - "signature_algorithm", RESPONSE_KEY))

            // 2. The Order Status API, suspend and blocking, with the session's routing id.
            val order = runBlocking { client.getOrderStatus(request.orderId, routing) }
            val blocking = client.getOrderStatusBlocking(request.orderId, routing)
            for (o in listOf(order, blocking)) {
                assertEquals(OrderState.Charged, o.status)
                assertEquals("CHARGED", o.status.wireName())
                assertEquals(21L, o.statusId)
                assertEquals(request.orderId, o.orderId)
                assertEquals(session.id, o.id)
                assertTrue(amountsEqual("10.00", o.amount ?: "missing"), "amount ${o.amount}")
                assertEquals("INR", o.currency)
                assertEquals(request.customerId, o.customerId)
                assertTrue(o.rawJson.contains("\"txn_detail\""), "a paid order carries txn_detail")
            }
            assertTrue(emulator.count(routing) >= 3, "session + 2 order status calls under $routing")

            // 3. The decision.
            assertEquals(PaymentVerdict.Paid, checkPayment(params, RESPONSE_KEY, order, request.orderId, "10.00", "INR"))
            assertEquals(PaymentVerdict.Paid, checkPayment(params, RESPONSE_KEY, order, request.orderId, "10", null))
            assertEquals(PaymentVerdict.Paid, checkOrderPayment(order, request.orderId, "10.00", "INR"))
            assertEquals(PaymentVerdict.Paid, checkOrderPayment(order, request.orderId, "10.00"))
            val wrongAmount = checkPayment(params, RESPONSE_KEY, order, request.orderId, "100.00", "INR")
            assertTrue(wrongAmount is PaymentVerdict.AmountMismatch, "$wrongAmount")
            wrongAmount as PaymentVerdict.AmountMismatch
            assertEquals("100.00", wrongAmount.expectedAmount)
            assertTrue(amountsEqual("10.00", wrongAmount.chargedAmount ?: "missing"))
            assertTrue(checkPayment(params, RESPONSE_KEY, order, request.orderId, "10.00", "USD") is PaymentVerdict.CurrencyMismatch)
            assertEquals(
                PaymentVerdict.BadSignature(SignatureVerdict.INVALID),
                checkPayment(params + ("status" to "CHARGED "), RESPONSE_KEY, order, request.orderId, "10.00", "INR"),
            )
            assertTrue(checkPayment(params, RESPONSE_KEY, order, "another-order", "10.00", "INR") is PaymentVerdict.OrderIdMismatch)
        }
    }

    @Test
    fun failedPaymentIsNotCharged() {
        client().use { client ->
            val request = Emulator.request(orderId = Emulator.orderId("ktfail"), amount = "25.50")
            val session = client.createSessionBlocking(request)
            val location = pay(emulator.url, session, "failure")
            val params = params(location)
            assertEquals(SignatureVerdict.VALID, verifyReturnUrlSignature(params, RESPONSE_KEY))
            assertEquals("AUTHORIZATION_FAILED", params["status"])

            val order = runBlocking { client.getOrderStatus(request.orderId, session.routingId) }
            assertEquals(OrderState.AuthorizationFailed, order.status)
            assertEquals(27L, order.statusId)
            assertEquals(
                PaymentVerdict.NotCharged(OrderState.AuthorizationFailed),
                checkPayment(params, RESPONSE_KEY, order, request.orderId, "25.50", "INR"),
            )
        }
    }

    @Test
    fun unknownOrderIsNotFound() {
        client().use { client ->
            val missing = Emulator.orderId("ktnone")
            val e = assertThrows<HyperCheckoutException.NotFound> {
                runBlocking { client.getOrderStatus(missing, "cust-kotlin") }
            }
            // Juspay answers an unknown order with a 400 whose status is NOT_FOUND (the strict
            // emulator with the documented 404): NotFound either way.
            assertTrue(e.httpStatus.toInt() in setOf(400, 404), "${e.httpStatus}")
            assertTrue(e.bodyExcerpt.isNotEmpty(), "the body is kept")
            val blocking = assertThrows<HyperCheckoutException.NotFound> { client.getOrderStatusBlocking(missing, "cust-kotlin") }
            assertEquals(e.httpStatus, blocking.httpStatus)
        }
    }

    /** Every documented status (set with the emulator's test aid) reads back as its own variant. */
    @Test
    fun everyDocumentedStatusReadsBack() {
        client().use { client ->
            val request = Emulator.request(orderId = Emulator.orderId("ktstat"))
            val session = client.createSessionBlocking(request)
            val routing = session.routingId
            for ((name, id) in DOCUMENTED) {
                setStatus(session, name)
                val order = client.getOrderStatusBlocking(request.orderId, routing)
                assertEquals(name, order.status.wireName())
                assertTrue(order.status !is OrderState.Unknown, "$name is documented")
                assertEquals(id, order.statusId, name)
                val verdict = checkPayment(emptyMap(), RESPONSE_KEY, order, request.orderId, "10.00", "INR")
                assertEquals(PaymentVerdict.BadSignature(SignatureVerdict.MISSING_SIGNATURE), verdict, "no redirect, no payment")
            }
            setStatus(session, "PARTIAL_CHARGED;37")
            val partial = runBlocking { client.getOrderStatus(request.orderId, routing) }
            assertEquals(OrderState.PartialCharged, partial.status)
            assertEquals("PARTIAL_CHARGED", partial.status.wireName())
            assertEquals(37L, partial.statusId)
            assertTrue(
                checkOrderPayment(partial, request.orderId, "10.00") is PaymentVerdict.PartiallyCharged,
                "PARTIAL_CHARGED is its own verdict, not paid",
            )
            setStatus(session, "SOME_NEW_STATE;99")
            val order = runBlocking { client.getOrderStatus(request.orderId, routing) }
            assertEquals(OrderState.Unknown("SOME_NEW_STATE"), order.status)
            assertEquals("SOME_NEW_STATE", order.status.wireName())
            assertEquals(99L, order.statusId)
        }
    }

    private fun setStatus(session: Session, status: String) {
        val response = browser.send(
            HttpRequest.newBuilder(URI.create("${emulator.url}/__emulator/orders/${session.id}/status"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("status=" + java.net.URLEncoder.encode(status, Charsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, response.statusCode(), "set status $status: ${response.body()}")
    }

    /** The emulator's webhook after a payment: Basic auth checked, body parsed. */
    @Test
    fun webhookAfterPayment() {
        val received = LinkedBlockingQueue<Pair<String, String>>()
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/hooks") { exchange ->
            val auth = exchange.requestHeaders.getFirst("Authorization") ?: ""
            val body = exchange.requestBody.readAllBytes().toString(Charsets.UTF_8)
            received.add(auth to body)
            exchange.sendResponseHeaders(200, -1)
            exchange.close()
        }
        server.start()
        try {
            Emulator(
                "--webhook-url", "http://127.0.0.1:${server.address.port}/hooks",
                "--webhook-username", "hook_user", "--webhook-password", "hook:secret",
            ).use { hooked ->
                client(hooked.url).use { client ->
                    val request = Emulator.request(orderId = Emulator.orderId("kthook"), amount = "42.00")
                    val session = client.createSessionBlocking(request)
                    pay(hooked.url, session, "success")
                    val (auth, body) = received.poll(20, TimeUnit.SECONDS) ?: error("no webhook within 20 s")
                    assertTrue(verifyWebhookAuth(auth, "hook_user", "hook:secret"))
                    assertTrue(!verifyWebhookAuth(auth, "hook_user", "hook:other"))
                    assertTrue(!verifyWebhookAuth("", "hook_user", "hook:secret"))
                    val event = parseWebhook(body)
                    assertEquals(WebhookEventName.OrderSucceeded, event.eventName)
                    assertEquals(body, event.rawJson)
                    val order = event.order ?: error("ORDER_SUCCEEDED without an order")
                    assertEquals(request.orderId, order.orderId)
                    assertEquals(OrderState.Charged, order.status)
                    assertTrue(amountsEqual("42", order.amount ?: "missing"), "amount ${order.amount}")
                    assertNotEquals("", event.id)
                }
            }
        } finally {
            server.stop(0)
        }
    }

    companion object {
        const val RESPONSE_KEY = "emulator_response_key"

        private val browser: HttpClient = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build()

        private val DOCUMENTED = listOf(
            "NEW" to 10L, "STARTED" to 20L, "CHARGED" to 21L, "JUSPAY_DECLINED" to 22L,
            "PENDING_VBV" to 23L, "VBV_SUCCESSFUL" to 24L, "AUTHORIZED" to 25L,
            "AUTHENTICATION_FAILED" to 26L, "AUTHORIZATION_FAILED" to 27L, "AUTHORIZING" to 28L,
            "COD_INITIATED" to 29L, "VOIDED" to 31L, "VOID_INITIATED" to 32L,
            "CAPTURE_INITIATED" to 33L, "CAPTURE_FAILED" to 34L, "VOID_FAILED" to 35L,
            "AUTO_REFUNDED" to 36L, "NOT_FOUND" to 40L,
        )
    }
}
