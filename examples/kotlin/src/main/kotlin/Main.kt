// Create a HyperCheckout payment session from Kotlin, with the suspend API and the blocking
// API, and handle the typed errors.
//
// Usage: MainKt [BASE_URL]
//   With JUSPAY_MERCHANT_ID and JUSPAY_API_KEY set (as for the CLI): Juspay's sandbox, or
//   BASE_URL / JUSPAY_BASE_URL. Without them: the local emulator at BASE_URL / JUSPAY_BASE_URL,
//   else one started from $HYPERCHECKOUT_EMULATOR (default target/debug/hypercheckout-emulator),
//   with the emulator's credentials. Never the real sandbox with made-up keys.
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
    val (config, emulator) = configFromEnvironment(args.firstOrNull())
    println("hypercheckout ${sdkVersion()} -> ${config.baseUrl ?: "Juspay sandbox"}")

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
                    println("temporary failure, try again later: $e")
                else -> println("failed: $e")
            }
            false
        }
    }
    emulator?.destroy()
    if (!ok) exitProcess(1)
}

/**
 * The client configuration from the same environment variables as the CLI, and the emulator
 * process this example started, if it started one.
 */
internal fun configFromEnvironment(baseUrlArgument: String?): Pair<ClientConfig, Process?> {
    val merchantId = System.getenv("JUSPAY_MERCHANT_ID")
    val apiKey = System.getenv("JUSPAY_API_KEY")
    val baseUrl = baseUrlArgument ?: System.getenv("JUSPAY_BASE_URL")
    if (merchantId != null && apiKey != null) {
        return ClientConfig(merchantId = merchantId, apiKey = apiKey, environment = Environment.SANDBOX, baseUrl = baseUrl, timeoutMs = 10_000uL) to null
    }
    require(merchantId == null && apiKey == null) { "set both JUSPAY_MERCHANT_ID and JUSPAY_API_KEY, or neither to use the local emulator" }
    var process: Process? = null
    val url = baseUrl ?: run {
        val binary = System.getenv("HYPERCHECKOUT_EMULATOR") ?: "target/debug/hypercheckout-emulator"
        check(java.io.File(binary).canExecute()) { "no credentials and no emulator at $binary: run `cargo build -p hypercheckout-emulator`, or set JUSPAY_MERCHANT_ID and JUSPAY_API_KEY" }
        process = ProcessBuilder(binary, "--port", "0").redirectError(ProcessBuilder.Redirect.DISCARD).start()
        val line = process!!.inputStream.bufferedReader().readLine() ?: error("the emulator exited")
        Regex("""http://\S+""").find(line)?.value ?: error("unexpected emulator output: $line")
    }
    System.err.println("no JUSPAY_MERCHANT_ID/JUSPAY_API_KEY: using the local emulator at $url (nothing is charged)")
    return ClientConfig(merchantId = "emulator_merchant", apiKey = "emulator_api_key", environment = Environment.SANDBOX, baseUrl = url, timeoutMs = 10_000uL) to process
}

private fun show(how: String, session: Session) {
    println("[$how] order ${session.orderId} -> ${session.id} (${session.status})")
    println("[$how]   payment page: ${session.paymentLink} (expires ${session.paymentLinkExpiry ?: "-"})")
    println("[$how]   sdk_payload for the app: ${session.sdkPayloadJson.take(80)}...")
}
