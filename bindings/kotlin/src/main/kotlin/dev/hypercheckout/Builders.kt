package dev.hypercheckout

/*
 * Builders for the request records, for Java (Kotlin has named and default arguments and
 * `copy`). A generated record cannot get a static `builder()` method (uniffi writes the class;
 * a Kotlin extension on its companion object is a static method of another class in Java),
 * so each builder is its own class with a public constructor, as the JDK's own
 * `StringBuilder` and `ProcessBuilder` are: `new SessionRequestBuilder().orderId(...)...build()`.
 *
 * A builder only sets fields: every default comes from the generated record (that is, from
 * the Rust core), and every rule is checked by the core (`HypercheckoutKt.validate`, or the
 * call itself), all violations at once, so a builder never throws on `build()` for bad values.
 * `BuilderCompletenessTest` fails when the core adds a field that a builder lacks.
 */
/**
 * Builds a [SessionRequest] from Java:
 * ```java
 * SessionRequest request = new SessionRequestBuilder()
 *         .orderId("order-1").amount("100.00").customerId("customer-1")
 *         .paymentPageClientId("your_client_id")
 *         .returnUrl("https://shop.merchant.com/return")
 *         .putMetadata("JUSPAY:gateway_reference_id", "ref")
 *         .build();
 * ```
 * Fields left unset keep the core's defaults (empty, `null`).
 */
class SessionRequestBuilder {
    private val value: SessionRequest

    /** An empty builder: every field at the core's default, `orderId` and `amount` empty. */
    constructor() {
        value = SessionRequest(orderId = "", amount = "")
    }

    /** A builder that starts from a copy of [request] (to derive a request from another). */
    constructor(request: SessionRequest) {
        value = request.copy()
    }

    /** Sets `order_id`: the merchant's order id (required unless the action is `PaymentManagement`). */
    fun orderId(orderId: String): SessionRequestBuilder = apply { value.orderId = orderId }

    /** Sets `amount` in the currency's major unit as text, e.g. `"100.00"` (required unless the action is `PaymentManagement`). */
    fun amount(amount: String): SessionRequestBuilder = apply { value.amount = amount }

    /** Sets `customer_id`. */
    fun customerId(customerId: String): SessionRequestBuilder = apply { value.customerId = customerId }

    /** Sets `payment_page_client_id`, from the Juspay dashboard. */
    fun paymentPageClientId(paymentPageClientId: String): SessionRequestBuilder = apply { value.paymentPageClientId = paymentPageClientId }

    /** Sets `action`; `null` sends the core's default, the payment page. */
    fun action(action: Action?): SessionRequestBuilder = apply { value.action = action }

    /** Sets `customer_email`. */
    fun customerEmail(customerEmail: String?): SessionRequestBuilder = apply { value.customerEmail = customerEmail }

    /** Sets `customer_phone`. */
    fun customerPhone(customerPhone: String?): SessionRequestBuilder = apply { value.customerPhone = customerPhone }

    /** Sets `return_url`: where the payment page sends the customer back, signed. */
    fun returnUrl(returnUrl: String?): SessionRequestBuilder = apply { value.returnUrl = returnUrl }

    /** Sets `first_name`. */
    fun firstName(firstName: String?): SessionRequestBuilder = apply { value.firstName = firstName }

    /** Sets `last_name`. */
    fun lastName(lastName: String?): SessionRequestBuilder = apply { value.lastName = lastName }

    /** Sets `currency` (ISO 4217, e.g. `INR`). */
    fun currency(currency: String?): SessionRequestBuilder = apply { value.currency = currency }

    /** Sets `description`, shown on the payment page. */
    fun description(description: String?): SessionRequestBuilder = apply { value.description = description }

    /** Sets `language` of the payment page. */
    fun language(language: String?): SessionRequestBuilder = apply { value.language = language }

    /** Sets `options.create_mandate`. */
    fun createMandate(createMandate: CreateMandate?): SessionRequestBuilder = apply { value.createMandate = createMandate }

    /** Sets `mandate.*` (build one with [MandateBuilder]). */
    fun mandate(mandate: Mandate?): SessionRequestBuilder = apply { value.mandate = mandate }

    /** Sets `udf1`, a merchant-defined field. */
    fun udf1(udf1: String?): SessionRequestBuilder = apply { value.udf1 = udf1 }

    /** Sets `udf2`, a merchant-defined field. */
    fun udf2(udf2: String?): SessionRequestBuilder = apply { value.udf2 = udf2 }

