package dev.hypercheckout

import java.time.Duration
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The SDK's log records in the JVM's logging, and one request event per attempt for metrics
 * (thin layer over `core/src/observe.rs`; `docs/observability.md` is the guide).
 *
 * **Logs** go to the logger `hypercheckout`: through SLF4J when `org.slf4j:slf4j-api` is on
 * the classpath (the jar declares it as an optional dependency: your application brings its
 * own SLF4J and binding), otherwise through `java.lang.System.Logger` (by default
 * `java.util.logging`). Each attempt, retry (reason, wait) and answer (status, latency,
 * request id) is DEBUG, a failed call a WARN, calls starting and succeeding INFO; never the
 * key, the `Authorization` header, bodies, error messages, or the customer's e-mail or phone.
 *
 * The Rust core only makes the records the logger would keep: it caches the logger's level,
 * read by [install] and whenever a [HyperCheckoutClient] is made; call [refreshLogLevel]
 * after changing it. Records and events are delivered on the SDK's own threads
 * (`hypercheckout-logs`, `hypercheckout-events`; JNA attaches them to the JVM for each
 * callback, so Java sees a `Thread-N` name), never on the calling thread, through bounded
 * queues (4096; when full, new ones are dropped and counted in [stats]).
 *
 * The thin layer installs logging the first time any of its entry points is used
 * ([HyperCheckoutClient], [HyperCheckoutJava], [HyperCheckoutTuning]); code that uses only
 * the generated API calls [install] once at start-up, as for [HyperCheckoutExit].
 */
object HyperCheckoutObservability {
    /** The logger name every record of the SDK goes to. */
    const val LOGGER_NAME: String = "hypercheckout"

    private val installed = AtomicBoolean(false)

    @Volatile
    private var sink: HostSink? = null

    @Volatile
    private var installedLevel: LogLevel? = null

    /**
     * Hands the SDK's records to SLF4J (when present) or `System.Logger`, once per JVM;
     * returns whether this call installed it. Idempotent.
     */
    @JvmStatic
    fun install(): Boolean {
        if (!installed.compareAndSet(false, true)) {
            refreshLogLevel()
            return false
        }
        val host = if (slf4jPresent()) Slf4jSink() else SystemLoggerSink()
        sink = host
        val level = host.maxLevel()
        installedLevel = level
        return try {
            setLogSink(host, level ?: LogLevel.ERROR)
            if (level == null) setLogLevel(null)
            true
        } catch (e: HyperCheckoutException) {
            false
        }
    }

    /** Which backend receives the records: `"slf4j"`, `"System.Logger"`, or `"none"`. */
    @JvmStatic
    fun backend(): String = sink?.name ?: "none"

    /**
     * Tells the core the `hypercheckout` logger's current level (cheap when it did not
     * change). Call after changing the logging configuration while clients exist.
     */
    @JvmStatic
    fun refreshLogLevel() {
        val host = sink ?: return
        val level = host.maxLevel()
        if (level != installedLevel) {
            installedLevel = level
            setLogLevel(level)
        }
    }

    /**
     * Calls [listener] with one [HyperCheckoutRequestEvent] per attempt of every client in the
     * JVM, on the SDK's delivery thread; replaces an earlier listener (events still queued go
     * to the new one: [flush] first if that matters). A slow listener delays
     * only later events, never a call; one that throws is logged as a warning and changes
     * nothing. Java: `HyperCheckoutObservability.setRequestListener(event -> ...)`.
     */
    @JvmStatic
    fun setRequestListener(listener: HyperCheckoutRequestListener) {
        install()
        dev.hypercheckout.setRequestListener(object : RequestListener {
            override fun onRequest(event: RequestEvent) {
                try {
                    listener.onRequest(HyperCheckoutRequestEvent.of(event))
                } catch (t: Throwable) {
                    sink?.warn("the request listener threw; the call was not affected", t)
                }
            }
        })
    }

    /** Removes the request listener. */
    @JvmStatic
    fun clearRequestListener() = dev.hypercheckout.clearRequestListener()

    /**
     * Waits until every record and event queued so far has been delivered, at most
     * [timeout]; returns whether they all were (tests, shutdown).
     */
    @JvmStatic
    fun flush(timeout: Duration): Boolean = flushObservers(timeout.toMillis().coerceAtLeast(0).toULong())

    /** The delivery threads' counters: delivered, dropped (queue full), failed callbacks. */
    @JvmStatic
    fun stats(): Map<String, Long> = observerStats().let {
        mapOf(
            "logsDelivered" to it.logsDelivered.toLong(),
            "logsDropped" to it.logsDropped.toLong(),
            "eventsDelivered" to it.eventsDelivered.toLong(),
            "eventsDropped" to it.eventsDropped.toLong(),
            "callbackFailures" to it.callbackFailures.toLong(),
        )
    }

    private fun slf4jPresent(): Boolean = try {
        Class.forName("org.slf4j.LoggerFactory", false, HyperCheckoutObservability::class.java.classLoader)
        true
    } catch (e: ClassNotFoundException) {
        false
    } catch (e: LinkageError) {
        false
    }
}

