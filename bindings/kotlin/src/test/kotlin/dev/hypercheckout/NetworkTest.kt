package dev.hypercheckout

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * Issue 15 items 3-5 on the JVM: a call through a real proxy (Debian's tinyproxy, started
 * here in the foreground), a TLS emulator trusted only through its CA, the typed refusals, and
 * per-call [RequestOptions] beating the client's defaults (Kotlin and the Java builder).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkTest {
    private val dir: File = Files.createTempDirectory("hc-network").toFile()
    private val caFile = File(dir, "ca.pem")
    private val tls = Emulator("--tls", caFile.path)
    private val ca = caFile.readText()
    private val proxy = TinyProxy(dir)

    @AfterAll
    fun stop() {
        tls.close()
        proxy.close()
        dir.deleteRecursively()
    }

    private fun config(url: String = tls.url) = ClientConfigBuilder(Emulator.MERCHANT_ID, Emulator.API_KEY, Environment.SANDBOX)
        .baseUrl(url)
        .proxyFromEnv(false) // the environment of whoever runs the tests must not decide

    @Test
    fun `the TLS emulator is trusted only through its CA`() {
        assertTrue(tls.url.startsWith("https://127.0.0.1:"), tls.url)
        config().caBundlePem(ca).buildClient().use { it.createSession(Emulator.request()) }
        config().caBundlePem(ca).trustBundledRoots(false).buildClient().use { it.createSession(Emulator.request()) }
        val refused = config().buildClient().use { client ->
            assertThrows<HyperCheckoutException.Certificate> { client.createSession(Emulator.request()) }
        }
        assertEquals(CertificateCheck.UNKNOWN_ISSUER, refused.check)
        assertEquals(CertificateCheck.UNKNOWN_ISSUER, HyperCheckoutErrors.certificateCheck(refused))
        assertTrue(refused.toString().contains("unknown issuer"), refused.toString())
    }

    @Test
    fun `calls go through a proxy whose password never shows`() {
        val built = config().caBundlePem(ca).proxyUrl(proxy.url).build()
        assertFalse(built.toString().contains(TinyProxy.PASSWORD), built.toString())
        Client(built).use { client -> runBlocking { client.createSession(Emulator.request()) } }
        val port = tls.url.substringAfterLast(':')
        assertTrue(proxy.log().contains("CONNECT 127.0.0.1:$port"), proxy.log())

        val noCredentials = config().caBundlePem(ca).proxyUrl("http://127.0.0.1:${proxy.port}").buildClient()
        val refused = noCredentials.use { client ->
            assertThrows<HyperCheckoutException.Connection> { client.createSession(Emulator.request()) }
        }
        assertTrue(refused.reason.contains("407"), refused.reason)
    }

    @Test
    fun `a wrong proxy is a clear connection error`() {
        val closed = ServerSocket(0).use { it.localPort }
        val dead = "http://${TinyProxy.USER}:${TinyProxy.PASSWORD}@127.0.0.1:$closed"
        val error = config().caBundlePem(ca).proxyUrl(dead).maxRetries(0).buildClient().use { client ->
            assertThrows<HyperCheckoutException.Connection> { client.createSession(Emulator.request()) }
        }
        assertTrue(error.reason.contains("through proxy http://[redacted]@127.0.0.1"), error.reason)
        assertFalse(error.toString().contains(TinyProxy.PASSWORD))
        assertFalse(error.message.orEmpty().contains(TinyProxy.PASSWORD))
        config().caBundlePem(ca).proxyUrl(dead).noProxy(listOf("127.0.0.1")).buildClient().use {
            it.createSession(Emulator.request())
        }
    }

    @Test
    fun `a per-call timeout beats the client's`() {
        Emulator("--fault", "delay;ms=3000").use { slow ->
            val client = config(slow.url).timeoutMs(10_000).buildClient()
            client.use {
                val options = RequestOptionsBuilder().timeoutMs(300).build()
                val started = System.nanoTime()
                val error = assertThrows<HyperCheckoutException.Timeout> { it.createSession(Emulator.request(), options) }
                assertTrue(System.nanoTime() - started < 2_500_000_000L)
                assertTrue(error.reason.contains("per-attempt limit 300 ms"), error.reason)
                val asyncStarted = System.nanoTime()
                assertThrows<HyperCheckoutException.Timeout> {
                    runBlocking {
                        it.kotlinClient().getOrderStatus(
                            "order-x", "route-x", RequestOptions(timeoutMs = 300uL, overallTimeoutMs = 700uL),
                        )
                    }
                }
                assertTrue(System.nanoTime() - asyncStarted < 2_500_000_000L)
            }
        }
    }

    @Test
    fun `per-call max retries and routing id`() {
        Emulator("--fault", "503").use { failing ->
            config(failing.url).buildClient().use { client ->
                val once = Emulator.request(customerId = "kt-once-${System.nanoTime()}")
                assertThrows<HyperCheckoutException.Server> {
                    client.createSession(once, RequestOptionsBuilder().maxRetries(0).build())
                }
                assertEquals(1, failing.count(once.customerId))
                val thrice = Emulator.request(customerId = "kt-thrice-${System.nanoTime()}")
                assertThrows<HyperCheckoutException.Server> { client.createSession(thrice) }
                assertEquals(3, failing.count(thrice.customerId))
            }
        }
        Emulator().use { emu ->
            config(emu.url).buildClient().use { client ->
                val route = "kt-route-${System.nanoTime()}"
                val session = client.createSession(Emulator.request(), RequestOptionsBuilder().routingId(route).build())
                assertEquals(route, session.routingId)
                client.getOrderStatus(session.orderId, "ignored", RequestOptions(routingId = route))
                assertEquals(2, emu.count(route))
            }
        }
    }
}

/** Debian's tinyproxy in the foreground on a free loopback port, with Basic credentials. */
class TinyProxy(dir: File) : AutoCloseable {
    val port: Int
    private val logFile = File(dir, "tinyproxy.log")
    private val process: Process

    init {
        val program = listOf("/usr/bin/tinyproxy", "/usr/sbin/tinyproxy").firstOrNull { File(it).canExecute() }
            ?: error("tinyproxy is not installed: bash scripts/ensure-tinyproxy.sh")
        port = ServerSocket(0).use { it.localPort }
        val conf = File(dir, "tinyproxy.conf")
        conf.writeText(
            "Port $port\nListen 127.0.0.1\nTimeout 60\nLogFile \"${logFile.path}\"\nLogLevel Connect\n" +
                "MaxClients 100\nBasicAuth $USER $PASSWORD\nDisableViaHeader Yes\n",
        )
        process = ProcessBuilder(program, "-d", "-c", conf.path)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val deadline = System.nanoTime() + 10_000_000_000L
        while (true) {
            try {
                Socket("127.0.0.1", port).close()
                break
            } catch (e: java.io.IOException) {
                check(System.nanoTime() < deadline && process.isAlive) { "tinyproxy did not start" }
                Thread.sleep(20)
            }
        }
    }

    val url: String get() = "http://$USER:$PASSWORD@127.0.0.1:$port"

    fun log(): String = if (logFile.exists()) logFile.readText() else ""

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        const val USER = "proxyuser"
        const val PASSWORD = "kt-proxy-canary-Pw-77aa"
    }
}
