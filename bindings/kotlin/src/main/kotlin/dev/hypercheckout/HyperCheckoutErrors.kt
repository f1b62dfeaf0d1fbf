package dev.hypercheckout

/**
 * What every [HyperCheckoutException] carries, read from the base class (Java and Kotlin), so
 * a single `catch (HyperCheckoutException e)` can log and decide without a cast per kind.
 *
 * The sentence to show or log is `e.toString()` (also what a stack trace prints): the core's
 * `Display` text, e.g. `authentication failed (HTTP 401): access_denied: ... [request id
 * 7f3a...]`. [description] returns the same. `e.getMessage()` is uniffi 0.32's own rendering
 * of the fields (`httpStatus=401, status=error, ...`): the generated exception classes are
 * final and override `getMessage()` with it, and uniffi has no option to use `Display` there
 * (mozilla/uniffi-rs#1077), so log `toString()`, not `getMessage()`.
 *
 * The unsigned fields of the kinds (`UShort` HTTP status, `ULong` `Retry-After`) are mangled
 * names in Java (`getHttpStatus-Mh2AYeg`); [httpStatus] and [retryAfterSeconds] give them as
 * `Integer` / `Long`.
 */
object HyperCheckoutErrors {
    /** The core's one-sentence description of [error] (request id included): `error.toString()`. */
    @JvmStatic
    fun description(error: HyperCheckoutException): String = error.toString()

    /**
     * What went wrong, without the kind: the `reason` of `Timeout`, `Connection`,
     * `NotAuthentic`, `Configuration`, `Internal` and `UnexpectedResponse`; Juspay's `error_message` (else its
     * `error_code`) for the HTTP kinds; the violations, `field: message` joined by `; `, for
     * `Validation`. Never `null`; empty only when Juspay sent neither message nor code.
     */
    @JvmStatic
    fun reason(error: HyperCheckoutException): String = when (error) {
        is HyperCheckoutException.Validation -> error.violations.joinToString("; ") { "${it.field}: ${it.message}" }
        is HyperCheckoutException.Authentication -> error.errorMessage ?: error.errorCode ?: ""
        is HyperCheckoutException.InvalidRequest -> error.errorMessage ?: error.errorCode ?: ""
        is HyperCheckoutException.NotFound -> error.errorMessage ?: error.errorCode ?: ""
        is HyperCheckoutException.RateLimited -> error.errorMessage ?: error.errorCode ?: ""
        is HyperCheckoutException.Server -> error.errorMessage ?: error.errorCode ?: ""
        is HyperCheckoutException.Timeout -> error.reason
        is HyperCheckoutException.Connection -> error.reason
        is HyperCheckoutException.Certificate -> error.reason
        is HyperCheckoutException.UnexpectedResponse -> error.reason
        is HyperCheckoutException.NotAuthentic -> error.reason
        is HyperCheckoutException.Configuration -> error.reason
        is HyperCheckoutException.Internal -> error.reason
    }

    /** The HTTP status of an error that came from an HTTP answer, else `null`. */
    @JvmStatic
    fun httpStatus(error: HyperCheckoutException): Int? = when (error) {
        is HyperCheckoutException.Authentication -> error.httpStatus.toInt()
        is HyperCheckoutException.InvalidRequest -> error.httpStatus.toInt()
        is HyperCheckoutException.NotFound -> error.httpStatus.toInt()
        is HyperCheckoutException.RateLimited -> error.httpStatus.toInt()
        is HyperCheckoutException.Server -> error.httpStatus.toInt()
        is HyperCheckoutException.UnexpectedResponse -> error.httpStatus.toInt()
        is HyperCheckoutException.Validation, is HyperCheckoutException.Timeout, is HyperCheckoutException.Connection,
        is HyperCheckoutException.Certificate, is HyperCheckoutException.NotAuthentic,
        is HyperCheckoutException.Configuration,
        is HyperCheckoutException.Internal -> null
    }

    /** Juspay's request id (its `x-request-id` header or body field), when the error came from an answer that had one. */
    @JvmStatic
    fun requestId(error: HyperCheckoutException): String? = when (error) {
        is HyperCheckoutException.Authentication -> error.requestId
        is HyperCheckoutException.InvalidRequest -> error.requestId
        is HyperCheckoutException.NotFound -> error.requestId
        is HyperCheckoutException.RateLimited -> error.requestId
        is HyperCheckoutException.Server -> error.requestId
        is HyperCheckoutException.UnexpectedResponse -> error.requestId
        is HyperCheckoutException.Validation, is HyperCheckoutException.Timeout, is HyperCheckoutException.Connection,
        is HyperCheckoutException.Certificate, is HyperCheckoutException.NotAuthentic,
        is HyperCheckoutException.Configuration,
        is HyperCheckoutException.Internal -> null
    }

    /** Juspay's `error_code` (e.g. `access_denied`), for the HTTP kinds that carry one, else `null`. */
    @JvmStatic
    fun errorCode(error: HyperCheckoutException): String? = when (error) {
        is HyperCheckoutException.Authentication -> error.errorCode
        is HyperCheckoutException.InvalidRequest -> error.errorCode
        is HyperCheckoutException.NotFound -> error.errorCode
        is HyperCheckoutException.RateLimited -> error.errorCode
        is HyperCheckoutException.Server -> error.errorCode
        else -> null
    }

    /** The server's `Retry-After` in seconds, for a `RateLimited` that carried one, else `null`. */
    @JvmStatic
    fun retryAfterSeconds(error: HyperCheckoutException): Long? =
        (error as? HyperCheckoutException.RateLimited)?.retryAfterSeconds?.toLong()

    /** Which TLS check refused the server's certificate, for a `Certificate` error, else `null`. */
    @JvmStatic
    fun certificateCheck(error: HyperCheckoutException): CertificateCheck? =
        (error as? HyperCheckoutException.Certificate)?.check

    /** The violations of a `Validation` error; empty for every other kind. */
    @JvmStatic
    fun violations(error: HyperCheckoutException): List<Violation> =
        (error as? HyperCheckoutException.Validation)?.violations ?: emptyList()
}

/** The core's one-sentence description of this error, request id included (the same as `toString()`). */
val HyperCheckoutException.description: String get() = HyperCheckoutErrors.description(this)

/** The HTTP status as an `Int`, for errors that came from an HTTP answer, else `null`. */
val HyperCheckoutException.httpStatusCode: Int? get() = HyperCheckoutErrors.httpStatus(this)