    /** Sets `udf3`, a merchant-defined field. */
    fun udf3(udf3: String?): SessionRequestBuilder = apply { value.udf3 = udf3 }

    /** Sets `udf4`, a merchant-defined field. */
    fun udf4(udf4: String?): SessionRequestBuilder = apply { value.udf4 = udf4 }

    /** Sets `udf5`, a merchant-defined field. */
    fun udf5(udf5: String?): SessionRequestBuilder = apply { value.udf5 = udf5 }

    /** Sets `udf6`, a merchant-defined field. */
    fun udf6(udf6: String?): SessionRequestBuilder = apply { value.udf6 = udf6 }

    /** Sets `udf7`, a merchant-defined field. */
    fun udf7(udf7: String?): SessionRequestBuilder = apply { value.udf7 = udf7 }

    /** Sets `udf8`, a merchant-defined field. */
    fun udf8(udf8: String?): SessionRequestBuilder = apply { value.udf8 = udf8 }

    /** Sets `udf9`, a merchant-defined field. */
    fun udf9(udf9: String?): SessionRequestBuilder = apply { value.udf9 = udf9 }

    /** Sets `udf10`, a merchant-defined field. */
    fun udf10(udf10: String?): SessionRequestBuilder = apply { value.udf10 = udf10 }

    /** Sets `x-routing-id`; `null` lets the core choose (the customer id, else the order id). */
    fun routingId(routingId: String?): SessionRequestBuilder = apply { value.routingId = routingId }

    /** Sets `payment_filter`, Juspay's JSON object as text. */
    fun paymentFilter(paymentFilter: String?): SessionRequestBuilder = apply { value.paymentFilter = paymentFilter }

    /** Sets `options.get_client_auth_token`. */
    fun getClientAuthToken(getClientAuthToken: Boolean?): SessionRequestBuilder = apply { value.getClientAuthToken = getClientAuthToken }

    /** Replaces the `metadata.*` entries with [entries]. */
    fun metadata(entries: Map<String, String>): SessionRequestBuilder = apply { value.metadata = LinkedHashMap(entries) }

    /** Adds one of the `metadata.*` entries. */
    fun putMetadata(key: String, value: String): SessionRequestBuilder = apply { this.value.metadata = LinkedHashMap(this.value.metadata).apply { put(key, value) } }

    /** Replaces the other parameters sent as strings with [entries]. */
    fun extraFields(entries: Map<String, String>): SessionRequestBuilder = apply { value.extraFields = LinkedHashMap(entries) }

    /** Adds one of the other parameters sent as strings. */
    fun putExtraField(key: String, value: String): SessionRequestBuilder = apply { this.value.extraFields = LinkedHashMap(this.value.extraFields).apply { put(key, value) } }

    /** Replaces the other parameters sent as the JSON text you give with [entries]. */
    fun extraJson(entries: Map<String, String>): SessionRequestBuilder = apply { value.extraJson = LinkedHashMap(entries) }

    /** Adds one of the other parameters sent as the JSON text you give. */
    fun putExtraJson(key: String, value: String): SessionRequestBuilder = apply { this.value.extraJson = LinkedHashMap(this.value.extraJson).apply { put(key, value) } }

    /** A new [SessionRequest] with the fields set so far; the builder stays usable. */
    fun build(): SessionRequest = value.copy()
}

/** Builds the [Mandate] part of a [SessionRequest] from Java: `new MandateBuilder().maxAmount("500.00").frequency(MandateFrequency.MONTHLY).build()`. */
class MandateBuilder {
    private val value: Mandate

    /** An empty builder: every field unset. */
    constructor() {
        value = Mandate()
    }

    /** A builder that starts from a copy of [mandate]. */
    constructor(mandate: Mandate) {
        value = mandate.copy()
    }

    /** Sets `mandate.max_amount`, the most one debit may take. */
    fun maxAmount(maxAmount: String?): MandateBuilder = apply { value.maxAmount = maxAmount }

    /** Sets `mandate.start_date` (Unix seconds as text). */
    fun startDate(startDate: String?): MandateBuilder = apply { value.startDate = startDate }

    /** Sets `mandate.end_date` (Unix seconds as text). */
    fun endDate(endDate: String?): MandateBuilder = apply { value.endDate = endDate }

