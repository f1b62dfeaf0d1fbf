package dev.hypercheckout

import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture

/**
 * The client for Java: blocking calls with the checked [HyperCheckoutException] declared,
 * [CompletableFuture] forms for asynchronous code, and none of uniffi's plumbing
 * (`NoHandle` constructors, `uniffiCloneHandle`, `destroy`) in its API. Kotlin code uses
 * [Client] directly (suspend functions, named arguments); both share the same core.
 *
 * ```java
 * ClientConfig config = new ClientConfigBuilder("merchant_id", "api_key", Environment.SANDBOX).build();
 * try (HyperCheckoutClient client = new HyperCheckoutClient(config)) {
 *     Session session = client.createSession(request);
 *     OrderStatus order = client.getOrderStatus(session.getOrderId(), session.getRoutingId());
 * } catch (HyperCheckoutException.Configuration e) {
 *     System.err.println(e);                      // the core's sentence: "invalid configuration: ..."
 * } catch (HyperCheckoutException e) {
 *     System.err.println(HyperCheckoutErrors.description(e));
 * }
 * ```
 *
 * Every call takes an optional last argument, [RequestOptions] (built with
 * [RequestOptionsBuilder]): this call's timeouts, retries or routing id in place of the
 * client's, e.g. `client.createSession(request, new RequestOptionsBuilder().timeoutMs(2000).build())`.
 *
 * Thread-safe and meant to be shared (one connection pool); close it when done. The blocking
 * calls must not run inside a coroutine or other async runtime thread (the core refuses with
 * a `Configuration` error rather than deadlock). Creating one registers the exit-safety
 * shutdown hook ([HyperCheckoutExit]) and, on Windows too, keeps the Rust threads that
 * complete the `*Async` calls attached to the JVM
 * ([HyperCheckoutTuning.keepCallbackThreadsAttached]).
 *
 * @constructor Checks [config] and creates the client; throws
 * [HyperCheckoutException.Configuration] when the core refuses the configuration (empty
 * merchant id or key, bad base URL, zero timeout).
 */
class HyperCheckoutClient @Throws(HyperCheckoutException::class) constructor(config: ClientConfig) : AutoCloseable {
    private val client: Client
    private val merchantId = config.merchantId
    private val environment = config.environment
    private val baseUrl = config.baseUrl

    init {
        HyperCheckoutExit.install()
        HyperCheckoutObservability.install()
        // The `*Async` forms complete on Rust threads through JNA callbacks. The core keeps
        // those threads attached to the JVM itself (core/src/jvm.rs); this does it through JNA
        // too, for Windows, where the core does not (HyperCheckoutTuning).
        HyperCheckoutTuning.keepCallbackThreadsAttached()
        client = Client(config)
    }

    /** Validates [request] and creates the session; an invalid request is never sent (`Validation`). */
    @JvmOverloads
    @Throws(HyperCheckoutException::class)
    fun createSession(request: SessionRequest, options: RequestOptions? = null): Session = client.createSessionBlocking(request, options)

    /**
     * [createSession] without blocking: the future fails with the [HyperCheckoutException]
     * (wrapped in an `ExecutionException` by `get()`). Cancelling the future cancels the call.
     */
    @JvmOverloads
    @OptIn(DelicateCoroutinesApi::class)
    fun createSessionAsync(request: SessionRequest, options: RequestOptions? = null): CompletableFuture<Session> =
        GlobalScope.future { client.createSession(request, options) }

    /**
     * The Order Status API (`GET /orders/{orderId}`), the authoritative word on whether an
     * order is paid. [routingId] is the session's `getRoutingId()` (Juspay wants the same
     * `x-routing-id` on every call of a customer's session).
     */
    @JvmOverloads
    @Throws(HyperCheckoutException::class)
    fun getOrderStatus(orderId: String, routingId: String, options: RequestOptions? = null): OrderStatus = client.getOrderStatusBlocking(orderId, routingId, options)

