package dev.hypercheckout.bench

import dev.hypercheckout.Client
import dev.hypercheckout.ClientConfig
import dev.hypercheckout.Emulator
import dev.hypercheckout.Environment
import dev.hypercheckout.SessionRequest
import dev.hypercheckout.sessionRequestToJson
import dev.hypercheckout.routingId
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.suspendCancellableCoroutine
import okhttp3.Call
import okhttp3.Callback
import okhttp3.ConnectionPool
import okhttp3.Dispatcher
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.RequestBody.Companion.toRequestBody
import okhttp3.Response
import java.io.IOException
import java.util.concurrent.TimeUnit
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.Base64
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference

/**
 * CPU per call and sessions per second against the emulator: the SDK (blocking on threads, suspend on
 * coroutines) beside `java.net.http.HttpClient` sending the identical POST (same body, same
 * four headers, HTTP/1.1 as the SDK uses on plain http; the raw client only reads the body,
 * the SDK also parses it into a typed Session). Each mode runs for a fixed time after a
 * warm-up; the rounds alternate raw/SDK so both see the same machine load. CPU per call is
 * this JVM's process CPU time (every thread: the SDK's Rust runtime, JIT and GC included;
 * the emulator is another process) over the calls: the headline figure (issue 17), because
 * it survives a noisy machine better than wall time. Each cell is the median of the rounds.
 *
 * Usage: Bench EMULATOR_URL [seconds=5] [rounds=3] [threads=8] [coroutines=50]
 * Prints a Markdown table. `Bench EMULATOR_URL soak CALLS`: the leak soak instead (issue 17,
 * item 4): CALLS blocking calls, then CALLS/10 suspend calls from 32 coroutines, through one
 * client, printing RSS, threads and file descriptors (from /proc) at the start, after 10k and
 * at the end; exits 1 when fds grew after the first 10k calls, threads by more than two (JIT
 * compiler threads come and go), or RSS by more than 20% and 32 MiB. scripts/bench-kotlin.sh
 * runs it with a 64 MiB heap (`-Xmx64m -XX:+UseSerialGC`): with the default heap (a quarter
 * of RAM) G1 grows the heap instead of collecting, RSS rose 197 MiB -> 1.2 GiB over 90k
 * calls, and a leak in native memory could not be told from that.
 */
fun main(args: Array<String>) {
    val url = args.getOrNull(0) ?: error("usage: Bench EMULATOR_URL [seconds] [rounds] [threads] [coroutines]")
    if (args.getOrNull(1) == "soak") {
        kotlin.system.exitProcess(soak(url, args.getOrNull(2)?.toInt() ?: 100_000))
    }
    if (args.getOrNull(1) == "first-call") {
        firstCall(url, args.getOrNull(2) ?: "sdk")
        return
    }
    val seconds = args.getOrNull(1)?.toDouble() ?: 5.0
    val rounds = args.getOrNull(2)?.toInt() ?: 3
    val threads = args.getOrNull(3)?.toInt() ?: 8
    val coroutines = args.getOrNull(4)?.toInt() ?: 50
    if (System.getenv("BENCH_KEEP_CALLBACK_THREADS") == "1") {
        dev.hypercheckout.HyperCheckoutTuning.keepCallbackThreadsAttached()
        System.err.println("HyperCheckoutTuning.keepCallbackThreadsAttached()")
    }
    Bench(url, seconds).run(rounds, threads, coroutines)
}

/**
 * `Bench EMULATOR_URL first-call sdk|okhttp`: in a fresh JVM, the time from the first use of a
 * client's classes to its first session answered (issue 17: "JVM first call <= 300 ms after
 * class load"): "ready" is the client built (for the SDK: JNA, the native library and its
 * checksum checks loaded), "first" the first blocking POST /session. The OkHttp peer sends
 * the same minimal JSON by hand (no SDK class may load in its JVM). `scripts/bench-kotlin.sh
 * first-call N` runs N JVMs of each, alternating, and prints the medians.
 */
