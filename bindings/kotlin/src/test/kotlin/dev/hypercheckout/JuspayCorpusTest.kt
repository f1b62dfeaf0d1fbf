package dev.hypercheckout

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.node.NullNode
import com.fasterxml.jackson.databind.node.ObjectNode
import com.fasterxml.jackson.databind.node.TextNode
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File

/**
 * Juspay's own published bodies (`testdata/juspay/`, formats and sources in its README.md)
 * through the exported functions, checking the typed fields. Mirrors the reference runner,
 * `core/tests/conformance_juspay.rs`: each case's expectation is compared key by key with the
 * typed value under the corpus's names, as JSON (`null` = absent).
 */
class JuspayCorpusTest {
    private val mapper = ObjectMapper()

    private fun cases(file: String): List<JsonNode> {
        val dir = File(System.getProperty("hypercheckout.testdata") ?: "../../testdata", "juspay")
        val path = File(dir, file)
        assertTrue(path.isFile, "missing corpus file $path")
        val cases = mapper.readTree(path)["cases"]
        assertTrue(cases != null && cases.isArray && cases.size() > 0, "$path has no cases")
        val names = cases.map { it["name"].asText() }
        assertEquals(names.size, names.toSet().size, "$path: case names must be unique")
        return cases.toList()
    }

    private fun tests(file: String, run: (JsonNode) -> List<String>): List<DynamicTest> =
        cases(file).map { case ->
            dynamicTest("juspay/$file: ${case["name"].asText()}") {
                val problems = run(case)
                assertTrue(problems.isEmpty(), problems.joinToString("\n"))
            }
        }

    /** Kotlin maps, lists, strings, numbers, booleans and nulls as a JSON tree. */
    private fun tree(value: Any?): JsonNode = mapper.readTree(mapper.writeValueAsString(value))

    /** Every key of [want] against the same key of [got] (a missing key is `null`). */
    private fun compare(want: JsonNode, got: JsonNode, prefix: String = ""): List<String> =
        want.fieldNames().asSequence().mapNotNull { key ->
            val expected = want[key]
            val actual = got[key] ?: NullNode.instance
            if (expected == actual) null else "$prefix$key: expected $expected, got $actual"
        }.toList()

    @Test
    fun `the corpus is complete`() {
        val counts = listOf("session_requests.json", "session_responses.json", "order_status.json", "errors.json", "webhooks.json")
            .map { cases(it).size }
        assertEquals(listOf(58, 22, 164, 25, 91), counts, "the counts testdata/juspay/README.md states")
    }

    // --- session_requests.json ---------------------------------------------------------------

    /**
     * The body the SDK must send: the case's `wire`, else the sample itself with an `amount`
     * given as a JSON number sent as its text and the default action made explicit.
     */
    private fun expectedWire(case: JsonNode): JsonNode {
        case["wire"]?.let { return it }
        val body = case["request"].deepCopy<ObjectNode>()
        body["amount"]?.takeIf { it.isNumber }?.let { body.set<JsonNode>("amount", TextNode(it.asText())) }
        if (!body.has("action")) body.put("action", "paymentPage")
        return body
    }

    @TestFactory
    fun sessionRequests() = tests("session_requests.json") { case ->
        // Problems found while reading count as violations too (what `hypercheckout validate` reports).
        val (request, violations) = try {
            val request = parseSessionRequest(mapper.writeValueAsString(case["request"]))
            request to validate(request)
        } catch (e: HyperCheckoutException.Validation) {
            null to e.violations
        }
        val problems = mutableListOf<String>()
        val got = violations.map { it.field to it.code }.sortedWith(pairOrder)
        val want = (case["violations"]?.map { it["field"].asText() to it["code"].asText() } ?: emptyList())
            .sortedWith(pairOrder)
        if (got != want) problems += "violations: expected $want, got $got (${violations.map { it.message }})"
        if (request != null) {
            val sent = mapper.readTree(sessionRequestToJson(request))
            val expected = expectedWire(case)
            if (sent != expected) problems += "wire body: expected $expected, got $sent"
        }
        problems
    }

    // --- session_responses.json --------------------------------------------------------------

    @TestFactory
    fun sessionResponses() = tests("session_responses.json") { case ->
        val body = case["body"].asText()
        val session = parseSessionResponse(case["http_status"].asInt(200).toUShort(), emptyMap(), body)
        val got = tree(
            mapOf(
                "id" to session.id,
                "order_id" to session.orderId,
                "status" to session.status,
                "payment_link" to session.paymentLink,
                "payment_links_expiry" to session.paymentLinkExpiry,
                "order_expiry" to session.orderExpiry,
                "sdk_payload_expiry" to session.sdkPayload.expiry,
                "client_auth_token_expiry" to session.sdkPayload.payload.clientAuthTokenExpiry,
            ),
        )
        val problems = compare(case["session"], got).toMutableList()
        if (session.routingId != "") problems += "routing_id: a parsed answer has none, got ${session.routingId}"
        val payload = mapper.readTree(session.sdkPayloadJson)
        val published = mapper.readTree(body)["sdk_payload"]
        if (payload != published) problems += "sdk_payload_json: expected $published, got $payload"
        problems
    }

    // --- order_status.json -------------------------------------------------------------------

