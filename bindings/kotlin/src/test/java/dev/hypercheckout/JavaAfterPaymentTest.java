package dev.hypercheckout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refunds and mandates from Java (issue 13): HyperCheckoutClient's calls and the builders, against the emulator. */
class JavaAfterPaymentTest {
    private static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = new Emulator("--refund-settle-ms", "300", "--execution-settle-ms", "300");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static HyperCheckoutClient client() throws HyperCheckoutException {
        return new ClientConfigBuilder(Emulator.MERCHANT_ID, Emulator.API_KEY, Environment.SANDBOX)
                .baseUrl(emulator.getUrl()).timeoutMs(10_000).buildClient();
    }

    private static void pay(Session session) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(emulator.getUrl() + "/orders/" + session.getId() + "/pay"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("outcome=success")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, response.statusCode(), response.body());
    }

    private static SessionRequestBuilder session(String orderId, String customerId) {
        return new SessionRequestBuilder().orderId(orderId).amount("10.00").customerId(customerId)
                .paymentPageClientId("hdfcmaster").customerEmail("java@mail.com").customerPhone("9876543210")
                .returnUrl("https://shop.merchant.com/return").currency("INR");
    }

    @Test
    void refundFromJava() throws Exception {
        try (HyperCheckoutClient client = client()) {
            String orderId = Emulator.Companion.orderId("jrefund");
            Session session = client.createSession(session(orderId, "java-refund").build());
            pay(session);
            RefundRequest refund = new RefundRequestBuilder().orderId(orderId).uniqueRequestId("jr-" + orderId.substring(orderId.length() - 10))
                    .amount("2.50").routingId(session.getRoutingId()).build();
            OrderStatus afterRefund = client.createRefund(refund);
            assertTrue(afterRefund.getRefunds().stream().anyMatch(r -> refund.getUniqueRequestId().equals(r.getUniqueRequestId())));
            OrderStatus again = client.createRefundAsync(refund).get(30, TimeUnit.SECONDS);  // idempotent
            assertEquals(1, again.getRefunds().stream().filter(r -> refund.getUniqueRequestId().equals(r.getUniqueRequestId())).count());
            long deadline = System.nanoTime() + 10_000_000_000L;
            OrderStatus order = client.getOrderStatus(orderId, session.getRoutingId());
            while (!order.getRefunds().stream().allMatch(r -> "SUCCESS".equals(r.getStatus())) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                order = client.getOrderStatus(orderId, session.getRoutingId());
            }
            assertEquals("SUCCESS", order.getRefunds().get(0).getStatus());
            assertTrue(HypercheckoutKt.amountsEqual("2.50", order.getAmountRefunded()), order.getAmountRefunded());
            assertTrue(HyperCheckoutJava.checkOrderPayment(order, orderId, "10.00") instanceof PaymentVerdict.PartiallyRefunded);

            HyperCheckoutException.Validation bad = assertThrows(HyperCheckoutException.Validation.class,
                    () -> client.createRefund(new RefundRequestBuilder().orderId(orderId).routingId("r").build()));
            assertEquals("unique_request_id", bad.getViolations().get(0).getField());
        }
    }

    @Test
    void mandateFromJava() throws Exception {
        try (HyperCheckoutClient client = client()) {
            String orderId = Emulator.Companion.orderId("jmand");
            String customer = "java-mandate";
            Mandate mandate = new MandateBuilder().maxAmount("500.00").frequency(MandateFrequency.MONTHLY).build();
            Session session = client.createSession(session(orderId, customer).createMandate(CreateMandate.REQUIRED).mandate(mandate).build());
            pay(session);
            String mandateId = client.getOrderStatus(orderId, session.getRoutingId()).getMandate().getMandateId();

            MandateDetails active = client.getMandate(mandateId, customer);
            assertEquals(MandateState.Active.INSTANCE, active.getStatus());
            assertEquals(active, client.getMandateAsync(mandateId, customer).get(30, TimeUnit.SECONDS));

            MandateExecution debit = new MandateExecutionBuilder().orderId(Emulator.Companion.orderId("jdebit")).amount("99.00")
                    .customerId(customer).mandateId(mandateId).build();
            MandateExecutionResult result = client.executeMandate(debit);
            assertEquals(debit.getOrderId(), result.getOrderId());
            assertEquals(debit.getOrderId(), client.executeMandateAsync(debit).get(30, TimeUnit.SECONDS).getOrderId());

            assertEquals(MandateState.Revoked.INSTANCE, client.revokeMandate(mandateId, customer).getStatus());
            assertEquals(MandateState.Revoked.INSTANCE, client.revokeMandateAsync(mandateId, customer).get(30, TimeUnit.SECONDS).getStatus());
        }
    }
}
