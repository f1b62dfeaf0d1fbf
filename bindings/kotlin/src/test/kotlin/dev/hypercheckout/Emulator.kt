package dev.hypercheckout

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong

/**
 * The `hypercheckout-emulator` binary as a subprocess on an ephemeral port (`--port 0`); the
 * URL is read from its first stdout line. Path from the `hypercheckout.emulator` system
 * property (set by the pom), else `HYPERCHECKOUT_EMULATOR`, else `../../target/debug/...`.
 */
class Emulator(vararg extraArgs: String) : AutoCloseable {
    private val process: Process
    val url: String

    init {
        val command = listOf(binary().path, "--port", "0", "--strict") + extraArgs
        process = ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val line = process.inputStream.bufferedReader().readLine()
            ?: error("emulator exited before listening (exit ${process.waitFor()}): $command")
        url = Regex("""https?://\S+""").find(line)?.value ?: error("unexpected first line: $line")
    }

    /** Requests the emulator counted for [routingId] (`/__emulator/stats`). */
    fun count(routingId: String): Int = stats(routingId).first

    /** All counted requests. */
    fun total(): Int = stats("").second

    private fun stats(routingId: String): Pair<Int, Int> {
        val q = java.net.URLEncoder.encode(routingId, Charsets.UTF_8)
        val body = http.send(
            HttpRequest.newBuilder(URI.create("$url/__emulator/stats?routing_id=$q")).GET().build(),
            HttpResponse.BodyHandlers.ofString(),
        ).body()
        fun field(name: String) = Regex(""""$name"\s*:\s*(\d+)""").find(body)?.groupValues?.get(1)?.toInt()
            ?: error("bad stats body: $body")
        return field("count") to field("total")
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        const val MERCHANT_ID = "emulator_merchant"
        const val API_KEY = "emulator_api_key"

        private val http: HttpClient = HttpClient.newHttpClient()
        private val counter = AtomicLong()
        private val runTag = java.lang.Long.toString(System.nanoTime() % 1_000_000_000L, 36)

        fun binary(): File {
            val path = System.getProperty("hypercheckout.emulator")?.takeIf { it.isNotBlank() && !it.startsWith("\${") }
                ?: System.getenv("HYPERCHECKOUT_EMULATOR")
                ?: "../../target/debug/hypercheckout-emulator"
            val file = File(path)
            check(file.canExecute()) {
                "emulator binary not found at $path: run `cargo build -p hypercheckout-emulator` or set HYPERCHECKOUT_EMULATOR"
            }
            return file
        }

        /** A fresh order id (at most 20 characters), unique across runs against one emulator. */
        fun orderId(prefix: String = "kt"): String =
            "$prefix-$runTag-${counter.incrementAndGet()}".take(20)

        /** A valid request the emulator accepts. */
        fun request(
            orderId: String = orderId(),
            amount: String = "10.00",
            customerId: String = "cust-kotlin",
        ) = SessionRequest(
            orderId = orderId,
            amount = amount,
            customerId = customerId,
            paymentPageClientId = "hdfcmaster",
            customerEmail = "test@mail.com",
            customerPhone = "9876543210",
            returnUrl = "https://shop.merchant.com/return",
            firstName = "John",
            lastName = "Wick",
            currency = "INR",
            description = "Complete your payment",
        )
    }
}