private fun firstCall(url: String, which: String) {
    val start = System.nanoTime()
    val ready: Long
    val orderId = "f${System.nanoTime() % 1_000_000_000}-${ProcessHandle.current().pid()}"
    when (which) {
        "sdk" -> {
            val client = Client(
                ClientConfig(
                    merchantId = Emulator.MERCHANT_ID, apiKey = Emulator.API_KEY,
                    environment = Environment.SANDBOX, baseUrl = url,
                ),
            )
            ready = System.nanoTime()
            val session = client.createSessionBlocking(
                SessionRequest(
                    orderId = orderId, amount = "10.00", customerId = "bench-customer",
                    paymentPageClientId = "hdfcmaster", customerEmail = "test@mail.com",
                    returnUrl = "https://shop.merchant.com/return",
                ),
            )
            check(session.orderId == orderId)
        }
        "okhttp" -> {
            val client = OkHttpClient()
            ready = System.nanoTime()
            val body = """{"order_id":"$orderId","amount":"10.00","customer_id":"bench-customer",""" +
                """"payment_page_client_id":"hdfcmaster","customer_email":"test@mail.com",""" +
                """"return_url":"https://shop.merchant.com/return","action":"paymentPage"}"""
            val auth = "Basic " + Base64.getEncoder().encodeToString("${Emulator.API_KEY}:".toByteArray())
            val request = okhttp3.Request.Builder().url("$url/session")
                .header("authorization", auth)
                .header("x-merchantid", Emulator.MERCHANT_ID)
                .header("x-routing-id", "bench-customer")
                .post(body.toRequestBody("application/json".toMediaType()))
                .build()
            client.newCall(request).execute().use { response ->
                val text = response.body!!.string()
                check(response.code == 200) { "HTTP ${response.code}: ${text.take(300)}" }
            }
        }
        else -> error("first-call sdk|okhttp, not $which")
    }
    val done = System.nanoTime()
    println(
        "first-call %s: ready %.1f ms, first %.1f ms, total %.1f ms".format(
            which, (ready - start) / 1e6, (done - ready) / 1e6, (done - start) / 1e6,
        ),
    )
    kotlin.system.exitProcess(0) // not waiting for OkHttp's idle threads
}

/** (RSS in KiB, threads, open file descriptors) of this process, from /proc (Linux). */
private fun footprint(): Triple<Long, Int, Int> {
    val rss = java.io.File("/proc/self/status").readLines()
        .firstOrNull { it.startsWith("VmRSS:") }?.split(Regex("\\s+"))?.getOrNull(1)?.toLongOrNull() ?: 0L
    fun count(dir: String) = java.io.File(dir).list()?.size ?: 0
    return Triple(rss, count("/proc/self/task"), count("/proc/self/fd"))
}

private fun soak(url: String, calls: Int): Int {
    val client = Client(
        ClientConfig(
            merchantId = Emulator.MERCHANT_ID, apiKey = Emulator.API_KEY,
            environment = Environment.SANDBOX, baseUrl = url, maxRetries = 0u,
        ),
    )
    val sequence = AtomicLong()
    fun request(): SessionRequest {
        val n = sequence.incrementAndGet()
        return SessionRequest(
            orderId = "soak${ProcessHandle.current().pid()}-$n", amount = "10.00", customerId = "soak-customer",
            paymentPageClientId = "hdfcmaster", customerEmail = "test@mail.com",
            returnUrl = "https://shop.merchant.com/return",
        )
    }
    repeat(100) { client.createSessionBlocking(request()) }
    // Warm the coroutine side too, so Dispatchers.Default's threads exist in every row.
    runBlocking {
        (1..32).map { launch(Dispatchers.Default) { repeat(20) { client.createSession(request()) } } }
            .forEach { it.join() }
    }
    val rows = mutableListOf("start (after the warm-up calls)" to footprint())
    val began = System.nanoTime()
    for (i in 1..calls) {
        client.createSessionBlocking(request())
        if (i == 10_000) rows += "10,000 blocking calls" to footprint()
    }
    rows += "$calls blocking calls" to footprint()
    val perCoroutine = calls / 10 / 32
    runBlocking {
        (1..32).map { launch(Dispatchers.Default) { repeat(perCoroutine) { client.createSession(request()) } } }
            .forEach { it.join() }
    }
    rows += "+ ${perCoroutine * 32} suspend calls (32 coroutines)" to footprint()
    println("| point | RSS (MiB) | threads | fds |")
    println("| --- | ---: | ---: | ---: |")
    for ((label, f) in rows) println("| $label | %.1f | ${f.second} | ${f.third} |".format(f.first / 1024.0))
    println("\n${(System.nanoTime() - began) / 1_000_000_000} s")
    client.close()
    val base = if (rows.size > 3) rows[1].second else rows[0].second
    val end = rows.last().second
    val rssGrew = end.first - base.first > maxOf(base.first / 5, 32L * 1024)
    // Two threads of slack: HotSpot adds and retires JIT compiler threads on its own.
    if (rssGrew || end.second > base.second + 2 || end.third > base.third) {
        println("!!! growth after the first 10k calls: $base -> $end (RSS KiB, threads, fds)")
        return 1
    }
    println("no growth after the first 10k calls (RSS within 20% / 32 MiB; threads within 2; fds equal)")
    return 0
}

