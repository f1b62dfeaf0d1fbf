package dev.hypercheckout

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The core's doc comments are every language's reference (uniffi copies them into the
 * generated Kotlin, Swift and Python), so they must not speak Rust (issue 12, item 5): no
 * `Type::member` paths, no `None` and no member named by its snake_case spelling in the KDoc
 * of the generated API. Reads the generated source Maven compiled
 * (`hypercheckout.generatedSources`, set by the pom); the Swift and Python text is the same
 * doc text.
 */
class DocCommentsTest {
    private val generated: File = File(
        System.getProperty("hypercheckout.generatedSources") ?: "target/generated-sources/uniffi",
        "dev/hypercheckout/hypercheckout.kt",
    )

    /** The generated file's doc-comment lines (KDoc blocks), with their line numbers. */
    private fun docLines(): List<Pair<Int, String>> {
        assertTrue(generated.isFile, "no generated source at $generated")
        val out = mutableListOf<Pair<Int, String>>()
        var inDoc = false
        generated.readLines().forEachIndexed { i, line ->
            val t = line.trim()
            if (t.startsWith("/**")) inDoc = true
            if (inDoc) out += (i + 1) to t
            if (t.endsWith("*/")) inDoc = false
        }
        return out
    }

    @Test
    fun `the generated KDoc has no Rust paths and no None`() {
        val lines = docLines()
        // Sanity: the core's docs are there (a broken extraction would pass vacuously).
        assertTrue(lines.size > 1000, "only ${lines.size} doc lines in $generated")
        assertTrue(lines.any { it.second.contains("What one call may change of the client's defaults") })
        // `hypercheckout::client` is a log record's target value (data, not a Rust path to an API item).
        val rustPath = Regex("""\b[A-Za-z_][A-Za-z0-9_]*::(?!client\b)[A-Za-z_]""")
        val none = Regex("""`None`|\bSome\(|\bArc<|\bOption<|\bVec<""")
        val bad = lines.filter { (_, text) -> rustPath.containsMatchIn(text) || none.containsMatchIn(text) }
        assertTrue(bad.isEmpty(), "doc text that speaks Rust:\n" + bad.joinToString("\n") { "${generated.name}:${it.first}: ${it.second}" })
    }

    /**
     * Juspay's JSON keys that share a spelling with a member of the generated API (`orderId`,
     * `errorCode`, ...). The docs name them as wire vocabulary ("the JSON key `error_code`",
     * "Juspay's `unique_request_id`"), which reads the same in every language; a name added
     * here must be written that way wherever it appears. Everything else a doc names in
     * backticks must not be a member's snake_case spelling: Kotlin and Swift readers know
     * `getOrderStatus`, not `get_order_status`, so the docs say "the Order Status call".
     */
    private val wireKeys = setOf(
        // Keys of Juspay's answers (order, session, mandate, webhook, error bodies).
        "order_id", "mandate_id", "status_id", "mandate_status", "txn_id", "txn_detail",
        "effective_amount", "payer_vpa", "payment_method", "payment_method_type", "block_fund",
        "mandate_token", "sdk_payload", "order_expiry", "event_name", "error_code",
        "error_message", "error_info",
        // Keys of the request bodies (session, refund, mandate execution).
        "unique_request_id", "create_mandate", "get_client_auth_token", "payment_filter",
        "amount_rule", "execution_date", "gateway_reference_id",
    )

    /** `getOrderStatus` -> `get_order_status`: the Rust (and Python) spelling of a Kotlin name. */
    private fun snakeCase(name: String): String =
        name.replace(Regex("""([a-z0-9])([A-Z])"""), "$1_$2").lowercase()

    @Test
    fun `the generated KDoc names members as every language spells them`() {
        val source = generated.readText()
        // Every function and property the generated API declares (uniffi's own plumbing too:
        // harmless, no doc names it), in the spelling the Rust doc comments would use for it.
        val declared = Regex("""\b(?:fun|val|var)\s+(?:<[^>]*>\s*)?(?:[A-Za-z0-9_.<>?]+\.)?`?([A-Za-z_][A-Za-z0-9_]*)`?\s*[(:]""")
        val members = declared.findAll(source).map { snakeCase(it.groupValues[1]) }.filter { '_' in it }.toSet()
        // Sanity: the set is the API's (a broken regex would pass vacuously).
        for (known in listOf("get_order_status", "routing_id", "check_payment", "create_refund")) {
            assertTrue(known in members, "$known not among the ${members.size} declared members")
        }
        val flagged = members - wireKeys
        // An identifier inside a backtick span. Not one in braces, a URL template's placeholder
        // (`/orders/{order_id}`), nor one in a string literal, a value the SDK hands out
        // (`"get_order_status"` as a request event's operation).
        val span = Regex("`([^`]+)`")
        val literal = Regex(""""[^"]*"""")
        val word = Regex("""(?<![{A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*""")
        val hits = docLines().flatMap { (n, text) ->
            span.findAll(text).flatMap { s -> word.findAll(literal.replace(s.groupValues[1], "")).map { it.value } }
                .filter { it in flagged }.map { "${generated.name}:$n: `$it` in: $text" }
        }
        println("DocCommentsTest: ${hits.size} KDoc references to a member by its snake_case name")
        assertTrue(
            hits.isEmpty(),
            "${hits.size} KDoc references to a member by its Rust/Python name (a Kotlin or Swift reader " +
                "knows it camelCased: name the call or field in words):\n" + hits.joinToString("\n"),
        )
    }
}
