package dev.hypercheckout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HyperCheckoutObservability from Java: a lambda listener sees every attempt of a retried call
 * made through HyperCheckoutClient, with Java types (int, Integer, Duration).
 */
class JavaObservabilityTest {
    @Test
    void aJavaLambdaListenerSeesEveryAttempt() throws Exception {
        List<HyperCheckoutRequestEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = new Emulator();
                HyperCheckoutClient client = new HyperCheckoutClient(
                        new ClientConfigBuilder(Emulator.MERCHANT_ID, Emulator.API_KEY, Environment.SANDBOX)
                                .baseUrl(emulator.getUrl())
                                .maxRetries(2)
                                .build())) {
            assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)));
            HyperCheckoutObservability.setRequestListener(events::add);
            try {
                client.createSession(new SessionRequestBuilder()
                        .orderId(Emulator.Companion.orderId("jobs"))
                        .amount("10.00")
                        .customerId("java-observe")
                        .paymentPageClientId("hdfcmaster")
                        .returnUrl("https://shop.merchant.com/return")
                        .extraFields(Map.of("emulator_fault", "429;times=1;retry-after=0"))
                        .build());
                assertTrue(HyperCheckoutObservability.flush(Duration.ofSeconds(10)));
            } finally {
                HyperCheckoutObservability.clearRequestListener();
            }
        }
        List<HyperCheckoutRequestEvent> seen = new ArrayList<>(events);
        assertEquals(2, seen.size(), seen.toString());
        assertEquals(1, seen.get(0).getAttempt());
        assertEquals(Integer.valueOf(429), seen.get(0).getHttpStatus());
        assertTrue(seen.get(0).getWillRetry());
        assertEquals("rate_limited", seen.get(0).getErrorKind());
        assertEquals(Duration.ZERO, seen.get(0).getRetryWait());
        assertEquals(2, seen.get(1).getAttempt());
        assertEquals(Integer.valueOf(200), seen.get(1).getHttpStatus());
        assertNull(seen.get(1).getErrorKind());
        assertEquals("/session", seen.get(1).getPath());
        assertTrue(seen.get(1).getLatency().toNanos() > 0);
    }
}
