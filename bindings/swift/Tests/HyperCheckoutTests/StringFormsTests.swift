// What records, enums and errors print (issue 12): never the customer's e-mail or phone, the
// client auth token, the payer's VPA, the mandate token or the API key
// (`testdata/redaction.json`, the same vectors as Rust, Kotlin and Python); enums print
// Juspay's wire names.

import Foundation
import HyperCheckout
import XCTest

final class StringFormsTests: XCTestCase {
    private var vectors: [String: Any] = [:]
    private var canaries: [String: String] = [:]
    private let headers = ["content-type": "application/json"]

    override func setUpWithError() throws {
        let url = testdataDir.appendingPathComponent("redaction.json")
        guard let data = FileManager.default.contents(atPath: url.path),
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let canaries = root["canaries"] as? [String: String], !canaries.isEmpty
        else { throw TestSetupError(description: "\(url.path) is missing or has no canaries") }
        vectors = root
        self.canaries = canaries
    }

    private func text(_ key: String) -> String { vectors[key] as? String ?? "<missing \(key)>" }

    /// Every way Swift turns a value into text.
    private func forms(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        var forms = ["\(value)", String(describing: value), String(reflecting: value), dumped, "\([value])"]
        if let error = value as? Error {
            forms.append(error.localizedDescription)
            forms.append((error as NSError).description)
        }
        if let error = value as? LocalizedError { forms += [error.errorDescription].compactMap { $0 } }
        return forms
    }

    private func assertRedacted(
        _ label: String, _ value: Any, hides: Bool = true, file: StaticString = #filePath, line: UInt = #line
    ) {
        for form in forms(value) {
            for (name, canary) in canaries where form.contains(canary) {
                XCTFail("\(label) shows \(name): \(form)", file: file, line: line)
            }
            if hides { XCTAssertTrue(form.contains(text("redacted")), "\(label) hides nothing: \(form)", file: file, line: line) }
            XCTAssertTrue(form.contains(label), "\(label) is not named: \(form)", file: file, line: line)
        }
    }

    func testNoRecordPrintsCustomerDataOrSecrets() throws {
        let request = try parseSessionRequest(json: text("session_request_json"))
        XCTAssertEqual(request.customerEmail, canaries["customer_email"], "the value stays readable in code")
        assertRedacted("SessionRequest", request)

        let session = try parseSessionResponse(httpStatus: 200, headers: headers, body: text("session_response_body"))
        XCTAssertEqual(session.sdkPayload.payload.clientAuthToken, canaries["client_auth_token"])
        assertRedacted("Session", session)
        assertRedacted("SdkPayload", session.sdkPayload)
        assertRedacted("SdkPayloadDetails", session.sdkPayload.payload)

        let order = try parseOrderStatusResponse(httpStatus: 200, headers: headers, body: text("order_status_body"))
        XCTAssertEqual(order.payerVpa, canaries["payer_vpa"])
        assertRedacted("OrderStatus", order)
        XCTAssertTrue("\(order)".contains("status=CHARGED"), "\(order)")

        let mandate = try parseMandateResponse(httpStatus: 200, headers: headers, body: text("mandate_body"))
        XCTAssertEqual(mandate.mandateToken, canaries["mandate_token"])
        assertRedacted("MandateDetails", mandate)
        XCTAssertTrue("\(mandate)".contains("status=ACTIVE"), "\(mandate)")

        let execution = try parseMandateExecutionResponse(
            httpStatus: 200, headers: headers, body: text("mandate_execution_body"))
        assertRedacted("MandateExecutionResult", execution)

        for key in ["order_webhook_body", "mandate_webhook_body"] {
            let event = try parseWebhook(body: text(key))
            XCTAssertTrue(event.order != nil || event.mandate != nil, key)
            assertRedacted("WebhookEvent", event)
        }

        let refund = RefundRequest(orderId: "order-canary", uniqueRequestId: "r-1", amount: "1.00", routingId: "cust-canary")
        assertRedacted("RefundRequest", refund, hides: false)
        XCTAssertEqual(
            "\(refund)",
            #"RefundRequest(order_id="order-canary", unique_request_id="r-1", amount="1.00", routing_id="cust-canary")"#)
        let mandateExecution = MandateExecution(
            orderId: "exec-1", amount: "1.00", customerId: "cust-canary", mandateId: "mdt-canary",
            executionDate: nil, currency: nil, routingId: nil)
        assertRedacted("MandateExecution", mandateExecution, hides: false)

        let config = ClientConfig(merchantId: "merchant", apiKey: canaries["api_key"] ?? "", environment: .sandbox)
        assertRedacted("ClientConfig", config)
    }

    func testValidationErrorsDoNotEchoCustomerData() throws {
        let request = try parseSessionRequest(json: text("invalid_session_request_json"))
        let violations = validate(request: request)
        XCTAssertTrue(
            violations.contains { $0.field == "customer_email" } && violations.contains { $0.field == "customer_phone" },
            "\(violations)")
        let config = ClientConfig(
            merchantId: "merchant", apiKey: canaries["api_key"] ?? "", environment: .sandbox,
            baseUrl: "http://127.0.0.1:9")
        let client = try Client(config: config)
        guard let error = expectError({ try client.createSessionBlocking(request: request) }) else { return }
        XCTAssertEqual(kind(error), "Validation")
        for form in forms(error) + forms(violations) {
            for (name, canary) in canaries where form.contains(canary) { XCTFail("error text shows \(name): \(form)") }
        }
        // A violation prints as the core's sentence, not as a field dump.
        let first = try XCTUnwrap(violations.first)
        XCTAssertTrue("\(first)".hasPrefix(first.field + " "), "\(first)")
    }

    func testEnumsPrintTheirWireNames() throws {
        let names = try XCTUnwrap(vectors["enum_wire_names"] as? [String: String])
        func expect(_ key: String, _ value: Any, line: UInt = #line) {
            XCTAssertEqual("\(value)", names[key], key, line: line)
            XCTAssertEqual(String(describing: value), names[key], key, line: line)
        }
        expect("order_state_charged", OrderState.charged)
        expect("order_state_new", OrderState.new)
        expect("mandate_state_active", MandateState.active)
        expect("webhook_event_order_succeeded", WebhookEventName.orderSucceeded)
        expect("action_payment_page", Action.paymentPage)
        expect("action_quick_pay", Action.quickPay)
        expect("mandate_frequency_as_presented", MandateFrequency.asPresented)
        expect("amount_rule_fixed", AmountRule.fixed)
        expect("create_mandate_required", CreateMandate.required)
        // Open sets print an unknown name as received.
        XCTAssertEqual("\(OrderState.unknown(name: "SOMETHING_NEW"))", "SOMETHING_NEW")
        XCTAssertEqual("\(Action.other(name: "NOT_YET"))", "NOT_YET")
        XCTAssertTrue("\(PaymentVerdict.notCharged(status: .new))".contains("NEW"))
    }
}
