package dev.hypercheckout

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The core's doc comments are every language's reference (uniffi copies them into the
 * generated Kotlin, Swift and Python), so they must not speak Rust (issue 12, item 5): no
 * `Type::member` paths and no `None` in the KDoc of the generated API. Reads the generated
 * source Maven compiled (`hypercheckout.generatedSources`, set by the pom); the Swift and
 * Python text is the same doc text.
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
}