    /** [getOrderStatus] without blocking; cancelling the future cancels the call. */
    @JvmOverloads
    @OptIn(DelicateCoroutinesApi::class)
    fun getOrderStatusAsync(orderId: String, routingId: String, options: RequestOptions? = null): CompletableFuture<OrderStatus> =
        GlobalScope.future { client.getOrderStatus(orderId, routingId, options) }

    /**
     * The Refund Order API (`POST /orders/{orderId}/refunds`): returns the order with its
     * refunds (a new one is usually `PENDING`). Safe to repeat with the same
     * `uniqueRequestId`; see [Client.createRefund].
     */
    @JvmOverloads
    @Throws(HyperCheckoutException::class)
    fun createRefund(request: RefundRequest, options: RequestOptions? = null): OrderStatus = client.createRefundBlocking(request, options)

    /** [createRefund] without blocking; cancelling the future cancels the call. */
    @JvmOverloads
    @OptIn(DelicateCoroutinesApi::class)
    fun createRefundAsync(request: RefundRequest, options: RequestOptions? = null): CompletableFuture<OrderStatus> =
        GlobalScope.future { client.createRefund(request, options) }

    /** The Mandate Status Check API; [routingId] as for [getOrderStatus] (Juspay recommends the customer id). */
    @JvmOverloads
    @Throws(HyperCheckoutException::class)
    fun getMandate(mandateId: String, routingId: String, options: RequestOptions? = null): MandateDetails = client.getMandateBlocking(mandateId, routingId, options)

    /** [getMandate] without blocking; cancelling the future cancels the call. */
    @JvmOverloads
    @OptIn(DelicateCoroutinesApi::class)
    fun getMandateAsync(mandateId: String, routingId: String, options: RequestOptions? = null): CompletableFuture<MandateDetails> =
        GlobalScope.future { client.getMandate(mandateId, routingId, options) }

    /** The Revoke Mandate API; returns the revoked mandate. Safe to repeat. */
    @JvmOverloads
    @Throws(HyperCheckoutException::class)
    fun revokeMandate(mandateId: String, routingId: String, options: RequestOptions? = null): MandateDetails = client.revokeMandateBlocking(mandateId, routingId, options)

    /** [revokeMandate] without blocking; cancelling the future cancels the call. */
    @JvmOverloads
    @OptIn(DelicateCoroutinesApi::class)
    fun revokeMandateAsync(mandateId: String, routingId: String, options: RequestOptions? = null): CompletableFuture<MandateDetails> =
        GlobalScope.future { client.revokeMandate(mandateId, routingId, options) }

    /** The Mandate Execution API: a debit on an active mandate under a new order id. Safe to repeat with the same order id. */
    @JvmOverloads
    @Throws(HyperCheckoutException::class)
    fun executeMandate(execution: MandateExecution, options: RequestOptions? = null): MandateExecutionResult = client.executeMandateBlocking(execution, options)

    /** [executeMandate] without blocking; cancelling the future cancels the call. */
    @JvmOverloads
    @OptIn(DelicateCoroutinesApi::class)
    fun executeMandateAsync(execution: MandateExecution, options: RequestOptions? = null): CompletableFuture<MandateExecutionResult> =
        GlobalScope.future { client.executeMandate(execution, options) }

    /** The Kotlin [Client] behind this one (for its `suspend` functions); closed with this one. */
    fun kotlinClient(): Client = client

    /** Releases the connection pool; calls made afterwards fail with `IllegalStateException`. */
    override fun close() = client.close()

    /** `HyperCheckoutClient(merchantId=..., environment=..., baseUrl=...)`: never the API key. */
    override fun toString(): String =
        "HyperCheckoutClient(merchantId=$merchantId, environment=$environment" + (baseUrl?.let { ", baseUrl=$it" } ?: "") + ")"
}
