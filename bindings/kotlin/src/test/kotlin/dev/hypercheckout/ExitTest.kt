package dev.hypercheckout

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import java.io.File
import java.nio.file.Files
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The JVM never crashes at exit with coroutine calls in flight (issue 11, item 1).
 *
 * Each scenario of [ExitScenarios] runs `hypercheckout.exitRuns` times (default 50) in fresh
 * JVMs, two at a time, while a thread of this JVM keeps a core busy (the Python abort needed a
 * busy machine to show). A run fails if it ends with another exit code (a signal shows as
 * 128+N), leaves an `hs_err` file, prints a JVM fatal error or a Rust panic, or hangs.
 *
 * `-Dhypercheckout.exitHook=no-hook` runs the same scenarios without the shutdown hook (the
 * generated API alone), to measure the hole it closes; that mode reports and does not fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExitTest {
    private val emulator = Emulator()
    private val runs = System.getProperty("hypercheckout.exitRuns")?.toIntOrNull() ?: 50
    private val hookMode = System.getProperty("hypercheckout.exitHook") ?: "hook"
    private val errorDir: File = Files.createTempDirectory("hypercheckout-exit").toFile()
    private val java = File(System.getProperty("java.home"), "bin/java").path
    private val classpath = System.getProperty("java.class.path")

    @AfterAll
    fun stop() {
        emulator.close()
        errorDir.deleteRecursively()
    }

    fun scenarios() = ExitScenarios.SCENARIOS.keys.toList()

    private data class Run(val code: Int, val output: String, val hsErr: List<String>)

    private fun runOnce(scenario: String, index: Int): Run {
        val dir = File(errorDir, "$scenario-$index").apply { mkdirs() }
        val log = File(dir, "output.txt")
        val process = ProcessBuilder(
            java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:ErrorFile=${dir.path}/hs_err_pid%p.log", "-XX:-CreateCoredumpOnCrash",
            "-cp", classpath, ExitScenarios::class.java.name, scenario, emulator.url, hookMode,
        ).redirectErrorStream(true).redirectOutput(log).start()
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor()
            return Run(-1, "hung for 60 s\n${log.readText()}", emptyList())
        }
        val hsErr = dir.listFiles()?.map { it.name }?.filter { it != log.name } ?: emptyList()
        return Run(process.exitValue(), log.readText(), hsErr)
    }

    private fun failure(run: Run, expected: Int): String? {
        val fatal = FATAL.find(run.output)?.value
        return when {
            run.code != expected -> "exit code ${run.code} (expected $expected)"
            run.hsErr.isNotEmpty() -> "left ${run.hsErr}"
            fatal != null -> "printed \"$fatal\""
            else -> null
        }?.let { "$it: ${run.output.trim().takeLast(600)}" }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    fun `the JVM exits cleanly with calls in flight`(scenario: String) {
        val expected = ExitScenarios.SCENARIOS.getValue(scenario)
        val busy = AtomicBoolean(true)
        val burner = Thread {
            var x = 0L
            while (busy.get()) x += (x xor 0x5DEECE66DL) % 7
        }.apply { isDaemon = true; start() }
        val pool = Executors.newFixedThreadPool(2)
        val failures = try {
            (0 until runs).map { i -> pool.submit<Run> { runOnce(scenario, i) } }
                .map { it.get(5, TimeUnit.MINUTES) }
                .mapNotNull { failure(it, expected) }
        } finally {
            pool.shutdownNow()
            busy.set(false)
            burner.join(5_000)
        }
        println("exit test [$hookMode] $scenario: ${runs - failures.size}/$runs clean exits")
        failures.firstOrNull()?.let { println("  first failure: $it") }
        if (hookMode == "hook") {
            assertTrue(failures.isEmpty(), "${failures.size}/$runs runs of $scenario failed; first: ${failures.firstOrNull()}")
        }
    }

    private companion object {
        val FATAL = Regex(
            "fatal error|SIGSEGV|SIGABRT|SIGBUS|exception not rethrown|panicked|Can't attach native thread",
            RegexOption.IGNORE_CASE,
        )
    }
}
