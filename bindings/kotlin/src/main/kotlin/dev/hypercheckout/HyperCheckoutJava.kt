package dev.hypercheckout

import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture

/**
 * Static helpers for Java (and other non-Kotlin JVM languages) where the generated Kotlin API
 * uses what Java cannot call: Kotlin's unsigned types (`ULong` timeouts, `UShort` HTTP
 * statuses) and default arguments. They only adapt types; every rule, default and behaviour
 * lives in the Rust core. Using any of them registers the exit-safety shutdown hook
 * ([HyperCheckoutExit]).
 *
 * The Java API is: [HyperCheckoutClient] (blocking calls with checked exceptions and
 * `CompletableFuture` forms), the builders ([ClientConfigBuilder], [SessionRequestBuilder],
 * [MandateBuilder]), [HyperCheckoutErrors] (the fields every error kind shares), these
 * helpers, and the generated top-level functions as static methods of `HypercheckoutKt`
 * (`HypercheckoutKt.validate(request)`, `HypercheckoutKt.verifyReturnUrlSignature(params, key)`).
 *
 * ```java
 * PaymentVerdict verdict = HyperCheckoutJava.checkPayment(params, responseKey, order, "order-1", "100.00");
 * Session session = HyperCheckoutJava.parseSessionResponse(200, headers, body);
 * ```
 */
object HyperCheckoutJava {
    init {
        HyperCheckoutExit.install()
        HyperCheckoutObservability.install()
    }

    /**
     * A [ClientConfig] with the core's default timeouts and retries. [baseUrl] overrides the
     * environment's URL (e.g. the local emulator; plain `http` only for loopback hosts).
     */
    @JvmStatic
    @JvmOverloads
    fun clientConfig(
        merchantId: String,
        apiKey: String,
        environment: Environment,
        baseUrl: String? = null,
    ): ClientConfig = ClientConfig(merchantId = merchantId, apiKey = apiKey, environment = environment, baseUrl = baseUrl)

    /**
     * A copy of [config] with other timeouts, in milliseconds: to open a connection, for one
     * attempt, and for the whole call including retries. Each must be greater than zero.
     */
    @JvmStatic
    fun withTimeouts(config: ClientConfig, connectTimeoutMs: Long, timeoutMs: Long, overallTimeoutMs: Long): ClientConfig =
        config.copy(
            connectTimeoutMs = nonNegative(connectTimeoutMs, "connectTimeoutMs").toULong(),
            timeoutMs = nonNegative(timeoutMs, "timeoutMs").toULong(),
            overallTimeoutMs = nonNegative(overallTimeoutMs, "overallTimeoutMs").toULong(),
        )

    /** A copy of [config] that retries at most [maxRetries] times after the first attempt (0 disables). */
    @JvmStatic
    fun withMaxRetries(config: ClientConfig, maxRetries: Int): ClientConfig =
        config.copy(maxRetries = nonNegative(maxRetries.toLong(), "maxRetries").toUInt())

    /**
     * A [SessionRequest] with the required fields set and everything else empty; set the
     * rest with its setters (`setReturnUrl`, `setCustomerEmail`, ...).
     */
    @JvmStatic
    fun sessionRequest(orderId: String, amount: String, customerId: String, paymentPageClientId: String): SessionRequest =
        SessionRequest(orderId = orderId, amount = amount, customerId = customerId, paymentPageClientId = paymentPageClientId)

    /**
     * [Client.createSession] as a [CompletableFuture], for asynchronous Java code. Cancelling
     * the future cancels the call.
     */
    @JvmStatic
    @OptIn(DelicateCoroutinesApi::class)
    fun createSessionAsync(client: Client, request: SessionRequest): CompletableFuture<Session> =
        GlobalScope.future { client.createSession(request) }

