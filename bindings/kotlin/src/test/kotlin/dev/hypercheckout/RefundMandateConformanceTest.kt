package dev.hypercheckout

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File

/**
 * The shared refund and mandate vectors (`testdata/refunds.json`, `testdata/mandates.json`;
 * schema in each file's `about` and docs/testdata.md) through the exported functions, as
 * `core/tests/conformance_after_payment.rs` runs them. Every kind of case must be present.
 */
class RefundMandateConformanceTest {
    private val mapper = ObjectMapper()

    private fun cases(file: String): List<JsonNode> {
        val path = File(System.getProperty("hypercheckout.testdata") ?: "../../testdata", file)
        assertTrue(path.isFile, "missing conformance file $path")
        val cases = mapper.readTree(path)["cases"].toList()
        assertTrue(cases.size >= 40, "$path has only ${cases.size} cases")
        return cases
    }

    private fun text(node: JsonNode?): String? = if (node == null || node.isNull) null else node.asText()

    private fun headers(case: JsonNode): Map<String, String> =
        case["headers"]?.fields()?.asSequence()?.associate { it.key to it.value.asText() } ?: emptyMap()

    private fun refund(node: JsonNode) = RefundRequest(
        orderId = text(node["order_id"])!!, uniqueRequestId = text(node["unique_request_id"])!!,
        amount = text(node["amount"]), routingId = text(node["routing_id"])!!,
    )

    private fun execution(node: JsonNode) = MandateExecution(
        orderId = text(node["order_id"])!!, amount = text(node["amount"])!!,
        customerId = text(node["customer_id"])!!, mandateId = text(node["mandate_id"])!!,
        executionDate = text(node["execution_date"]), currency = text(node["currency"]),
        routingId = text(node["routing_id"]),
    )

    /** Violations as `[field, code]` pairs, in the order the core gives them (the files fix it). */
    private fun violations(expected: JsonNode, actual: List<Violation>) =
        assertEquals(expected.map { it[0].asText() to it[1].asText() }, actual.map { it.field to it.code })

    private fun call(expected: JsonNode, actual: WireCall) = compare(
        "call", expected,
        mapOf(
            "method" to actual.method, "path" to actual.path, "content_type" to actual.contentType,
            "version" to actual.version, "routing_id" to actual.routingId, "body" to actual.body,
        ),
    )