/** One client in one mode and round. */
private class Measured(val rate: Double, val cpuUs: Double)

private val osBean = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
    as com.sun.management.OperatingSystemMXBean

/** This process's CPU time, every thread, in nanoseconds. */
private fun processCpuNanos(): Long = osBean.processCpuTime

private fun List<Double>.median(): Double = sorted().let { v ->
    if (v.size % 2 == 1) v[v.size / 2] else (v[v.size / 2 - 1] + v[v.size / 2]) / 2
}

private class Bench(val url: String, val seconds: Double) {
    private val sdk = Client(
        ClientConfig(
            merchantId = Emulator.MERCHANT_ID, apiKey = Emulator.API_KEY,
            environment = Environment.SANDBOX, baseUrl = url, maxRetries = 0u,
        ),
    )
    private val raw: HttpClient = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build()
    private val okhttp: OkHttpClient = OkHttpClient.Builder()
        .dispatcher(Dispatcher().apply { maxRequests = 256; maxRequestsPerHost = 256 })
        .connectionPool(ConnectionPool(256, 60, TimeUnit.SECONDS))
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .build()
    private val json = "application/json".toMediaType()
    private val auth = "Basic " + Base64.getEncoder().encodeToString("${Emulator.API_KEY}:".toByteArray())
    private val sessionUri = URI.create("$url/session")
    private val sequence = AtomicLong()
    private val tag = java.lang.Long.toString(System.currentTimeMillis() % 10_000_000L, 36)

    private fun request(): SessionRequest {
        val n = sequence.incrementAndGet()
        return SessionRequest(
            orderId = "b$tag-$n", amount = "10.00", customerId = "bench-customer",
            paymentPageClientId = "hdfcmaster", customerEmail = "test@mail.com",
            customerPhone = "9876543210", returnUrl = "https://shop.merchant.com/return",
            firstName = "John", lastName = "Wick", currency = "INR", description = "Complete your payment",
        )
    }

