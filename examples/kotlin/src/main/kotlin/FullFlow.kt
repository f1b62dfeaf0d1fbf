// The whole merchant flow from Kotlin: create a session, (on the emulator) pay on its payment
// page, verify the signed redirect, read the order, refund part of it, and wait until the
// refund settles and the order shows it.
//
// Usage: FullFlowKt [BASE_URL]
//   Credentials as for MainKt: JUSPAY_MERCHANT_ID / JUSPAY_API_KEY (and JUSPAY_RESPONSE_KEY for
//   the redirect's signature), else the local emulator. Against Juspay the customer pays in a
//   browser: this example then prints the payment link and stops.
@file:JvmName("FullFlowKt")

package dev.hypercheckout.example

import dev.hypercheckout.Client
import dev.hypercheckout.HyperCheckoutException
import dev.hypercheckout.HyperCheckoutExit
import dev.hypercheckout.PaymentVerdict
import dev.hypercheckout.RefundRequest
import dev.hypercheckout.SessionRequest
import dev.hypercheckout.checkOrderPayment
import dev.hypercheckout.checkPayment
import java.net.URI
import java.net.URLDecoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    HyperCheckoutExit.install()
    val (config, emulator) = configFromEnvironment(args.firstOrNull())
    val onEmulator = System.getenv("JUSPAY_MERCHANT_ID") == null
    val responseKey = System.getenv("JUSPAY_RESPONSE_KEY") ?: "emulator_response_key"
    val orderId = "ff-kt-" + System.currentTimeMillis().toString(36)
    val ok = Client(config).use { client ->
        try {
            // 1. The session.
            val session = client.createSessionBlocking(
                SessionRequest(
                    orderId = orderId, amount = "10.00", customerId = "customer-42", paymentPageClientId = "hdfcmaster",
                    customerEmail = "test@mail.com", customerPhone = "9876543210", currency = "INR",
                    returnUrl = "https://shop.merchant.com/return",
                ),
            )
            println("1. session ${session.id}: send the customer to ${session.paymentLink}")
            if (!onEmulator) {
                println("   (on Juspay the customer pays in a browser; run the rest once they are back)")
                return@use true
            }
            // 2. The customer pays (the emulator's payment form), and comes back to return_url.
            val redirect = payOnEmulator(config.baseUrl!!, session.id)
            println("2. paid; redirected with status=${redirect["status"]}")
            // 3. The redirect is signed, the order is charged, for this amount.
            val order = client.getOrderStatusBlocking(orderId, session.routingId)
            val verdict = checkPayment(redirect, responseKey, order, orderId, "10.00", "INR")
            println("3. order ${order.orderId}: ${order.status.wireName()}; paid for 10.00 INR? ${verdict == PaymentVerdict.Paid}")
            check(verdict == PaymentVerdict.Paid) { "not paid: $verdict" }
            // 4. Refund part of it. Keep unique_request_id: sending it again never refunds twice.
            val refund = RefundRequest(orderId = orderId, uniqueRequestId = "rf-" + orderId.takeLast(12), amount = "4.00", routingId = session.routingId)
            val afterRefund = client.createRefundBlocking(refund)
            println("4. refund ${refund.uniqueRequestId}: ${afterRefund.refunds.single { it.uniqueRequestId == refund.uniqueRequestId }.status}")
            // 5. The refund settles (the ORDER_REFUNDED webhook says so; here we ask).
            var settled = afterRefund
            val deadline = System.currentTimeMillis() + 15_000
            while (settled.refunds.any { it.status == "PENDING" } && System.currentTimeMillis() < deadline) {
                Thread.sleep(200)
                settled = client.getOrderStatusBlocking(orderId, session.routingId)
            }
            println("5. refunds: " + settled.refunds.joinToString { "${it.uniqueRequestId} ${it.amount} ${it.status}" })
            // 6. The order shows it.
            println("6. order ${settled.orderId}: amount_refunded ${settled.amountRefunded}, verdict ${checkOrderPayment(settled, orderId, "10.00", null).javaClass.simpleName}")
            settled.refunds.all { it.status == "SUCCESS" }
        } catch (e: HyperCheckoutException) {
            println("failed: $e")      // the core's sentence, request id included
            false
        }
    }
    emulator?.destroy()
    if (!ok) exitProcess(1)
}

/** What the customer's browser does on the emulator's payment page; the redirect's query. */
private fun payOnEmulator(baseUrl: String, sessionId: String): Map<String, String> {
    val response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("$baseUrl/orders/$sessionId/pay"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("outcome=success")).build(),
        HttpResponse.BodyHandlers.discarding(),
    )
    val location = response.headers().firstValue("location").orElseThrow { IllegalStateException("no redirect (HTTP ${response.statusCode()})") }
    return URI.create(location).rawQuery.split('&').associate {
        URLDecoder.decode(it.substringBefore('='), Charsets.UTF_8) to URLDecoder.decode(it.substringAfter('='), Charsets.UTF_8)
    }
}
