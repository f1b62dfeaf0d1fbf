package dev.hypercheckout

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File

/**
 * The README's quickstarts run as tests: the code between the `quickstart` markers below (and
 * in `JavaQuickstartTest.java`) is the README's first `kotlin` (and `java`) block, line for
 * line, and it runs against the emulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickstartTest {
    private val emulator = Emulator()

    @AfterAll
    fun stop() = emulator.close()

    @Test
    fun `the Kotlin quickstart runs`() {
        val merchantId = Emulator.MERCHANT_ID
        val apiKey = Emulator.API_KEY
        val baseUrl: String? = emulator.url
        val orderId = Emulator.orderId("quick")
        val printed = StringBuilder()
        fun println(line: Any?) = printed.appendLine(line.toString())
        // quickstart:begin
        val config = ClientConfig(merchantId = merchantId, apiKey = apiKey, environment = Environment.SANDBOX, baseUrl = baseUrl)
        Client(config).use { client ->
            val request = SessionRequest(orderId = orderId, amount = "100.00", customerId = "customer-1",
                paymentPageClientId = "your_client_id", returnUrl = "https://shop.example.com/return")
            val session = client.createSessionBlocking(request)   // or, in a coroutine, createSession(request)
            println(session.paymentLink)                           // send the customer here
            val order = client.getOrderStatusBlocking(session.orderId, session.routingId)
            println("${order.orderId}: ${order.status.wireName()}") // after the payment: CHARGED?
        }
        // quickstart:end
        val lines = printed.lines().filter { it.isNotEmpty() }
        assertEquals(2, lines.size, printed.toString())
        assertEquals(true, lines[0].startsWith(emulator.url), lines[0])
        assertEquals(true, lines[1].startsWith("$orderId: "), lines[1])
    }

    @Test
    fun `the README shows exactly the code these tests run`() {
        val readme = File("README.md").readText()
        assertEquals(block(File("src/test/kotlin/dev/hypercheckout/QuickstartTest.kt")), fenced(readme, "kotlin"))
        assertEquals(block(File("src/test/java/dev/hypercheckout/JavaQuickstartTest.java")), fenced(readme, "java"))
    }

    private companion object {
        /** The lines between the markers, without their common indentation. */
        fun block(file: File): String {
            val lines = file.readLines()
            val begin = lines.indexOfFirst { it.trim() == "// quickstart:begin" }
            val end = lines.indexOfFirst { it.trim() == "// quickstart:end" }
            check(begin in 0 until end) { "no quickstart markers in $file" }
            return lines.subList(begin + 1, end).joinToString("\n").trimIndent()
        }

        /** The README's first fenced block of [language]. */
        fun fenced(readme: String, language: String): String {
            val match = Regex("```$language\\n(.*?)\\n```", RegexOption.DOT_MATCHES_ALL).find(readme)
                ?: error("README.md has no $language block")
            return match.groupValues[1].trimIndent()
        }
    }
}
