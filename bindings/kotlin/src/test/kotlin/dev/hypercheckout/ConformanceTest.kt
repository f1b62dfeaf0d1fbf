package dev.hypercheckout

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File

/**
 * Every case of the shared conformance vectors in `testdata/` (schema: `docs/testdata.md`),
 * through the same exported functions every language uses. A missing file fails the test
 * factory, so the vectors cannot silently stop running.
 */
class ConformanceTest {
    private val mapper = ObjectMapper()

    private fun cases(file: String, minimum: Int = 1): List<JsonNode> {
        val dir = File(System.getProperty("hypercheckout.testdata") ?: "../../testdata")
        val path = File(dir, file)
        assertTrue(path.isFile, "missing conformance file $path")
        val cases = mapper.readTree(path)["cases"]
        assertTrue(cases != null && cases.isArray && cases.size() > 0, "$path has no cases")
        assertTrue(cases.size() >= minimum, "$path has ${cases.size()} cases, expected at least $minimum")
        val names = cases.map { it["name"].asText() }
        assertEquals(names.size, names.toSet().size, "$path: case names must be unique")
        return cases.toList()
    }

    private fun tests(file: String, minimum: Int = 1, run: (JsonNode) -> Unit): List<DynamicTest> =
        cases(file, minimum).map { case -> dynamicTest("$file: ${case["name"].asText()}") { run(case) } }

    private fun expectedViolations(case: JsonNode): List<Pair<String, String>> =
        case["violations"].map { it["field"].asText() to it["code"].asText() }.sortedWith(pairOrder)

    private fun actualViolations(violations: List<Violation>): List<Pair<String, String>> =
        violations.map { it.field to it.code }.sortedWith(pairOrder)

    @TestFactory
    fun validation() = tests("validation.json") { case ->
        val request = parseSessionRequest(mapper.writeValueAsString(case["request"]))
        assertEquals(expectedViolations(case), actualViolations(validate(request)))
    }

    @TestFactory
    fun parseErrors() = tests("parse_errors.json") { case ->
        try {
            parseSessionRequest(case["json"].asText())
            fail<Unit>("parse_session_request accepted ${case["json"].asText()}")
        } catch (e: HyperCheckoutException.Validation) {
            assertEquals(expectedViolations(case), actualViolations(e.violations))
        }
    }

    @TestFactory
    fun wire() = tests("wire.json") { case ->
        val request = parseSessionRequest(mapper.writeValueAsString(case["request"]))
        assertEquals(case["body"], mapper.readTree(sessionRequestToJson(request)))
        assertEquals(case["routing_id"].asText(), routingId(request))
    }

    @TestFactory
    fun responses() = tests("responses.json") { case ->
        val headers = case["headers"]?.fields()?.asSequence()?.associate { it.key to it.value.asText() } ?: emptyMap()
        val outcome = runCatching {
            parseSessionResponse(case["http_status"].asInt().toUShort(), headers, case["body"].asText())
        }
        val expectedSession = case["session"]
        if (expectedSession != null && !expectedSession.isNull) {
            val session = outcome.getOrElse { fail("expected a session, got $it") }
            checkSession(expectedSession, session)
        } else {
            val error = outcome.exceptionOrNull() ?: fail("expected an error, got ${outcome.getOrNull()}")
            checkError(case["error"], error)
        }
    }

    // --- the merchant flow: signatures.json, order_status.json, webhooks.json ---

    /** `Valid`, `MissingSignature`, ... (the Rust/testdata names) for a Kotlin enum constant. */
    private fun verdictName(v: SignatureVerdict): String =
        v.name.lowercase().split('_').joinToString("") { it.replaceFirstChar(Char::uppercase) }

    @TestFactory
    fun signatures() = tests("signatures.json", minimum = 38) { case ->
        val key = case["response_key"].asText()
        val params = case["params"]
        val query = case["query"]
        assertTrue((params == null) != (query == null), "a case has exactly one of params / query")
        val verdict = if (params != null) {
            val map = params.fields().asSequence().associate { it.key to it.value.asText() }
            assertEquals(params.size(), map.size)
            verifyReturnUrlSignature(map, key)
        } else {
            verifyReturnUrlSignatureFromQuery(query.asText(), key)
        }
        assertEquals(case["verdict"].asText(), verdictName(verdict))
        assertEquals(verdict == SignatureVerdict.VALID, verdict.isValid())
    }

    @TestFactory
    fun signaturesIncludeThePublishedVector() = listOf(
        dynamicTest("signatures.json: published_vector is present and Valid") {
            val case = cases("signatures.json").single { it["name"].asText() == "published_vector" }
            assertEquals("Valid", case["verdict"].asText())
            assertEquals("92206A0A4A75499C9B11206C2B3B9A53", case["response_key"].asText())
        },
    )

