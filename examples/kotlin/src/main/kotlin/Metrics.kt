// The SDK's request events as Micrometer metrics, and its log records through SLF4J.
//
// Usage: MetricsKt [BASE_URL] (credentials and emulator as for MainKt). Against the emulator the
// first attempt is answered 429 (Retry-After: 0), so the counter shows a retry.
//
// Micrometer: a counter per (operation, status) and a timer of attempt latencies, tagged with
// the path template (`/orders/{order_id}`, never an id, so the tag's values stay few). The
// listener runs on the SDK's delivery thread: a slow registry never slows a payment.
package dev.hypercheckout.example

import dev.hypercheckout.Client
import dev.hypercheckout.HyperCheckoutExit
import dev.hypercheckout.HyperCheckoutObservability
import dev.hypercheckout.SessionRequest
import io.micrometer.core.instrument.Counter
import io.micrometer.core.instrument.Timer
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import java.time.Duration
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    // slf4j-simple's level for the SDK's logger (an application sets it in its own config).
    System.setProperty("org.slf4j.simpleLogger.log.hypercheckout", "debug")
    HyperCheckoutExit.install()
    HyperCheckoutObservability.install() // records to SLF4J when present, else System.Logger
    val registry = SimpleMeterRegistry()
    HyperCheckoutObservability.setRequestListener { event ->
        val status = event.httpStatus?.toString() ?: event.errorKind ?: "none"
        Counter.builder("hypercheckout.attempts")
            .tag("operation", event.operation).tag("status", status)
            .register(registry).increment()
        Timer.builder("hypercheckout.attempt.latency")
            .tag("operation", event.operation).tag("path", event.path)
            .register(registry).record(event.latency)
        if (event.willRetry) {
            Counter.builder("hypercheckout.retries").tag("reason", event.errorKind ?: "unknown")
                .register(registry).increment()
        }
    }

    val (config, emulator) = configFromEnvironment(args.firstOrNull())
    val emulated = System.getenv("JUSPAY_MERCHANT_ID") == null
    val id = "ex-kt-m-" + System.currentTimeMillis().toString(36)
    val client = Client(config)
    val session = client.createSessionBlocking(
        SessionRequest(
            orderId = id, amount = "1.00", customerId = "customer-42", paymentPageClientId = "hdfcmaster",
            returnUrl = "https://shop.merchant.com/return",
            extraFields = if (emulated) mapOf("emulator_fault" to "429;times=1;retry-after=0") else emptyMap(),
        ),
    )
    client.getOrderStatusBlocking(session.orderId, session.routingId)
    HyperCheckoutObservability.flush(Duration.ofSeconds(2))

    for (meter in registry.meters.sortedBy { it.id.toString() }) {
        println("${meter.id.name} ${meter.id.tags.joinToString { "${it.key}=${it.value}" }}: ${meter.measure().joinToString { "${it.statistic}=${it.value}" }}")
    }
    val attempts = registry.find("hypercheckout.attempts").counters().sumOf { it.count() }
    emulator?.destroy()
    if (emulated && attempts != 3.0) {
        System.err.println("expected 3 attempts (429, 200, order status), saw $attempts")
        exitProcess(1)
    }
}
