// Create a HyperCheckout payment session from Kotlin, with the suspend API and the blocking
// API, and handle the typed errors.
//
// Usage: MainKt [BASE_URL]
//   BASE_URL defaults to $HYPERCHECKOUT_BASE_URL; without either, Juspay's sandbox is used.
//   Credentials: $HYPERCHECKOUT_MERCHANT_ID / $HYPERCHECKOUT_API_KEY (default: the emulator's).
package dev.hypercheckout.example

import dev.hypercheckout.Client
import dev.hypercheckout.ClientConfig
import dev.hypercheckout.Environment
import dev.hypercheckout.HyperCheckoutException
import dev.hypercheckout.HyperCheckoutExit
import dev.hypercheckout.Session
import dev.hypercheckout.SessionRequest
import dev.hypercheckout.sdkVersion
import dev.hypercheckout.validate
import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    // Once at start-up: exiting the JVM with coroutine calls in flight stays safe.
    HyperCheckoutExit.install()
    val baseUrl = args.firstOrNull() ?: System.getenv("HYPERCHECKOUT_BASE_URL")
    val config = ClientConfig(
        merchantId = System.getenv("HYPERCHECKOUT_MERCHANT_ID") ?: "emulator_merchant",
        apiKey = System.getenv("HYPERCHECKOUT_API_KEY") ?: "emulator_api_key",
        environment = Environment.SANDBOX,
        baseUrl = baseUrl,
        timeoutMs = 10_000uL,
    )
    println("hypercheckout ${sdkVersion()} -> ${baseUrl ?: "Juspay sandbox"}")

    val stamp = System.currentTimeMillis().toString(36)
    val request = SessionRequest(
        orderId = "ex-kt-$stamp",
        amount = "1.00",
        customerId = "customer-42",
        paymentPageClientId = "hdfcmaster",
        customerEmail = "test@mail.com",
        customerPhone = "9876543210",
        returnUrl = "https://shop.merchant.com/return",
        description = "Complete your payment",
    )
    check(validate(request).isEmpty())

    // The client holds a connection pool: create one, share it, close it when done.
    val ok = Client(config).use { client ->
        try {
            val session = runBlocking { client.createSession(request) }          // suspend API
            show("coroutine", session)
            val again = client.createSessionBlocking(request.copy(orderId = "ex-kt-$stamp-b")) // blocking API
            show("blocking", again)

            // Later (after the payment page): the order's status, with the session's routing id.
            val order = client.getOrderStatusBlocking(session.orderId, session.routingId)
            println("order ${order.orderId}: ${order.status.wireName()} amount ${order.amount}, ${order.refunds.size} refund(s)")

            // Errors are typed: fix the input, back off, or retry later.
            try {
                client.createSessionBlocking(request.copy(orderId = "ex-kt-$stamp-c", amount = "1.005"))
            } catch (e: HyperCheckoutException.Validation) {
                println("rejected before sending: " + e.violations.joinToString { "${it.field}: ${it.code}" })
            }
            true
        } catch (e: HyperCheckoutException) {
            when (e) {
                is HyperCheckoutException.Authentication -> println("check the API key (HTTP ${e.httpStatus}, ${e.errorCode})")
                is HyperCheckoutException.InvalidRequest ->
                    println("Juspay rejected it: ${e.errorCode} ${e.errorMessage} ${e.errorInfo?.developerMessage ?: ""}")
                is HyperCheckoutException.RateLimited -> println("slow down; retry after ${e.retryAfterSeconds} s")
                is HyperCheckoutException.Timeout, is HyperCheckoutException.Connection, is HyperCheckoutException.Server ->
                    println("temporary failure, try again later: ${e.message}")
                else -> println("failed: ${e.javaClass.simpleName}: ${e.message}")
            }
            false
        }
    }
    if (!ok) exitProcess(1)
}

private fun show(how: String, session: Session) {
    println("[$how] order ${session.orderId} -> ${session.id} (${session.status})")
    println("[$how]   payment page: ${session.paymentLink} (expires ${session.paymentLinkExpiry ?: "-"})")
    println("[$how]   sdk_payload for the app: ${session.sdkPayloadJson.take(80)}...")
}
