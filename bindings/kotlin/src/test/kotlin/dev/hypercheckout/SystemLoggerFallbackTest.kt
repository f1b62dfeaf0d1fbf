package dev.hypercheckout

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.util.concurrent.TimeUnit

/**
 * Without SLF4J on the classpath the SDK's records go to `java.lang.System.Logger`: this suite's
 * classpath has SLF4J and logback (for [ObservabilityTest]), so [SystemLoggerScenario] runs in a
 * JVM started on the same classpath without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemLoggerFallbackTest {
    private val canary = "CANARY-kt-jul-5e1f07a2"
    private val emulator = Emulator("--api-key", canary)

    @AfterAll
    fun stop() = emulator.close()

    @Test
    fun `without SLF4J a retried call's records reach System Logger, without secrets`() {
        val full = System.getProperty("java.class.path").split(File.pathSeparator)
        val classpath = full.filterNot { entry ->
            File(entry).name.let { it.startsWith("slf4j-") || it.startsWith("logback-") }
        }
        assertTrue(full.size - classpath.size >= 2, "SLF4J and logback not found in $full")
        val java = File(System.getProperty("java.home"), "bin/java").path
        val log = File.createTempFile("hypercheckout-jul-", ".log").apply { deleteOnExit() }
        val process = ProcessBuilder(
            java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
            "-cp", classpath.joinToString(File.pathSeparator),
            SystemLoggerScenario::class.java.name, emulator.url, canary,
        ).redirectErrorStream(true).redirectOutput(log).start()
        val ended = process.waitFor(120, TimeUnit.SECONDS)
        if (!ended) process.destroyForcibly().waitFor()
        val output = log.readText()
        assertTrue(ended, "the scenario JVM did not end in 120 s: $output")
        assertEquals(0, process.exitValue(), output)
        assertTrue(output.lines().any { it.startsWith("ok: ") }, output)
    }
}