    /**
     * [Client.getOrderStatus] as a [CompletableFuture]; pass the session's `getRoutingId()`.
     * Cancelling the future cancels the call.
     */
    @JvmStatic
    @OptIn(DelicateCoroutinesApi::class)
    fun getOrderStatusAsync(client: Client, orderId: String, routingId: String): CompletableFuture<OrderStatus> =
        GlobalScope.future { client.getOrderStatus(orderId, routingId) }

    /** The HTTP status of an error that came from an HTTP answer, else `null` (see [HyperCheckoutErrors]). */
    @JvmStatic
    fun httpStatus(error: HyperCheckoutException): Int? = HyperCheckoutErrors.httpStatus(error)

    /** The server's `Retry-After` in seconds, for a [HyperCheckoutException.RateLimited] that carried one. */
    @JvmStatic
    fun retryAfterSeconds(error: HyperCheckoutException): Long? = HyperCheckoutErrors.retryAfterSeconds(error)

    /** [ClientConfig.connectTimeoutMs] as a `long` (Java cannot read Kotlin's `ULong`). */
    @JvmStatic
    fun connectTimeoutMs(config: ClientConfig): Long = config.connectTimeoutMs.toLong()

    /** [ClientConfig.timeoutMs] as a `long`. */
    @JvmStatic
    fun timeoutMs(config: ClientConfig): Long = config.timeoutMs.toLong()

    /** [ClientConfig.overallTimeoutMs] as a `long`. */
    @JvmStatic
    fun overallTimeoutMs(config: ClientConfig): Long = config.overallTimeoutMs.toLong()

    /** [ClientConfig.maxRetries] as an `int`. */
    @JvmStatic
    fun maxRetries(config: ClientConfig): Int = config.maxRetries.toInt()

    /**
     * [dev.hypercheckout.parseSessionResponse] with an `int` status (Java cannot pass Kotlin's
     * `UShort`): a [Session] for 2xx, else the matching [HyperCheckoutException].
     */
    @JvmStatic
    @Throws(HyperCheckoutException::class)
    fun parseSessionResponse(httpStatus: Int, headers: Map<String, String>, body: String): Session =
        dev.hypercheckout.parseSessionResponse(status(httpStatus), headers, body)

    /** [dev.hypercheckout.parseOrderStatusResponse] with an `int` status. */
    @JvmStatic
    @Throws(HyperCheckoutException::class)
    fun parseOrderStatusResponse(httpStatus: Int, headers: Map<String, String>, body: String): OrderStatus =
        dev.hypercheckout.parseOrderStatusResponse(status(httpStatus), headers, body)

    /**
     * [dev.hypercheckout.checkPayment] with the optional currency as an overload (Java has no
     * default arguments): `checkPayment(params, responseKey, order, orderId, amount)`.
     */
    @JvmStatic
    @JvmOverloads
    fun checkPayment(
        redirectParams: Map<String, String>,
        responseKey: String,
        orderStatus: OrderStatus,
        expectedOrderId: String,
        expectedAmount: String,
        expectedCurrency: String? = null,
    ): PaymentVerdict = dev.hypercheckout.checkPayment(redirectParams, responseKey, orderStatus, expectedOrderId, expectedAmount, expectedCurrency)

    /** [dev.hypercheckout.checkOrderPayment] with the optional currency as an overload. */
    @JvmStatic
    @JvmOverloads
    fun checkOrderPayment(
        orderStatus: OrderStatus,
        expectedOrderId: String,
        expectedAmount: String,
        expectedCurrency: String? = null,
    ): PaymentVerdict = dev.hypercheckout.checkOrderPayment(orderStatus, expectedOrderId, expectedAmount, expectedCurrency)

    private fun status(httpStatus: Int): UShort {
        require(httpStatus in 0..65535) { "httpStatus must be 0..65535 (got $httpStatus)" }
        return httpStatus.toUShort()
    }

    private fun nonNegative(value: Long, name: String): Long {
        require(value >= 0) { "$name must not be negative" }
        return value
    }
}
