package dev.hypercheckout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plain Java against the emulator: the blocking API, the Java helpers, typed exceptions. */
class JavaBlockingTest {
    private static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = new Emulator();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static SessionRequest request(String orderId) {
        SessionRequest request = HyperCheckoutJava.sessionRequest(orderId, "125.50", "java-customer", "hdfcmaster");
        request.setCustomerEmail("java@mail.com");
        request.setReturnUrl("https://shop.merchant.com/return");
        request.setFirstName("Duke");
        return request;
    }

    @Test
    void createsASessionFromJava() throws HyperCheckoutException {
        ClientConfig config = HyperCheckoutJava.clientConfig("emulator_merchant", "emulator_api_key", Environment.SANDBOX, emulator.getUrl());
        config = HyperCheckoutJava.withTimeouts(config, 2_000, 10_000, 20_000);
        config = HyperCheckoutJava.withMaxRetries(config, 1);
        try (Client client = new Client(config)) {
            SessionRequest request = request(Emulator.Companion.orderId("java"));
            assertTrue(HypercheckoutKt.validate(request).isEmpty());
            Session session = client.createSessionBlocking(request, null);
            assertEquals("NEW", session.getStatus());
            assertEquals(request.getOrderId(), session.getOrderId());
            assertEquals("125.50", session.getSdkPayload().getPayload().getAmount());
            assertEquals("Duke", session.getSdkPayload().getPayload().getFirstName());
            assertTrue(session.getPaymentLink().startsWith("http"));
            assertFalse(session.getSdkPayloadJson().isEmpty());
            assertEquals("java-customer", session.getRoutingId());
            OrderStatus status = client.getOrderStatusBlocking(request.getOrderId(), session.getRoutingId(), null);
            assertEquals(request.getOrderId(), status.getOrderId());
            assertEquals("NEW", status.getStatus().wireName());
        }
        // Using HyperCheckoutJava registered the exit-safety shutdown hook.
        assertTrue(HyperCheckoutExit.isInstalled());
    }

    @Test
    void completableFutureForAsyncJava() throws Exception {
        try (Client client = new Client(HyperCheckoutJava.clientConfig("emulator_merchant", "emulator_api_key", Environment.SANDBOX, emulator.getUrl()))) {
            SessionRequest request = request(Emulator.Companion.orderId("jfut"));
            Session session = HyperCheckoutJava.createSessionAsync(client, request).get(30, TimeUnit.SECONDS);
            assertEquals(request.getOrderId(), session.getOrderId());
            OrderStatus status = HyperCheckoutJava.getOrderStatusAsync(client, session.getOrderId(), session.getRoutingId())
                    .get(30, TimeUnit.SECONDS);
            assertEquals(session.getId(), status.getId());
        }
    }

    @Test
    void typedExceptionsFromJava() throws HyperCheckoutException {
        ClientConfig wrongKey = HyperCheckoutJava.clientConfig("emulator_merchant", "not_the_key", Environment.SANDBOX, emulator.getUrl());
        try (Client client = new Client(wrongKey)) {
            HyperCheckoutException.Authentication e = assertThrows(
                    HyperCheckoutException.Authentication.class,
                    () -> client.createSessionBlocking(request(Emulator.Companion.orderId("jauth")), null));
            assertEquals(Integer.valueOf(401), HyperCheckoutJava.httpStatus(e));
            assertEquals("access_denied", e.getErrorCode());
            assertNotNull(e.getRequestId());
        }

        try (Client client = new Client(HyperCheckoutJava.clientConfig("emulator_merchant", "emulator_api_key", Environment.SANDBOX, emulator.getUrl()))) {
            SessionRequest bad = request("no spaces allowed");
            HyperCheckoutException.Validation e = assertThrows(HyperCheckoutException.Validation.class, () -> client.createSessionBlocking(bad, null));
            List<Violation> violations = e.getViolations();
            assertEquals("order_id", violations.get(0).getField());
        }

        // Catching the sealed base class works for every kind.
        HyperCheckoutException e = assertThrows(HyperCheckoutException.class,
                () -> new Client(HyperCheckoutJava.clientConfig("", "key", Environment.PRODUCTION)));
        assertTrue(e instanceof HyperCheckoutException.Configuration);
        assertEquals(null, HyperCheckoutJava.httpStatus(e));
    }
}
