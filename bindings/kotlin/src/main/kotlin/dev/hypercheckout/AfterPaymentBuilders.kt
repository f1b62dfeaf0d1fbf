package dev.hypercheckout

/**
 * Builds a [RefundRequest] from Java:
 * `new RefundRequestBuilder().orderId("order-1").uniqueRequestId("rf-1").amount("50.00").routingId(session.getRoutingId()).build()`.
 * Leave [amount] unset for a full refund. Keep the `uniqueRequestId` and send the same value
 * again if a call ends without an answer: the core never refunds twice for one key.
 */
class RefundRequestBuilder {
    private val value: RefundRequest

    /** An empty builder: every field empty, `amount` unset (a full refund). */
    constructor() {
        value = RefundRequest(orderId = "", uniqueRequestId = "", routingId = "")
    }

    /** A builder that starts from a copy of [request]. */
    constructor(request: RefundRequest) {
        value = request.copy()
    }

    /** Sets the merchant's order id of the charged order. */
    fun orderId(orderId: String): RefundRequestBuilder = apply { value.orderId = orderId }

    /** Sets the refund's idempotency key (1 to 20 letters, digits, `-` or `_`). */
    fun uniqueRequestId(uniqueRequestId: String): RefundRequestBuilder = apply { value.uniqueRequestId = uniqueRequestId }

    /** Sets the amount to refund (decimal text, at most two decimals); `null` refunds what is left. */
    fun amount(amount: String?): RefundRequestBuilder = apply { value.amount = amount }

    /** Sets the `x-routing-id` the order's session used (`session.getRoutingId()`). */
    fun routingId(routingId: String): RefundRequestBuilder = apply { value.routingId = routingId }

    /** A new [RefundRequest] with the fields set so far. */
    fun build(): RefundRequest = value.copy()
}

/**
 * Builds a [MandateExecution] (a debit on an active mandate) from Java:
 * `new MandateExecutionBuilder().orderId("debit-1").amount("100.00").customerId("cust-1").mandateId(id).build()`.
 */
class MandateExecutionBuilder {
    private val value: MandateExecution

    /** An empty builder: required fields empty, optional ones unset. */
    constructor() {
        value = MandateExecution(orderId = "", amount = "", customerId = "", mandateId = "")
    }

    /** A builder that starts from a copy of [execution]. */
    constructor(execution: MandateExecution) {
        value = execution.copy()
    }

    /** Sets the new order id for this debit (it is also the idempotency key). */
    fun orderId(orderId: String): MandateExecutionBuilder = apply { value.orderId = orderId }

    /** Sets the amount to debit, at most the mandate's `max_amount`. */
    fun amount(amount: String): MandateExecutionBuilder = apply { value.amount = amount }

    /** Sets the customer the mandate was created for. */
    fun customerId(customerId: String): MandateExecutionBuilder = apply { value.customerId = customerId }

    /** Sets the mandate to debit (`MandateDetails.getMandateId()`). */
    fun mandateId(mandateId: String): MandateExecutionBuilder = apply { value.mandateId = mandateId }

    /** Sets `mandate.execution_date`, UNIX epoch seconds; `null` lets Juspay pick. */
    fun executionDate(executionDate: String?): MandateExecutionBuilder = apply { value.executionDate = executionDate }

    /** Sets `order.currency` (ISO 4217; Juspay's default is INR). */
    fun currency(currency: String?): MandateExecutionBuilder = apply { value.currency = currency }

    /** Sets the `x-routing-id`; `null` sends the customer id. */
    fun routingId(routingId: String?): MandateExecutionBuilder = apply { value.routingId = routingId }

    /** A new [MandateExecution] with the fields set so far. */
    fun build(): MandateExecution = value.copy()
}