    /** Sets `mandate.frequency`. */
    fun frequency(frequency: MandateFrequency?): MandateBuilder = apply { value.frequency = frequency }

    /** Sets `mandate.rule_value`. */
    fun ruleValue(ruleValue: String?): MandateBuilder = apply { value.ruleValue = ruleValue }

    /** Sets `mandate.amount_rule`. */
    fun amountRule(amountRule: AmountRule?): MandateBuilder = apply { value.amountRule = amountRule }

    /** Sets `mandate.revokable_by_customer`. */
    fun revokableByCustomer(revokableByCustomer: Boolean?): MandateBuilder = apply { value.revokableByCustomer = revokableByCustomer }

    /** Sets `mandate.block_funds`. */
    fun blockFunds(blockFunds: Boolean?): MandateBuilder = apply { value.blockFunds = blockFunds }

    /** A new [Mandate] with the fields set so far. */
    fun build(): Mandate = value.copy()
}

/**
 * Builds a [ClientConfig] from Java, with `long`/`int` where the record has Kotlin's unsigned
 * types (which Java cannot call):
 * ```java
 * ClientConfig config = new ClientConfigBuilder("merchant_id", "api_key", Environment.SANDBOX)
 *         .timeoutMs(10_000).maxRetries(1).build();
 * try (HyperCheckoutClient client = new HyperCheckoutClient(config)) { ... }
 * ```
 * Unset fields keep the core's defaults (`DEFAULT_TIMEOUT_MS` and friends). Values are
 * checked by the core when the client is created (a `Configuration` error), except that a
 * negative number, which the record cannot hold, is refused here with an
 * `IllegalArgumentException` naming the field.
 */
class ClientConfigBuilder(merchantId: String, apiKey: String, environment: Environment) {
    private val value = ClientConfig(merchantId = merchantId, apiKey = apiKey, environment = environment)

    /** A builder that starts from a copy of [config]. */
    constructor(config: ClientConfig) : this(config.merchantId, config.apiKey, config.environment) {
        value.baseUrl = config.baseUrl
        value.connectTimeoutMs = config.connectTimeoutMs
        value.timeoutMs = config.timeoutMs
        value.overallTimeoutMs = config.overallTimeoutMs
        value.maxRetries = config.maxRetries
        value.appName = config.appName
        value.appVersion = config.appVersion
        value.proxyUrl = config.proxyUrl
        value.noProxy = config.noProxy
        value.proxyFromEnv = config.proxyFromEnv
        value.caBundlePem = config.caBundlePem
        value.trustOsStore = config.trustOsStore
        value.trustBundledRoots = config.trustBundledRoots
        value.encryption = config.encryption
    }

    /** Sets `merchantId`, sent as `x-merchantid`. */
    fun merchantId(merchantId: String): ClientConfigBuilder = apply { value.merchantId = merchantId }

    /** Sets the secret API key. */
    fun apiKey(apiKey: String): ClientConfigBuilder = apply { value.apiKey = apiKey }

    /** Sets the Juspay environment. */
    fun environment(environment: Environment): ClientConfigBuilder = apply { value.environment = environment }

    /** Overrides the environment's URL, e.g. the local emulator (plain `http` only for loopback hosts). */
    fun baseUrl(baseUrl: String?): ClientConfigBuilder = apply { value.baseUrl = baseUrl }

    /** Time allowed to open a connection, in milliseconds. */
    fun connectTimeoutMs(connectTimeoutMs: Long): ClientConfigBuilder =
        apply { value.connectTimeoutMs = nonNegative(connectTimeoutMs, "connectTimeoutMs").toULong() }

    /** Time allowed for one attempt, in milliseconds. */
    fun timeoutMs(timeoutMs: Long): ClientConfigBuilder =
        apply { value.timeoutMs = nonNegative(timeoutMs, "timeoutMs").toULong() }

    /** Time allowed for the whole call including retries, in milliseconds. */
    fun overallTimeoutMs(overallTimeoutMs: Long): ClientConfigBuilder =
        apply { value.overallTimeoutMs = nonNegative(overallTimeoutMs, "overallTimeoutMs").toULong() }

    /** Retries after the first attempt, where a retry is safe; 0 disables. */
    fun maxRetries(maxRetries: Int): ClientConfigBuilder =
        apply { value.maxRetries = nonNegative(maxRetries.toLong(), "maxRetries").toUInt() }

    /** Appended to the `User-Agent` as `appName/appVersion`. */
    fun appName(appName: String?): ClientConfigBuilder = apply { value.appName = appName }

