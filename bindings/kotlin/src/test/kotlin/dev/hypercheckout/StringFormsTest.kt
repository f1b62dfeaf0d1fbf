package dev.hypercheckout

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/**
 * What records, enums and errors print (issue 12): `toString()` and string templates never
 * show the customer's e-mail or phone, the client auth token, the payer's VPA, the mandate
 * token or the API key (`testdata/redaction.json`, the same vectors as Rust, Python and
 * Swift), and enums print Juspay's wire names instead of `OrderState$New@5faeada1`.
 */
class StringFormsTest {
    private val vectors: JsonNode = run {
        val dir = File(System.getProperty("hypercheckout.testdata") ?: "../../testdata")
        val path = File(dir, "redaction.json")
        assertTrue(path.isFile, "missing $path")
        ObjectMapper().readTree(path)
    }
    private val canaries: Map<String, String> =
        vectors["canaries"].fields().asSequence().associate { it.key to it.value.asText() }
    private val headers = mapOf("content-type" to "application/json")

    private fun text(key: String): String = vectors[key].asText()

    /** Every JVM string form of [value]; none shows a canary, and [hides] says one was hidden. */
    private fun assertRedacted(label: String, value: Any, hides: Boolean = true) {
        val forms = listOf(value.toString(), "$value", java.lang.String.valueOf(value), listOf(value).toString())
        for (form in forms) {
            for ((name, canary) in canaries) assertFalse(form.contains(canary), "$label shows $name: $form")
            if (hides) assertTrue(form.contains(text("redacted")), "$label hides nothing: $form")
            assertTrue(form.contains(label.substringBefore('.')), "$label is not named: $form")
        }
    }

    @Test
    fun `no record prints customer data or secrets`() {
        val request = parseSessionRequest(text("session_request_json"))
        assertEquals(canaries["customer_email"], request.customerEmail)
        assertRedacted("SessionRequest", request)
        // A copy made the Kotlin way prints the same way.
        assertRedacted("SessionRequest", request.copy(amount = "2.00"))

        val session = parseSessionResponse(200.toUShort(), headers, text("session_response_body"))
        assertEquals(canaries["client_auth_token"], session.sdkPayload.payload.clientAuthToken)
        assertRedacted("Session", session)
        assertRedacted("SdkPayload", session.sdkPayload)
        assertRedacted("SdkPayloadDetails", session.sdkPayload.payload)

        val order = parseOrderStatusResponse(200.toUShort(), headers, text("order_status_body"))
        assertEquals(canaries["payer_vpa"], order.payerVpa)
        assertRedacted("OrderStatus", order)
        assertTrue(order.toString().contains("status=CHARGED"), order.toString())

        val mandate = parseMandateResponse(200.toUShort(), headers, text("mandate_body"))
        assertEquals(canaries["mandate_token"], mandate.mandateToken)
        assertRedacted("MandateDetails", mandate)
        assertTrue(mandate.toString().contains("status=ACTIVE"), mandate.toString())

        val execution = parseMandateExecutionResponse(200.toUShort(), headers, text("mandate_execution_body"))
        assertRedacted("MandateExecutionResult", execution)

        for (key in listOf("order_webhook_body", "mandate_webhook_body")) {
            val event = parseWebhook(text(key))
            assertTrue(event.order != null || event.mandate != null, key)
            assertRedacted("WebhookEvent", event)
        }

        val refund = RefundRequest(orderId = "order-canary", uniqueRequestId = "r-1", amount = "1.00", routingId = "cust-canary")
        assertRedacted("RefundRequest", refund, hides = false)
        assertEquals(
            """RefundRequest(order_id="order-canary", unique_request_id="r-1", amount="1.00", routing_id="cust-canary")""",
            refund.toString(),
        )
        val mandateExecution = MandateExecution(
            orderId = "exec-1", amount = "1.00", customerId = "cust-canary", mandateId = "mdt-canary",
            executionDate = null, currency = null, routingId = null,
        )
        assertRedacted("MandateExecution", mandateExecution, hides = false)

        val config = ClientConfig(merchantId = "merchant", apiKey = canaries.getValue("api_key"), environment = Environment.SANDBOX)
        assertRedacted("ClientConfig", config)
    }

    @Test
    fun `validation errors do not echo customer data`() {
        val request = parseSessionRequest(text("invalid_session_request_json"))
        val violations = validate(request)
        assertTrue(violations.any { it.field == "customer_email" } && violations.any { it.field == "customer_phone" }, "$violations")
        val config = ClientConfig(
            merchantId = "merchant", apiKey = canaries.getValue("api_key"), environment = Environment.SANDBOX,
            baseUrl = "http://127.0.0.1:9",
        )
        val error = Client(config).use { client ->
            assertThrows<HyperCheckoutException.Validation> { client.createSessionBlocking(request) }
        }
        val forms = listOf(error.toString(), error.message.orEmpty(), error.description, "$violations") +
            violations.map { it.toString() }
        for (form in forms) {
            for ((name, canary) in canaries) assertFalse(form.contains(canary), "error text shows $name: $form")
        }
        // A violation prints as the core's sentence, not as a field dump.
        assertTrue(violations.first().toString().startsWith(violations.first().field + " "), violations.first().toString())
    }

    @Test
    fun `enums print their wire names`() {
        val names = vectors["enum_wire_names"]
        fun expect(key: String, value: Any) {
            assertEquals(names[key].asText(), value.toString(), key)
            assertEquals(names[key].asText(), "$value", key)
        }
        expect("order_state_charged", OrderState.Charged)
        expect("order_state_new", OrderState.New)
        expect("mandate_state_active", MandateState.Active)
        expect("webhook_event_order_succeeded", WebhookEventName.OrderSucceeded)
        expect("action_payment_page", Action.PaymentPage)
        expect("action_quick_pay", Action.QuickPay)
        expect("mandate_frequency_as_presented", MandateFrequency.AS_PRESENTED)
        expect("amount_rule_fixed", AmountRule.FIXED)
        expect("create_mandate_required", CreateMandate.REQUIRED)
        // Open sets print an unknown name as received.
        assertEquals("SOMETHING_NEW", OrderState.Unknown("SOMETHING_NEW").toString())
        assertEquals("NOT_CHARGED_YET", Action.Other("NOT_CHARGED_YET").toString())
        // A verdict reads as the core's sentence.
        assertTrue(PaymentVerdict.NotCharged(OrderState.New).toString().contains("NEW"))
    }
}