    /** Only the keys present; `null` means absent; a key this test does not know fails. */
    private fun compare(what: String, expected: JsonNode, actual: Map<String, Any?>) {
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

    private fun error(expected: JsonNode, thrown: Throwable) {
        assertTrue(thrown is HyperCheckoutException, "expected a HyperCheckoutException, got $thrown")
        thrown as HyperCheckoutException
        assertEquals(expected["kind"].asText(), thrown.javaClass.simpleName, "kind of $thrown")
        // `status` and `error_code` are null for the kinds that have none (as the Rust runner's
        // `api_status()` / `error_code()`).
        val fields = ConformanceTest.errorFields(thrown)
        for (key in expected.fieldNames()) {
            if (key == "kind") continue
            assertTrue(key == "status" || key == "error_code", "error key $key is not known to this test")
            assertEquals(text(expected[key]), fields[key]?.toString(), "$key of $thrown")
        }
    }

    private fun order(expected: JsonNode, order: OrderStatus) {
        val plain = (expected.deepCopy<JsonNode>() as com.fasterxml.jackson.databind.node.ObjectNode).apply { remove("refunds") }
        compare(
            "order", plain,
            mapOf(
                "order_id" to order.orderId, "status" to order.status.wireName(),
                "amount_refunded" to order.amountRefunded, "refund_count" to order.refunds.size,
            ),
        )
        expected["refunds"]?.let { refunds ->
            assertEquals(refunds.size(), order.refunds.size, "refunds")
            refunds.forEachIndexed { i, want ->
                val got = order.refunds[i]
                compare("refunds[$i]", want, mapOf("unique_request_id" to got.uniqueRequestId, "status" to got.status, "amount" to got.amount))
            }
        }
    }

    private fun <T> answer(case: JsonNode, parse: () -> T, check: (T) -> Unit) {
        val result = runCatching(parse)
        case["error"]?.let { want -> error(want, result.exceptionOrNull() ?: throw AssertionError("expected an error, got ${result.getOrNull()}")) }
            ?: check(result.getOrThrow())
    }

    private fun kinds(file: String, cases: List<JsonNode>, vararg expected: String) =
        assertEquals(expected.toSet(), cases.map { it["kind"].asText() }.toSet(), "$file: kinds of case")

    @TestFactory
    fun refunds(): List<DynamicTest> {
        val cases = cases("refunds.json")
        kinds("refunds.json", cases, "wire", "validation", "answer", "find_refund")
        return cases.map { case ->
            dynamicTest("refunds.json: ${case["name"].asText()}") {
                val status = case["http_status"]?.asInt()?.toUShort()
                when (case["kind"].asText()) {
                    "wire" -> call(case["call"], refundCall(refund(case["request"])))
                    "validation" -> violations(case["violations"], validateRefund(refund(case["request"])))
                    "answer" -> answer(case, { parseRefundResponse(status!!, headers(case), case["body"].asText()) }) { order(case["order"], it) }
                    "find_refund" -> {
                        val parsed = parseOrderStatusResponse(200u, emptyMap(), case["order_body"].asText())
                        val found = findRefund(parsed, refund(case["request"]))
                        assertEquals(case["found"].asBoolean(), found != null, "found")
                        if (found != null) assertEquals(case["request"]["unique_request_id"].asText(), found.uniqueRequestId)
                    }
                    else -> throw AssertionError("unknown kind ${case["kind"]}")
                }
            }
        }
    }

    @TestFactory
    fun mandates(): List<DynamicTest> {
        val cases = cases("mandates.json")
        kinds("mandates.json", cases, "wire", "validation", "answer")
        return cases.map { case ->
            dynamicTest("mandates.json: ${case["name"].asText()}") {
                val args = case["args"]
                val status = case["http_status"]?.asInt()?.toUShort()
                when (case["kind"].asText() to (case["call"] ?: case["parse"])?.asText()) {
                    "wire" to "status" -> call(case["expect"], mandateStatusCall(args["mandate_id"].asText(), args["routing_id"].asText()))
                    "wire" to "revoke" -> call(case["expect"], revokeMandateCall(args["mandate_id"].asText(), args["routing_id"].asText()))
                    "wire" to "execute" -> call(case["expect"], executeMandateCall(execution(args["execution"]), args["merchant_id"].asText()))
                    "validation" to "lookup" ->
                        violations(case["violations"], validateMandateLookup(args["mandate_id"].asText(), args["routing_id"].asText()))
                    "validation" to "execution" -> violations(case["violations"], validateMandateExecution(execution(args["execution"])))
                    "answer" to "mandate" -> answer(case, { parseMandateResponse(status!!, headers(case), case["body"].asText()) }) { m ->
                        compare(
                            "mandate", case["mandate"],
                            mapOf(
                                "mandate_id" to m.mandateId, "status" to m.status.wireName(),
                                "known_status" to (m.status !is MandateState.Other), "order_id" to m.orderId,
                                "customer_id" to m.customerId, "max_amount" to m.maxAmount, "frequency" to m.frequency,
                                "amount_rule" to m.amountRule, "start_date" to m.startDate, "end_date" to m.endDate,
                                "block_fund" to m.blockFund, "revokable_by_customer" to m.revokableByCustomer,
                                "currency" to m.currency, "mandate_type" to m.mandateType,
                                "payment_method_type" to m.paymentMethodType,
                            ),
                        )
                    }
                    "answer" to "execution" ->
                        answer(case, { parseMandateExecutionResponse(status!!, headers(case), case["body"].asText()) }) { x ->
                            compare(
                                "execution", case["execution"],
                                mapOf(
                                    "order_id" to x.orderId, "status" to x.status.wireName(),
                                    "known_status" to (x.status !is OrderState.Unknown), "txn_id" to x.txnId,
                                    "txn_uuid" to x.txnUuid, "authentication_method" to x.authenticationMethod,
                                ),
                            )
                        }
                    else -> throw AssertionError("unknown case kind ${case["kind"]} / ${case["call"] ?: case["parse"]}")
                }
            }
        }
    }
}
