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

    private fun cases(file: String): List<JsonNode> {
        val dir = File(System.getProperty("hypercheckout.testdata") ?: "../../testdata")
        val path = File(dir, file)
        assertTrue(path.isFile, "missing conformance file $path")
        val cases = mapper.readTree(path)["cases"]
        assertTrue(cases != null && cases.isArray && cases.size() > 0, "$path has no cases")
        val names = cases.map { it["name"].asText() }
        assertEquals(names.size, names.toSet().size, "$path: case names must be unique")
        return cases.toList()
    }

    private fun tests(file: String, run: (JsonNode) -> Unit): List<DynamicTest> =
        cases(file).map { case -> dynamicTest("$file: ${case["name"].asText()}") { run(case) } }

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

        /** The error's fields under their snake_case (Rust and testdata) names. */
        fun errorFields(e: HyperCheckoutException): Map<String, Any?> = when (e) {
            is HyperCheckoutException.Authentication ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId)
            is HyperCheckoutException.InvalidRequest ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId)
            is HyperCheckoutException.NotFound ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId)
            is HyperCheckoutException.Server ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId)
            is HyperCheckoutException.RateLimited ->
                api(e.httpStatus, e.status, e.errorCode, e.errorMessage, e.userMessage, e.requestId) +
                    ("retry_after_seconds" to e.retryAfterSeconds?.toLong())
            is HyperCheckoutException.UnexpectedResponse -> mapOf(
                "http_status" to e.httpStatus.toInt(), "reason" to e.reason,
                "body_excerpt" to e.bodyExcerpt, "request_id" to e.requestId,
            )
            is HyperCheckoutException.Timeout -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Connection -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Configuration -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Internal -> mapOf("reason" to e.reason)
            is HyperCheckoutException.Validation -> mapOf("violations" to e.violations)
        }

        private fun api(
            httpStatus: UShort, status: String?, errorCode: String?, errorMessage: String?,
            userMessage: String?, requestId: String?,
        ) = mapOf(
            "http_status" to httpStatus.toInt(), "status" to status, "error_code" to errorCode,
            "error_message" to errorMessage, "user_message" to userMessage, "request_id" to requestId,
        )
    }
}
