package dev.hypercheckout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's Java quickstart, run against the emulator (QuickstartTest checks it is the README's). */
class JavaQuickstartTest {
    private static Emulator emulator;

    @BeforeAll
    static void start() {
        emulator = new Emulator();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void theJavaQuickstartRuns() {
        String merchantId = Emulator.MERCHANT_ID;
        String apiKey = Emulator.API_KEY;
        String baseUrl = emulator.getUrl();
        String orderId = Emulator.Companion.orderId("jquick");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        // quickstart:begin
        ClientConfig config = new ClientConfigBuilder(merchantId, apiKey, Environment.SANDBOX).baseUrl(baseUrl).build();
        try (HyperCheckoutClient client = new HyperCheckoutClient(config)) {
            SessionRequest request = new SessionRequestBuilder().orderId(orderId).amount("100.00").customerId("customer-1")
                    .paymentPageClientId("your_client_id").returnUrl("https://shop.example.com/return").build();
            Session session = client.createSession(request);          // or createSessionAsync(request): a CompletableFuture
            out.println(session.getPaymentLink());
            OrderStatus order = client.getOrderStatus(session.getOrderId(), session.getRoutingId());
            out.println(order.getOrderId() + ": " + order.getStatus().wireName());
        } catch (HyperCheckoutException e) {                           // checked: Configuration, Validation, Authentication, ...
            out.println("failed: " + e);                               // the core's sentence, request id included
        }
        // quickstart:end
        String[] lines = captured.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(2, lines.length, captured.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].startsWith(baseUrl), lines[0]);
        assertTrue(lines[1].startsWith(orderId + ": "), lines[1]);
    }
}