    @TestFactory
    fun orderStatus() = tests("order_status.json", minimum = 30) { case ->
        val outcome = runCatching {
            parseOrderStatusResponse(case["http_status"].asInt().toUShort(), headers(case), case["body"].asText())
        }
        val expectedOrder = case["order"]
        if (expectedOrder != null) {
            val order = outcome.getOrElse { fail("expected an order, got $it") }
            checkOrder(expectedOrder, order)
            assertEquals(case["body"].asText(), order.rawJson, "raw_json")
        } else {
            val error = outcome.exceptionOrNull() ?: fail("expected an error, got ${outcome.getOrNull()}")
            checkError(case["error"] ?: fail("case has neither order nor error"), error)
        }
    }

    /** Every documented status appears in order_status.json (the vectors cannot lose one). */
    @TestFactory
    fun orderStatusCoversEveryDocumentedStatus() = listOf(
        dynamicTest("order_status.json: all 18 documented statuses") {
            val seen = cases("order_status.json")
                .mapNotNull { it["order"] }
                .filter { it["known_status"]?.asBoolean() != false }
                .mapNotNull { it["status"]?.asText() }
                .toSet()
            val documented = listOf(
                "NEW", "STARTED", "CHARGED", "JUSPAY_DECLINED", "PENDING_VBV", "VBV_SUCCESSFUL",
                "AUTHORIZED", "AUTHENTICATION_FAILED", "AUTHORIZATION_FAILED", "AUTHORIZING",
                "COD_INITIATED", "VOIDED", "VOID_INITIATED", "CAPTURE_INITIATED", "CAPTURE_FAILED",
                "VOID_FAILED", "AUTO_REFUNDED", "NOT_FOUND",
            )
            assertEquals(emptyList<String>(), documented.filter { it !in seen }, "statuses without a vector")
        },
    )

    @TestFactory
    fun webhooks(): List<DynamicTest> {
        val all = cases("webhooks.json", minimum = 20)
        val auth = all.count { it.has("authorization") }
        val bodies = all.count { it.has("body") }
        assertTrue(auth >= 10, "webhooks.json: only $auth authorization cases")
        assertTrue(bodies >= 8, "webhooks.json: only $bodies body cases")
        assertEquals(all.size, auth + bodies, "every webhooks.json case is one of the two kinds")
        return tests("webhooks.json", minimum = 20) { case ->
            if (case.has("authorization")) {
                val accepted = verifyWebhookAuth(
                    case["authorization"].asText(), case["username"].asText(), case["password"].asText(),
                )
                assertEquals(case["accepted"].asBoolean(), accepted)
            } else {
                val body = case["body"].asText()
                val outcome = runCatching { parseWebhook(body) }
                val expectedEvent = case["event"]
                if (expectedEvent != null) {
                    val event = outcome.getOrElse { fail("expected an event, got $it") }
                    checkEvent(expectedEvent, event)
                    assertEquals(body, event.rawJson, "raw_json")
                } else {
                    val error = outcome.exceptionOrNull() ?: fail("expected an error, got ${outcome.getOrNull()}")
                    checkError(case["error"] ?: fail("case has neither event nor error"), error)
                }
            }
        }
    }

    private fun headers(case: JsonNode): Map<String, String> =
        case["headers"]?.fields()?.asSequence()?.associate { it.key to it.value.asText() } ?: emptyMap()

    /** Compares only the keys present; `null` means absent. Unknown keys fail the case. */
    private fun compareKeys(what: String, expected: JsonNode, actual: Map<String, Any?>) {
        for (key in expected.fieldNames()) {
            assertTrue(key in actual, "$what: key $key is not known to this test")
            val want = expected[key]
            val got = actual[key]
            when {
                want.isNull -> assertEquals(null, got, "$what.$key")
                want.isBoolean -> assertEquals(want.asBoolean(), got, "$what.$key")
                want.isIntegralNumber -> assertEquals(want.asLong(), (got as Number?)?.toLong(), "$what.$key")
                else -> assertEquals(want.asText(), got?.toString(), "$what.$key")
            }
        }
    }

    private fun checkOrder(expected: JsonNode, order: OrderStatus, what: String = "order") {
        val udfs = listOf(
            order.udf1, order.udf2, order.udf3, order.udf4, order.udf5,
            order.udf6, order.udf7, order.udf8, order.udf9, order.udf10,
        ).mapIndexed { i, v -> "udf${i + 1}" to v }
        val actual = mapOf(
            "order_id" to order.orderId, "id" to order.id, "status" to order.status.wireName(),
            "known_status" to (order.status !is OrderState.Unknown), "status_id" to order.statusId,
            "amount" to order.amount, "currency" to order.currency, "customer_id" to order.customerId,
        ) + udfs
        compareKeys(what, expected, actual)
    }

    private fun checkEvent(expected: JsonNode, event: WebhookEvent) {
        val actual = mapOf(
            "id" to event.id, "event_name" to event.eventName.wireName(),
            "known_event" to (event.eventName !is WebhookEventName.Unknown),
            "date_created" to event.dateCreated,
        )
        val withoutOrder = (expected.deepCopy<JsonNode>() as com.fasterxml.jackson.databind.node.ObjectNode).apply { remove("order") }
        compareKeys("event", withoutOrder, actual)
        expected["order"]?.let { want ->
            if (want.isNull) assertEquals(null, event.order, "event.order")
            else checkOrder(want, event.order ?: fail("event.order is null"), "event.order")
        }
    }

