package dev.hypercheckout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merchant-flow functions from plain Java: static methods of HypercheckoutKt. */
class JavaSignatureTest {
    private static final String KEY = "92206A0A4A75499C9B11206C2B3B9A53";

    /** Juspay's published vector (testdata/signatures.json, published_vector). */
    private static Map<String, String> publishedVector() {
        Map<String, String> params = new HashMap<>();
        params.put("order_id", "order_1727694028");
        params.put("status", "AUTHORIZATION_FAILED");
        params.put("status_id", "27");
        params.put("myQP", "aGVsbG9Xb3JsZA==");
        params.put("signature", "8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I=");
        params.put("signature_algorithm", "HMAC-SHA256");
        return params;
    }

    @Test
    void verifyReturnUrlSignatureFromJava() {
        Map<String, String> params = publishedVector();
        SignatureVerdict verdict = HypercheckoutKt.verifyReturnUrlSignature(params, KEY);
        assertEquals(SignatureVerdict.VALID, verdict);
        assertTrue(verdict.isValid());

        assertEquals(SignatureVerdict.INVALID, HypercheckoutKt.verifyReturnUrlSignature(params, "another_key"));

        Map<String, String> tampered = new HashMap<>(params);
        tampered.put("status", "CHARGED");
        assertEquals(SignatureVerdict.INVALID, HypercheckoutKt.verifyReturnUrlSignature(tampered, KEY));
        assertFalse(HypercheckoutKt.verifyReturnUrlSignature(tampered, KEY).isValid());

        Map<String, String> unsigned = new HashMap<>(params);
        unsigned.remove("signature");
        assertEquals(SignatureVerdict.MISSING_SIGNATURE, HypercheckoutKt.verifyReturnUrlSignature(unsigned, KEY));

        Map<String, String> noAlgorithm = new HashMap<>(params);
        noAlgorithm.remove("signature_algorithm");
        assertEquals(SignatureVerdict.UNSUPPORTED_ALGORITHM, HypercheckoutKt.verifyReturnUrlSignature(noAlgorithm, KEY));
    }

    @Test
    void verifyFromQueryAndWebhookAuthFromJava() {
        String query = "https://shop.merchant.com/return?order_id=order_1727694028&status=AUTHORIZATION_FAILED"
                + "&status_id=27&myQP=aGVsbG9Xb3JsZA%3D%3D&signature=8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I%3D"
                + "&signature_algorithm=HMAC-SHA256";
        assertEquals(SignatureVerdict.VALID, HypercheckoutKt.verifyReturnUrlSignatureFromQuery(query, KEY));
        assertEquals(SignatureVerdict.MISSING_SIGNATURE, HypercheckoutKt.verifyReturnUrlSignatureFromQuery("", KEY));

        // "Basic base64(juspay_hooks:s3cret:pass)" (testdata/webhooks.json, correct_credentials).
        String header = "Basic anVzcGF5X2hvb2tzOnMzY3JldDpwYXNz";
        assertTrue(HypercheckoutKt.verifyWebhookAuth(header, "juspay_hooks", "s3cret:pass"));
        assertFalse(HypercheckoutKt.verifyWebhookAuth(header, "juspay_hooks", "wrong"));
        assertTrue(HypercheckoutKt.amountsEqual("100.10", "100.1"));
    }
}
