package dev.hypercheckout

import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture

/**
 * Entry points for Java (and other non-Kotlin JVM languages). Using any of them registers the
 * exit-safety shutdown hook ([HyperCheckoutExit]). The generated top-level
 * functions (`validate`, `parseSessionRequest`, `sessionRequestToJson`, `routingId`,
 * `parseSessionResponse`, `sdkVersion`) are static methods of `HypercheckoutKt`.
 *
 * The generated Kotlin API uses Kotlin's unsigned types (`ULong` timeouts, `UShort` HTTP
 * statuses) and default arguments, which Java cannot call or read directly. These helpers
 * only adapt types; every rule, default and behaviour lives in the Rust core.
 *
 * ```java
 * ClientConfig config = HyperCheckoutJava.clientConfig("merchant_id", "api_key", Environment.SANDBOX);
 * try (Client client = new Client(config)) {
 *     SessionRequest request = HyperCheckoutJava.sessionRequest("order-1", "1.00", "customer-1", "client_id");
 *     request.setReturnUrl("https://shop.merchant.com/return");
 *     Session session = client.createSessionBlocking(request);
 * } catch (HyperCheckoutException.Authentication e) {
 *     Integer status = HyperCheckoutJava.httpStatus(e);
 * }
 * ```
 */
object HyperCheckoutJava {
    init {
        HyperCheckoutExit.install()
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

    /** The HTTP status of an error that came from an HTTP answer, else `null`. */
    @JvmStatic
    fun httpStatus(error: HyperCheckoutException): Int? = when (error) {
        is HyperCheckoutException.Authentication -> error.httpStatus.toInt()
        is HyperCheckoutException.InvalidRequest -> error.httpStatus.toInt()
        is HyperCheckoutException.NotFound -> error.httpStatus.toInt()
        is HyperCheckoutException.RateLimited -> error.httpStatus.toInt()
        is HyperCheckoutException.Server -> error.httpStatus.toInt()
        is HyperCheckoutException.UnexpectedResponse -> error.httpStatus.toInt()
        else -> null
    }

    /** The server's `Retry-After` in seconds, for a [HyperCheckoutException.RateLimited] that carried one. */
    @JvmStatic
    fun retryAfterSeconds(error: HyperCheckoutException): Long? =
        (error as? HyperCheckoutException.RateLimited)?.retryAfterSeconds?.toLong()

    private fun nonNegative(value: Long, name: String): Long {
        require(value >= 0) { "$name must not be negative" }
        return value
    }
}