    private fun checkSession(expected: JsonNode, session: Session) {
        expected["status"]?.let { assertEquals(it.asText(), session.status) }
        expected["id"]?.let { assertEquals(it.asText(), session.id) }
        expected["order_id"]?.let { assertEquals(it.asText(), session.orderId) }
        expected["payment_link"]?.let { assertEquals(it.asText(), session.paymentLink) }
        expected["sdk_payload_json"]?.let { assertEquals(it.asText(), session.sdkPayloadJson) }
        expected["sdk_payload"]?.let { sdk ->
            sdk["request_id"]?.let { assertEquals(it.asText(), session.sdkPayload.requestId) }
            sdk["service"]?.let { assertEquals(it.asText(), session.sdkPayload.service) }
            sdk["payload"]?.let { payload ->
                val p = session.sdkPayload.payload
                val actual = mapOf(
                    "client_id" to p.clientId, "amount" to p.amount, "merchant_id" to p.merchantId,
                    "client_auth_token" to p.clientAuthToken,
                    "client_auth_token_expiry" to p.clientAuthTokenExpiry,
                    "environment" to p.environment, "action" to p.action,
                    "customer_id" to p.customerId, "return_url" to p.returnUrl,
                    "currency" to p.currency, "first_name" to p.firstName, "last_name" to p.lastName,
                    "customer_phone" to p.customerPhone, "customer_email" to p.customerEmail,
                    "order_id" to p.orderId, "description" to p.description,
                )
                for ((key, value) in actual) {
                    val want = payload[key]
                    assertEquals(if (want == null || want.isNull) null else want.asText(), value, "sdk_payload.payload.$key")
                }
                val unknown = payload.fieldNames().asSequence().filter { it !in actual }.toList()
                assertTrue(unknown.isEmpty(), "payload keys this test does not know: $unknown")
            }
        }
    }

    private fun checkError(expected: JsonNode, error: Throwable) {
        assertTrue(error is HyperCheckoutException, "expected HyperCheckoutException, got $error")
        assertEquals(expected["kind"].asText(), error.javaClass.simpleName, "error kind of $error")
        val fields = errorFields(error as HyperCheckoutException)
        for (key in expected.fieldNames()) {
            if (key == "kind") continue
            if (key == "violations") {
                assertEquals(expectedViolations(expected), actualViolations((error as HyperCheckoutException.Validation).violations))
                continue
            }
            assertTrue(key in fields, "$key is not a field of ${error.javaClass.simpleName}")
            val want = expected[key]
            val got = fields[key]
            if (want.isNull) assertEquals(null, got, key)
            else if (want.isNumber) assertEquals(want.asLong(), (got as Number?)?.toLong(), key)
            else assertEquals(want.asText(), got?.toString(), key)
        }
    }

    companion object {
        private val pairOrder = compareBy<Pair<String, String>>({ it.first }, { it.second })

        /**
         * The error's fields under their snake_case (Rust and testdata) names; an API error's
         * `error_info` under the corpus's names (`error_info_code`, `developer_message`, ...,
         * `fields` null when Juspay listed none), as `core/tests/common` does.
         */
        fun errorFields(e: HyperCheckoutException): Map<String, Any?> = when (e) {
            is HyperCheckoutException.Authentication ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId, e.errorInfo, e.bodyExcerpt)
            is HyperCheckoutException.InvalidRequest ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId, e.errorInfo, e.bodyExcerpt)
            is HyperCheckoutException.NotFound ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId, e.errorInfo, e.bodyExcerpt)
            is HyperCheckoutException.Server ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId, e.errorInfo, e.bodyExcerpt)
            is HyperCheckoutException.RateLimited ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId, e.errorInfo, e.bodyExcerpt) +
                    ("retry_after_seconds" to e.retryAfterSeconds?.toLong())
            is HyperCheckoutException.UnexpectedResponse -> mapOf(
                "http_status" to e.httpStatus.toInt(), "reason" to e.reason,
                "body_excerpt" to e.bodyExcerpt, "request_id" to e.requestId,
            )
            is HyperCheckoutException.Timeout -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Connection -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Certificate -> mapOf("check" to e.check.toString(), "reason" to e.reason)
            is HyperCheckoutException.NotAuthentic -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Configuration -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Internal -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Validation -> mapOf("violations" to e.violations)
        }

        private fun api(
            httpStatus: UShort, status: String?, errorCode: String?, errorMessage: String?,
            userMessage: String?, requestId: String?, info: ErrorInfo?, bodyExcerpt: String,
        ) = mapOf(
            "http_status" to httpStatus.toInt(), "status" to status, "error_code" to errorCode,
            "error_message" to errorMessage, "user_message" to userMessage, "request_id" to requestId,
            "body_excerpt" to bodyExcerpt,
            "error_info_code" to info?.code, "error_info_category" to info?.category,
            "developer_message" to info?.developerMessage, "error_info_request_id" to info?.requestId,
            "fields" to info?.fields?.takeIf { it.isNotEmpty() }
                ?.map { mapOf("field_name" to it.fieldName, "reason" to it.reason) },
        )
    }
}