/** Receives one [HyperCheckoutRequestEvent] per attempt; see [HyperCheckoutObservability.setRequestListener]. */
fun interface HyperCheckoutRequestListener {
    /** Called on the SDK's delivery thread, in order. */
    fun onRequest(event: HyperCheckoutRequestEvent)
}

/**
 * One attempt of an API call, with Java-friendly types (the core's [RequestEvent] has
 * unsigned fields). [path] is a template such as `/orders/{order_id}`, safe as a metric tag.
 */
data class HyperCheckoutRequestEvent(
    /** `create_session`, `get_order_status`, `create_refund`, `get_mandate`, `revoke_mandate`, `execute_mandate`. */
    val operation: String,
    /** `GET` or `POST`. */
    val method: String,
    /** The path without ids, e.g. `/orders/{order_id}`. */
    val path: String,
    /** 1 for the first attempt, 2 for the first retry, ... */
    val attempt: Int,
    /** The answer's HTTP status; null when none came (timeout, connection failure). */
    val httpStatus: Int?,
    /** From sending to the end of the answer (or the failure). */
    val latency: Duration,
    /** Juspay's request id, when the answer had one. */
    val requestId: String?,
    /** The error kind the attempt ended with (`rate_limited`, `server`, `timeout`, ...); null on success. */
    val errorKind: String?,
    /** Whether the client tries again after this attempt. */
    val willRetry: Boolean,
    /** The wait before that retry. */
    val retryWait: Duration?,
) {
    internal companion object {
        fun of(e: RequestEvent) = HyperCheckoutRequestEvent(
            operation = e.operation,
            method = e.method,
            path = e.path,
            attempt = e.attempt.toInt(),
            httpStatus = e.httpStatus?.toInt(),
            latency = Duration.ofNanos((e.latencyMs * 1_000_000.0).toLong()),
            requestId = e.requestId,
            errorKind = e.errorKind,
            willRetry = e.willRetry,
            retryWait = e.retryWaitMs?.let { Duration.ofMillis(it.toLong()) },
        )
    }
}

/** A [LogSink] over one of the JVM's logging APIs. */
private abstract class HostSink : LogSink {
    abstract val name: String

    /** The most verbose level the `hypercheckout` logger keeps now; null for none. */
    abstract fun maxLevel(): LogLevel?

    abstract fun warn(message: String, error: Throwable)
}

/** SLF4J, loaded only when `org.slf4j.LoggerFactory` is on the classpath. */
private class Slf4jSink : HostSink() {
    private val logger = org.slf4j.LoggerFactory.getLogger(HyperCheckoutObservability.LOGGER_NAME)
    override val name = "slf4j"

    override fun maxLevel(): LogLevel? = when {
        logger.isTraceEnabled -> LogLevel.TRACE
        logger.isDebugEnabled -> LogLevel.DEBUG
        logger.isInfoEnabled -> LogLevel.INFO
        logger.isWarnEnabled -> LogLevel.WARN
        logger.isErrorEnabled -> LogLevel.ERROR
        else -> null
    }

    override fun log(record: LogRecord) {
        try {
            // The fields travel as key-value pairs (SLF4J 2's fluent API) for structured
            // backends; the message already holds them as name=value for the others.
            val builder = when (record.level) {
                LogLevel.ERROR -> logger.atError()
                LogLevel.WARN -> logger.atWarn()
                LogLevel.INFO -> logger.atInfo()
                LogLevel.DEBUG -> logger.atDebug()
                LogLevel.TRACE -> logger.atTrace()
            }
            var event = builder
            for ((key, value) in record.fields) event = event.addKeyValue(key, value)
            event.log(record.message)
        } catch (t: Throwable) {
            // A broken appender must not surface in the core.
        }
    }

    override fun warn(message: String, error: Throwable) = logger.warn(message, error)
}

/** `java.lang.System.Logger` (by default `java.util.logging`: DEBUG is FINE, TRACE FINER). */
private class SystemLoggerSink : HostSink() {
    private val logger = System.getLogger(HyperCheckoutObservability.LOGGER_NAME)
    override val name = "System.Logger"

    override fun maxLevel(): LogLevel? = when {
        logger.isLoggable(System.Logger.Level.TRACE) -> LogLevel.TRACE
        logger.isLoggable(System.Logger.Level.DEBUG) -> LogLevel.DEBUG
        logger.isLoggable(System.Logger.Level.INFO) -> LogLevel.INFO
        logger.isLoggable(System.Logger.Level.WARNING) -> LogLevel.WARN
        logger.isLoggable(System.Logger.Level.ERROR) -> LogLevel.ERROR
        else -> null
    }

    override fun log(record: LogRecord) {
        try {
            val level = when (record.level) {
                LogLevel.ERROR -> System.Logger.Level.ERROR
                LogLevel.WARN -> System.Logger.Level.WARNING
                LogLevel.INFO -> System.Logger.Level.INFO
                LogLevel.DEBUG -> System.Logger.Level.DEBUG
                LogLevel.TRACE -> System.Logger.Level.TRACE
            }
            logger.log(level, record.message)
        } catch (t: Throwable) {
            // A broken handler must not surface in the core.
        }
    }

    override fun warn(message: String, error: Throwable) =
        logger.log(System.Logger.Level.WARNING, message, error)
}