    /** The order's typed fields under the corpus's names. */
    private fun orderFields(order: OrderStatus): JsonNode = tree(
        mapOf(
            "order_id" to order.orderId,
            "id" to order.id,
            "status" to order.status.wireName(),
            "status_id" to order.statusId,
            "amount" to order.amount,
            "currency" to order.currency,
            "customer_id" to order.customerId,
            "refunded" to order.refunded,
            "amount_refunded" to order.amountRefunded,
            "effective_amount" to order.effectiveAmount,
            "txn_id" to order.txnId,
            "txn_uuid" to order.txnUuid,
            "gateway_id" to order.gatewayId,
            "gateway_reference_id" to order.gatewayReferenceId,
            "auth_type" to order.authType,
            "payment_method" to order.paymentMethod,
            "payment_method_type" to order.paymentMethodType,
            "card_last_four" to order.card?.lastFourDigits,
            "card_brand" to order.card?.cardBrand,
            "card_type" to order.card?.cardType,
            "card_issuer_country" to order.card?.cardIssuerCountry,
            "payer_vpa" to order.payerVpa,
            "refund_count" to order.refunds.size,
            "refunds" to order.refunds.map {
                mapOf(
                    "unique_request_id" to it.uniqueRequestId, "id" to it.id, "reference" to it.reference,
                    "status" to it.status, "amount" to it.amount, "sent_to_gateway" to it.sentToGateway,
                    "refund_type" to it.refundType, "error_code" to it.errorCode, "error_message" to it.errorMessage,
                )
            },
            "txn_detail" to order.txnDetail?.let {
                mapOf(
                    "txn_id" to it.txnId, "txn_uuid" to it.txnUuid, "gateway" to it.gateway,
                    "status" to it.status, "error_code" to it.errorCode, "error_message" to it.errorMessage,
                )
            },
        ),
    )

    private fun verdictName(verdict: PaymentVerdict): String = when (verdict) {
        is PaymentVerdict.Paid -> "paid"
        is PaymentVerdict.Refunded -> "refunded"
        is PaymentVerdict.PartiallyRefunded -> "partially_refunded"
        is PaymentVerdict.PartiallyCharged -> "partially_charged"
        is PaymentVerdict.NotCharged -> "not_charged"
        else -> "other: $verdict"
    }

    @TestFactory
    fun orderStatus() = tests("order_status.json") { case ->
        val body = case["body"].asText()
        val order = parseOrderStatusResponse(case["http_status"].asInt(200).toUShort(), emptyMap(), body)
        val problems = compare(case["order"], orderFields(order)).toMutableList()
        if (!mapper.readTree(body).has("card") && order.card != null) problems += "card: ${order.card} for a body without a card"
        if (order.rawJson != body) problems += "raw_json differs from the body"
        // A body without an amount has nothing to check the payment against.
        val amount = order.amount
        val want = case["check"]?.get("verdict")?.asText()
        if (want != null && amount != null) {
            val verdict = checkOrderPayment(order, order.orderId, amount)
            if (verdictName(verdict) != want) problems += "verdict: expected $want, got $verdict"
        }
        problems
    }

    // --- errors.json -------------------------------------------------------------------------

    @TestFactory
    fun errors() = tests("errors.json") { case ->
        val status = (case["http_status"]?.takeIf { !it.isNull }?.asInt() ?: 400).toUShort()
        val body = case["body"].asText()
        val outcome = runCatching {
            if (case["endpoint"].asText() == "order_status") parseOrderStatusResponse(status, emptyMap(), body)
            else parseSessionResponse(status, emptyMap(), body)
        }
        val error = outcome.exceptionOrNull() ?: return@tests listOf("parsed as a success: ${outcome.getOrNull()}")
        if (error !is HyperCheckoutException) return@tests listOf("not a HyperCheckoutException: $error")
        val kind = error.javaClass.simpleName
        if (kind !in API_KINDS) return@tests listOf("expected an API error, got $kind: $error")
        val fields = ConformanceTest.errorFields(error)
        val problems = compare(case["error"], tree(fields)).toMutableList()
        val excerpt = body.codePoints().limit(BODY_EXCERPT_CHARS.toLong())
            .collect(::StringBuilder, StringBuilder::appendCodePoint, StringBuilder::append).toString()
        if (fields["body_excerpt"] != excerpt) problems += "body_excerpt: expected the body's first $BODY_EXCERPT_CHARS characters"
        if (error.message.isNullOrEmpty()) problems += "the exception has no message"
        problems
    }

    // --- webhooks.json -----------------------------------------------------------------------

    @TestFactory
    fun webhooks() = tests("webhooks.json") { case ->
        val body = case["body"].asText()
        val event = parseWebhook(body)
        val order = event.order
        val got = tree(
            mapOf(
                "id" to event.id,
                "event_name" to event.eventName.wireName(),
                "date_created" to event.dateCreated,
                "order_id" to order?.orderId,
                "order_status" to order?.status?.wireName(),
                "refund_count" to order?.refunds?.size,
            ),
        )
        val problems = compare(case["event"], got).toMutableList()
        if (event.rawJson != body) problems += "raw_json differs from the body"
        problems
    }

    private companion object {
        const val BODY_EXCERPT_CHARS = 512
        val API_KINDS = setOf("Authentication", "InvalidRequest", "NotFound", "RateLimited", "Server")
        val pairOrder = compareBy<Pair<String, String>>({ it.first }, { it.second })
    }
}