    /** The raw request the SDK would send, built from the same (exported) wire functions. */
    private fun rawRequest(): HttpRequest {
        val request = request()
        return HttpRequest.newBuilder(sessionUri)
            .timeout(Duration.ofSeconds(30))
            .header("authorization", auth)
            .header("x-merchantid", Emulator.MERCHANT_ID)
            .header("x-routing-id", routingId(request))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(sessionRequestToJson(request)))
            .build()
    }

    /** The same POST with OkHttp. */
    private fun okRequest(): okhttp3.Request {
        val request = request()
        return okhttp3.Request.Builder().url("$url/session")
            .header("authorization", auth)
            .header("x-merchantid", Emulator.MERCHANT_ID)
            .header("x-routing-id", routingId(request))
            .post(sessionRequestToJson(request).toRequestBody(json))
            .build()
    }

    private fun okBlocking() {
        okhttp.newCall(okRequest()).execute().use { response ->
            val body = response.body!!.string()
            check(response.code == 200) { "HTTP ${response.code}: ${body.take(200)}" }
        }
    }

    private suspend fun okAsync() {
        val call = okhttp.newCall(okRequest())
        val body = suspendCancellableCoroutine { continuation ->
            continuation.invokeOnCancellation { call.cancel() }
            call.enqueue(object : Callback {
                override fun onFailure(call: Call, e: IOException) = continuation.resumeWithException(e)
                override fun onResponse(call: Call, response: Response) {
                    val result = runCatching {
                        response.use {
                            val text = it.body!!.string()
                            check(it.code == 200) { "HTTP ${it.code}: ${text.take(200)}" }
                            text
                        }
                    }
                    result.fold({ continuation.resume(it) }, { continuation.resumeWithException(it) })
                }
            })
        }
        check(body.isNotEmpty())
    }

    private fun rawBlocking() {
        val response = raw.send(rawRequest(), HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "HTTP ${response.statusCode()}: ${response.body().take(200)}" }
    }

    private suspend fun rawAsync() {
        val response = raw.sendAsync(rawRequest(), HttpResponse.BodyHandlers.ofString()).await()
        check(response.statusCode() == 200) { "HTTP ${response.statusCode()}: ${response.body().take(200)}" }
    }

    /** [threads] threads calling [call] in a loop for [duration] s. */
    private fun onThreads(threads: Int, duration: Double, call: () -> Unit): Measured {
        val pool = Executors.newFixedThreadPool(threads)
        val done = AtomicLong()
        val failure = AtomicReference<Throwable>()
        val start = CountDownLatch(1)
        val stopAt = AtomicLong()
        val finished = CountDownLatch(threads)
        repeat(threads) {
            pool.execute {
                try {
                    start.await()
                    while (System.nanoTime() < stopAt.get()) {
                        call()
                        done.incrementAndGet()
                    }
                } catch (e: Throwable) {
                    failure.compareAndSet(null, e)
                } finally {
                    finished.countDown()
                }
            }
        }
        val cpuBegan = processCpuNanos()
        val began = System.nanoTime()
        stopAt.set(began + (duration * 1e9).toLong())
        start.countDown()
        finished.await()
        val elapsed = (System.nanoTime() - began) / 1e9
        val cpu = processCpuNanos() - cpuBegan
        pool.shutdown()
        failure.get()?.let { throw it }
        return Measured(done.get() / elapsed, cpu / 1e3 / maxOf(done.get(), 1L))
    }

    /** [concurrency] coroutines calling [call] in a loop for [duration] s. */
    private fun onCoroutines(concurrency: Int, duration: Double, call: suspend () -> Unit): Measured = runBlocking {
        val done = AtomicLong()
        val cpuBegan = processCpuNanos()
        val began = System.nanoTime()
        val stopAt = began + (duration * 1e9).toLong()
        val jobs = (1..concurrency).map {
            launch(Dispatchers.Default) {
                while (System.nanoTime() < stopAt) {
                    call()
                    done.incrementAndGet()
                }
            }
        }
        jobs.forEach { it.join() }
        val elapsed = (System.nanoTime() - began) / 1e9
        val cpu = processCpuNanos() - cpuBegan
        Measured(done.get() / elapsed, cpu / 1e3 / maxOf(done.get(), 1L))
    }

    fun run(rounds: Int, threads: Int, coroutines: Int) {
        class Mode(val name: String, val raw: (Double) -> Measured, val ok: (Double) -> Measured, val sdk: (Double) -> Measured)
        val modes = listOf(
            Mode("1 thread, blocking (latency-bound)",
                { d -> onThreads(1, d) { rawBlocking() } },
                { d -> onThreads(1, d) { okBlocking() } },
                { d -> onThreads(1, d) { sdk.createSessionBlocking(request()) } }),
            Mode("$threads threads, blocking",
                { d -> onThreads(threads, d) { rawBlocking() } },
                { d -> onThreads(threads, d) { okBlocking() } },
                { d -> onThreads(threads, d) { sdk.createSessionBlocking(request()) } }),
            Mode("$coroutines coroutines, async",
                { d -> onCoroutines(coroutines, d) { rawAsync() } },
                { d -> onCoroutines(coroutines, d) { okAsync() } },
                { d -> onCoroutines(coroutines, d) { sdk.createSession(request()) } }),
        )
        // Warm-up: JIT, connection pools, the emulator.
        for (mode in modes) {
            mode.raw(1.0)
            mode.ok(1.0)
            mode.sdk(1.0)
        }
        println("| mode | java.net.http CPU µs/call | OkHttp CPU µs/call | SDK CPU µs/call | SDK CPU / OkHttp | java.net.http sessions/s | OkHttp sessions/s | SDK sessions/s | SDK / java.net.http | SDK / OkHttp |")
        println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for (mode in modes) {
            val runs = List(3) { mutableListOf<Measured>() }
            val order = listOf(mode.raw, mode.ok, mode.sdk)
            repeat(rounds) { round ->
                // Rotate the order each round so no client always runs first or last.
                for (i in order.indices) {
                    val which = (i + round) % order.size
                    runs[which] += order[which](seconds)
                }
            }
            val (rc, oc, sc) = runs.map { list -> list.map { it.cpuUs }.median() }
            val (r, o, s) = runs.map { list -> list.map { it.rate }.median() }
            // Ratios are medians of per-round ratios: both sides measured close together.
            val cpuVsOk = runs[2].zip(runs[1]) { a, b -> a.cpuUs / b.cpuUs }.median()
            val rateVsRaw = runs[2].zip(runs[0]) { a, b -> a.rate / b.rate }.median()
            val rateVsOk = runs[2].zip(runs[1]) { a, b -> a.rate / b.rate }.median()
            fun show(list: List<Measured>) = list.map { "%.0f/s %.0fµs".format(it.rate, it.cpuUs) }
            System.err.println("${mode.name}: java.net.http ${show(runs[0])} okhttp ${show(runs[1])} sdk ${show(runs[2])}")
            println(
                "| ${mode.name} | %.0f | %.0f | %.0f | %.2fx | %.0f | %.0f | %.0f | %.0f%% | %.0f%% |"
                    .format(rc, oc, sc, cpuVsOk, r, o, s, 100 * rateVsRaw, 100 * rateVsOk),
            )
        }
        okhttp.dispatcher.executorService.shutdown()
        okhttp.connectionPool.evictAll()
        sdk.close()
    }
}
