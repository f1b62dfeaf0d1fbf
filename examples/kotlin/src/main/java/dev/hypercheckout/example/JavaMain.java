// Create a HyperCheckout payment session from Java and check the order afterwards: the
// builders, HyperCheckoutClient (blocking and CompletableFuture), and the typed, checked
// errors.
//
// Usage: JavaMain [BASE_URL]
//   With JUSPAY_MERCHANT_ID and JUSPAY_API_KEY set (as for the CLI): Juspay's sandbox, or
//   BASE_URL / JUSPAY_BASE_URL. Without them: the local emulator at BASE_URL / JUSPAY_BASE_URL,
//   else one started from $HYPERCHECKOUT_EMULATOR (default target/debug/hypercheckout-emulator),
//   with the emulator's credentials. Never the real sandbox with made-up keys.
package dev.hypercheckout.example;

import dev.hypercheckout.ClientConfig;
import dev.hypercheckout.ClientConfigBuilder;
import dev.hypercheckout.Environment;
import dev.hypercheckout.HyperCheckoutClient;
import dev.hypercheckout.HyperCheckoutErrors;
import dev.hypercheckout.HyperCheckoutException;
import dev.hypercheckout.HyperCheckoutJava;
import dev.hypercheckout.OrderStatus;
import dev.hypercheckout.PaymentVerdict;
import dev.hypercheckout.Session;
import dev.hypercheckout.SessionRequest;
import dev.hypercheckout.SessionRequestBuilder;
import dev.hypercheckout.Violation;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class JavaMain {
    private JavaMain() {}

    public static void main(String[] args) throws Exception {
        String merchantId = System.getenv("JUSPAY_MERCHANT_ID");
        String apiKey = System.getenv("JUSPAY_API_KEY");
        String baseUrl = args.length > 0 ? args[0] : System.getenv("JUSPAY_BASE_URL");
        Process emulator = null;
        if (merchantId == null || apiKey == null) {
            if (merchantId != null || apiKey != null) {
                System.err.println("set both JUSPAY_MERCHANT_ID and JUSPAY_API_KEY, or neither to use the local emulator");
                System.exit(2);
            }
            if (baseUrl == null) {
                emulator = startEmulator();
                baseUrl = readUrl(emulator);
            }
            System.err.println("no JUSPAY_MERCHANT_ID/JUSPAY_API_KEY: using the local emulator at " + baseUrl + " (nothing is charged)");
            merchantId = "emulator_merchant";
            apiKey = "emulator_api_key";
        }
        ClientConfig config = new ClientConfigBuilder(merchantId, apiKey, Environment.SANDBOX)
                .baseUrl(baseUrl)
                .timeoutMs(10_000)
                .build();

        String orderId = "ex-java-" + Long.toString(System.currentTimeMillis(), 36);
        SessionRequest request = new SessionRequestBuilder()
                .orderId(orderId)
                .amount("1.00")
                .customerId("customer-42")
                .paymentPageClientId("hdfcmaster")
                .customerEmail("test@mail.com")
                .customerPhone("9876543210")
                .returnUrl("https://shop.merchant.com/return")
                .description("Complete your payment")
                .build();

        int exit = 0;
        try (HyperCheckoutClient client = new HyperCheckoutClient(config)) {
            Session session = client.createSession(request);
            System.out.println("[java] order " + session.getOrderId() + " -> " + session.getId() + " (" + session.getStatus() + ")");
            System.out.println("[java]   payment page: " + session.getPaymentLink());

            Session second = client.createSessionAsync(new SessionRequestBuilder(request).orderId(orderId + "-b").build())
                    .get(30, TimeUnit.SECONDS);
            System.out.println("[java] async: order " + second.getOrderId() + " -> " + second.getId());

            // After the payment page: the order's status, with the session's routing id.
            OrderStatus order = client.getOrderStatus(session.getOrderId(), session.getRoutingId());
            PaymentVerdict verdict = HyperCheckoutJava.checkOrderPayment(order, orderId, "1.00");
            System.out.println("[java] order " + order.getOrderId() + ": " + order.getStatus().wireName()
                    + ", paid for 1.00? " + (verdict instanceof PaymentVerdict.Paid));

            // Invalid input is refused before anything is sent, every problem at once.
            try {
                client.createSession(new SessionRequestBuilder(request).orderId("has spaces").amount("1.005").build());
            } catch (HyperCheckoutException.Validation e) {
                for (Violation v : e.getViolations()) {
                    System.out.println("[java] rejected before sending: " + v.getField() + ": " + v.getCode());
                }
            }
        } catch (HyperCheckoutException.Authentication e) {
            System.out.println("check JUSPAY_MERCHANT_ID/JUSPAY_API_KEY: " + e);
            exit = 1;
        } catch (HyperCheckoutException e) {
            // toString() is the core's sentence, request id included.
            System.out.println("failed: " + e + (HyperCheckoutErrors.requestId(e) != null ? "" : " (no request id)"));
            exit = 1;
        } finally {
            if (emulator != null) {
                emulator.destroy();
            }
        }
        System.exit(exit);
    }

    private static Process startEmulator() throws Exception {
        String binary = System.getenv().getOrDefault("HYPERCHECKOUT_EMULATOR", "target/debug/hypercheckout-emulator");
        if (!new File(binary).canExecute()) {
            throw new IllegalStateException("no credentials and no emulator at " + binary
                    + ": run `cargo build -p hypercheckout-emulator`, or set JUSPAY_MERCHANT_ID and JUSPAY_API_KEY");
        }
        return new ProcessBuilder(binary, "--port", "0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String readUrl(Process emulator) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher url = Pattern.compile("http://\\S+").matcher(line == null ? "" : line);
        if (!url.find()) {
            throw new IllegalStateException("unexpected emulator output: " + line);
        }
        return url.group();
    }
}
