package dev.hypercheckout

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.URI
import java.net.URLDecoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * The whole merchant flow against the emulator (issue 13, item 6): session, pay, verify the
 * redirect, order status, refund, the refund settles, the order status shows it; and the
 * mandate story: a mandate session paid, the mandate read, debited and revoked. Suspend and
 * blocking forms both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AfterPaymentFlowTest {
    private val emulator = Emulator("--refund-settle-ms", "300", "--execution-settle-ms", "300")
    private val browser = HttpClient.newHttpClient()

    @AfterAll
    fun stop() = emulator.close()

    private fun client() = Client(
        ClientConfig(
            merchantId = Emulator.MERCHANT_ID, apiKey = Emulator.API_KEY, environment = Environment.SANDBOX,
            baseUrl = emulator.url, timeoutMs = 10_000uL, overallTimeoutMs = 20_000uL,
        ),
    )

    /** The browser's part: POST the payment page's form; the decoded query of the redirect. */
    private fun pay(session: Session): Map<String, String> {
        val response = browser.send(
            HttpRequest.newBuilder(URI.create("${emulator.url}/orders/${session.id}/pay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("outcome=success")).build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(302, response.statusCode(), response.body())
        val location = response.headers().firstValue("location").orElseThrow()
        return URI.create(location).rawQuery.split('&').associate {
            URLDecoder.decode(it.substringBefore('='), Charsets.UTF_8) to URLDecoder.decode(it.substringAfter('='), Charsets.UTF_8)
        }
    }

    /** Polls the order until [done] holds (the emulator settles refunds after 300 ms). */
    private fun awaitOrder(client: Client, orderId: String, routingId: String, done: (OrderStatus) -> Boolean): OrderStatus {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (true) {
            val order = client.getOrderStatusBlocking(orderId, routingId)
            if (done(order)) return order
            check(System.nanoTime() < deadline) { "the order never reached the state: $order" }
            Thread.sleep(100)
        }
    }

    @Test
    fun `session, pay, verify, status, refund, settle, and the status shows it`() {
        client().use { client ->
            val request = Emulator.request(orderId = Emulator.orderId("ktrefund"), amount = "10.00")
            val session = client.createSessionBlocking(request)
            val params = pay(session)
            assertEquals(SignatureVerdict.VALID, verifyReturnUrlSignature(params, RESPONSE_KEY))
            val charged = client.getOrderStatusBlocking(request.orderId, session.routingId)
            assertEquals(PaymentVerdict.Paid, checkPayment(params, RESPONSE_KEY, charged, request.orderId, "10.00", "INR"))

            // A partial refund (suspend form), then the rest (blocking form, no amount).
            val partial = RefundRequest(orderId = request.orderId, uniqueRequestId = "rf-${request.orderId.takeLast(12)}", amount = "4.00", routingId = session.routingId)
            assertTrue(validateRefund(partial).isEmpty())
            val afterFirst = runBlocking { client.createRefund(partial) }
            val first = afterFirst.refunds.single { it.uniqueRequestId == partial.uniqueRequestId }
            assertTrue(first.status == "PENDING" || first.status == "SUCCESS", "a new refund: ${first.status}")
            assertTrue(amountsEqual("4.00", first.amount ?: ""), "refund amount ${first.amount}")

            // The same unique_request_id again (a retry after a lost answer) refunds nothing more.
            val again = client.createRefundBlocking(partial)
            assertEquals(1, again.refunds.count { it.uniqueRequestId == partial.uniqueRequestId })

            val settled = awaitOrder(client, request.orderId, session.routingId) { o -> o.refunds.all { it.status == "SUCCESS" } }
            assertTrue(amountsEqual("4.00", settled.amountRefunded ?: ""), "amount_refunded ${settled.amountRefunded}")
            assertTrue(checkOrderPayment(settled, request.orderId, "10.00", null) is PaymentVerdict.PartiallyRefunded)

            val rest = RefundRequest(orderId = request.orderId, uniqueRequestId = "rs-${request.orderId.takeLast(12)}", routingId = session.routingId)
            client.createRefundBlocking(rest)
            val full = awaitOrder(client, request.orderId, session.routingId) { o -> o.refunds.size == 2 && o.refunds.all { it.status == "SUCCESS" } }
            assertTrue(amountsEqual("10.00", full.amountRefunded ?: ""), "amount_refunded ${full.amountRefunded}")
            assertEquals(true, full.refunded)
            assertTrue(checkOrderPayment(full, request.orderId, "10.00", null) is PaymentVerdict.Refunded)

            // Nothing left: Juspay's invalid.amount.exceeded (an InvalidRequest), a sentence with the code.
            val over = assertThrows<HyperCheckoutException.InvalidRequest> {
                client.createRefundBlocking(partial.copy(uniqueRequestId = "ov-${request.orderId.takeLast(12)}"))
            }
            assertTrue(over.toString().startsWith("request rejected (HTTP 400)"), over.toString())
            // Bad input: every violation at once, nothing sent.
            val bad = assertThrows<HyperCheckoutException.Validation> {
                client.createRefundBlocking(RefundRequest(orderId = "", uniqueRequestId = "has spaces", amount = "1.005", routingId = ""))
            }
            assertTrue(bad.violations.map { it.field }.containsAll(listOf("order_id", "unique_request_id", "amount")), bad.toString())
        }
    }

    @Test
    fun `a paid mandate session is read, debited and revoked`() {
        client().use { client ->
            val customer = "cust-mandate-kt"
            val request = Emulator.request(orderId = Emulator.orderId("ktmand"), amount = "1.00", customerId = customer).copy(
                createMandate = CreateMandate.REQUIRED,
                mandate = Mandate(maxAmount = "500.00", frequency = MandateFrequency.MONTHLY, amountRule = AmountRule.VARIABLE),
            )
            val session = client.createSessionBlocking(request)
            pay(session)
            val order = client.getOrderStatusBlocking(request.orderId, session.routingId)
            val mandateId = order.mandate?.mandateId ?: throw AssertionError("the paid order has no mandate: $order")

            val active = runBlocking { client.getMandate(mandateId, customer) }
            assertEquals(MandateState.Active, active.status)
            assertEquals("ACTIVE", active.status.wireName())
            assertEquals(mandateId, active.mandateId)
            assertEquals(active, client.getMandateBlocking(mandateId, customer))

            val debit = MandateExecution(orderId = Emulator.orderId("ktdebit"), amount = "120.00", customerId = customer, mandateId = mandateId)
            assertTrue(validateMandateExecution(debit).isEmpty())
            val executed = client.executeMandateBlocking(debit)
            assertEquals(debit.orderId, executed.orderId)
            // The debit is a new order; it settles to CHARGED.
            awaitOrder(client, debit.orderId, customer) { it.status == OrderState.Charged }
            // Repeating the same debit (same order id) returns it instead of debiting twice.
            assertEquals(debit.orderId, runBlocking { client.executeMandate(debit) }.orderId)

            val revoked = runBlocking { client.revokeMandate(mandateId, customer) }
            assertEquals(MandateState.Revoked, revoked.status)
            assertEquals(MandateState.Revoked, client.revokeMandateBlocking(mandateId, customer).status)  // safe to repeat
            assertEquals(MandateState.Revoked, client.getMandateBlocking(mandateId, customer).status)
            assertThrows<HyperCheckoutException> { client.executeMandateBlocking(debit.copy(orderId = Emulator.orderId("ktdebit2"))) }
        }
    }

    private companion object {
        const val RESPONSE_KEY = "emulator_response_key"
    }
}