    /** Appended to the `User-Agent` as `appName/appVersion`. */
    fun appVersion(appVersion: String?): ClientConfigBuilder = apply { value.appVersion = appVersion }

    /**
     * Sets an explicit proxy, `http://`, `https://`, `socks5://` or `socks5h://`, with
     * credentials as `user:password@` (percent-encoded) if it needs them; never printed.
     */
    fun proxyUrl(proxyUrl: String?): ClientConfigBuilder = apply { value.proxyUrl = proxyUrl }

    /** Sets the hosts, domains (`.example.com`), IPs or CIDR ranges that bypass [proxyUrl]. */
    fun noProxy(noProxy: List<String>): ClientConfigBuilder = apply { value.noProxy = noProxy.toList() }

    /** Whether `HTTPS_PROXY`/`NO_PROXY` from the environment apply when no [proxyUrl] is set (default `true`). */
    fun proxyFromEnv(proxyFromEnv: Boolean): ClientConfigBuilder = apply { value.proxyFromEnv = proxyFromEnv }

    /** Sets extra trusted certificate authorities, PEM text (e.g. a TLS-inspecting proxy's CA). */
    fun caBundlePem(caBundlePem: String?): ClientConfigBuilder = apply { value.caBundlePem = caBundlePem }

    /** Whether the operating system's certificate store is trusted too (default `false`). */
    fun trustOsStore(trustOsStore: Boolean): ClientConfigBuilder = apply { value.trustOsStore = trustOsStore }

    /** Whether the bundled Mozilla roots are trusted (default `true`); off with [caBundlePem], only that bundle is. */
    fun trustBundledRoots(trustBundledRoots: Boolean): ClientConfigBuilder =
        apply { value.trustBundledRoots = trustBundledRoots }

    /**
     * Encrypted mode (docs/encryption.md): with keys, sessions, order status and refunds go
     * to Juspay's signed and encrypted `/v4` endpoints without Basic auth (`apiKey` may then
     * be empty). `new EncryptionKeys(merchantKeyId, merchantPrivateKeyPem, juspayKeyId,
     * juspayPublicKeyPem)`; `null` turns it off.
     */
    fun encryption(encryption: EncryptionKeys?): ClientConfigBuilder = apply { value.encryption = encryption }

    /** A new [ClientConfig] with the values set so far. */
    fun build(): ClientConfig = value.copy()

    /** A [HyperCheckoutClient] for [build]; throws `Configuration` when the core refuses the configuration. */
    @Throws(HyperCheckoutException::class)
    fun buildClient(): HyperCheckoutClient = HyperCheckoutClient(build())

    private fun nonNegative(number: Long, name: String): Long {
        require(number >= 0) { "$name must not be negative (got $number)" }
        return number
    }
}

/**
 * Builds [RequestOptions] from Java, the optional last argument of every call: what this one
 * call changes of the client's defaults. Unset fields keep the client's values.
 * ```java
 * Session session = client.createSession(request,
 *         new RequestOptionsBuilder().timeoutMs(2_000).maxRetries(0).build());
 * ```
 */
class RequestOptionsBuilder {
    private val value = RequestOptions()

    /** Time allowed for one attempt of this call, in milliseconds. */
    fun timeoutMs(timeoutMs: Long): RequestOptionsBuilder =
        apply { value.timeoutMs = nonNegative(timeoutMs, "timeoutMs").toULong() }

    /** Time allowed for this call and its retries, in milliseconds. */
    fun overallTimeoutMs(overallTimeoutMs: Long): RequestOptionsBuilder =
        apply { value.overallTimeoutMs = nonNegative(overallTimeoutMs, "overallTimeoutMs").toULong() }

    /** Retries after the first attempt for this call; 0 disables. */
    fun maxRetries(maxRetries: Int): RequestOptionsBuilder =
        apply { value.maxRetries = nonNegative(maxRetries.toLong(), "maxRetries").toUInt() }

    /** The `x-routing-id` for this call, in place of the one it would send. */
    fun routingId(routingId: String?): RequestOptionsBuilder = apply { value.routingId = routingId }

    /** New [RequestOptions] with the values set so far. */
    fun build(): RequestOptions = value.copy()

    private fun nonNegative(number: Long, name: String): Long {
        require(number >= 0) { "$name must not be negative (got $number)" }
        return number
    }
}
