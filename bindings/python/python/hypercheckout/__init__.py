"""Juspay HyperCheckout Session API client.

The implementation is the Rust core (``core/`` in the repository), exposed through Mozilla
uniffi; this package re-exports the generated bindings with Python habits (``Client`` with
blocking and ``*_async`` calls, honest dataclasses with checked constructors, one enum style,
redacted reprs, error text as sentences, type declarations and Python docstrings).
Validation, wire format, retries and error mapping all happen in Rust.

Example::

    import hypercheckout as hc

    client = hc.Client(hc.ClientConfig(
        merchant_id="your_merchant_id",
        api_key="your_api_key",
        environment=hc.Environment.SANDBOX,
    ))
    request = hc.SessionRequest(
        order_id="order-1", amount="10.00", customer_id="customer-1",
        payment_page_client_id="your_client_id",
        return_url="https://shop.example.com/return",
    )
    try:
        session = client.create_session(request)   # or: await client.create_session_async(request)
        print(session.payment_link)
    except hc.HyperCheckoutError.Validation as e:
        print([(v.field, v.code) for v in e.violations])
    except hc.HyperCheckoutError as e:
        print(e)   # a sentence: kind, HTTP status, Juspay's code and message, request id
        print(type(e).__name__, e.http_status, e.error_code, e.error_info, e.body_excerpt)

After the payment, ask the Order Status API with the routing id the session was created
with (``client.get_order_status(session.order_id, session.routing_id)``) and decide
with ``check_order_payment(status, order_id, amount)`` (or ``check_payment`` with the signed
redirect): refunded and partly charged orders get their own verdicts, never ``PAID``.

``Action`` is an open set: ``hc.Action.PAYMENT_PAGE``, ``hc.Action.QUICK_PAY``, ...,
``hc.Action.OTHER(name="...")`` (variants with data are built by calling them).

``Client`` is thread-safe and cheap to share; ``create_session`` blocks (releasing the GIL
while it waits; refused inside a running event loop), and ``create_session_async`` is a
coroutine for asyncio. A client created before
``os.fork()`` keeps working in the child (the core rebuilds its runtime and connection pool).

Logs go to ``logging.getLogger("hypercheckout")`` (each attempt, retry and answer at DEBUG,
a failed call at WARNING; never the key, never the customer's e-mail or phone); metrics come
from ``set_request_listener(callback)``, one ``RequestEvent`` per attempt.
"""

from __future__ import annotations

import atexit
import enum
from typing import TYPE_CHECKING, Any

from . import _docs, _fastffi, _idioms, _observe
from ._client import Client
from ._observe import LOGGER_NAME, refresh_log_level, set_request_listener
from ._native import hypercheckout as _native
if TYPE_CHECKING:
    # The generated module annotates parameters but not record fields, and builds enum
    # variants and error classes at runtime, which type checkers cannot follow; `_api.pyi`
    # (written by bindings/python/stubgen.py from this very runtime, a test keeps it current)
    # and `_errors.pyi` declare the same names with their fields and Python docstrings.
    from ._api import (
        Action,
        AmountRule,
        CancelToken,
        CancelTokenProtocol,
        CardSummary,
        CertificateCheck,
        ClientConfig,
        ClientProtocol,
        CreateMandate,
        EncryptionKeys,
        Environment,
        ErrorField,
        ErrorInfo,
        InternalError,
        LogLevel,
        LogRecord,
        LogSink,
        LogSinkImpl,
        Mandate,
        MandateDetails,
        MandateExecution,
        MandateExecutionResult,
        MandateFrequency,
        MandateState,
        ObserverStats,
        OrderMandate,
        OrderState,
        OrderStatus,
        PaymentVerdict,
        Refund,
        RefundRequest,
        RequestEvent,
        RequestListener,
        RequestListenerImpl,
        RequestOptions,
        SdkPayload,
        SdkPayloadDetails,
        Session,
        SessionRequest,
        SignatureVerdict,
        TxnDetail,
        Violation,
        WebhookEvent,
        WebhookEventName,
        WireCall,
        amounts_equal,
        cancellable_calls_in_flight,
        check_order_payment,
        check_payment,
        decrypt_encrypted_answer,
        encrypt_request_body,
        clear_log_sink,
        clear_request_listener,
        execute_mandate_call,
        find_refund,
        flush_observers,
        mandate_status_call,
        observer_stats,
        order_status_api_version,
        parse_encrypted_webhook,
        parse_mandate_execution_response,
        parse_mandate_response,
        parse_order_status_response,
        parse_refund_response,
        parse_session_request,
        parse_session_response,
        parse_webhook,
        prepare_for_exit,
        refund_api_version,
        refund_call,
        revoke_mandate_call,
        routing_id,
        sdk_version,
        session_request_to_json,
        set_log_level,
        set_log_sink,
        validate,
        validate_mandate_execution,
        validate_mandate_lookup,
        validate_refund,
        validate_session_json,
        verify_return_url_signature,
        verify_return_url_signature_from_query,
        verify_webhook_auth,
    )
    from ._errors import HyperCheckoutError as HyperCheckoutError
else:
    from ._native.hypercheckout import (
        Action,
        AmountRule,
        CancelToken,
        CancelTokenProtocol,
        CardSummary,
        CertificateCheck,
        ClientConfig,
        ClientProtocol,
        CreateMandate,
        EncryptionKeys,
        Environment,
        ErrorField,
        ErrorInfo,
        InternalError,
        LogLevel,
        LogRecord,
        LogSink,
        LogSinkImpl,
        Mandate,
        MandateDetails,
        MandateExecution,
        MandateExecutionResult,
        MandateFrequency,
        MandateState,
        ObserverStats,
        OrderMandate,
        OrderState,
        OrderStatus,
        PaymentVerdict,
        Refund,
        RefundRequest,
        RequestEvent,
        RequestListener,
        RequestListenerImpl,
        RequestOptions,
        SdkPayload,
        SdkPayloadDetails,
        Session,
        SessionRequest,
        SignatureVerdict,
        TxnDetail,
        Violation,
        WebhookEvent,
        WebhookEventName,
        WireCall,
        amounts_equal,
        cancellable_calls_in_flight,
        check_order_payment,
        check_payment,
        decrypt_encrypted_answer,
        encrypt_request_body,
        clear_log_sink,
        clear_request_listener,
        execute_mandate_call,
        find_refund,
        flush_observers,
        mandate_status_call,
        observer_stats,
        order_status_api_version,
        parse_encrypted_webhook,
        parse_mandate_execution_response,
        parse_mandate_response,
        parse_order_status_response,
        parse_refund_response,
        parse_session_request,
        parse_session_response,
        parse_webhook,
        prepare_for_exit,
        refund_api_version,
        refund_call,
        revoke_mandate_call,
        routing_id,
        sdk_version,
        session_request_to_json,
        set_log_level,
        set_log_sink,
        validate,
        validate_mandate_execution,
        validate_mandate_lookup,
        validate_refund,
        validate_session_json,
        verify_return_url_signature,
        verify_return_url_signature_from_query,
        verify_webhook_auth,
    )

    HyperCheckoutError = _native.HyperCheckoutError

__version__: str = sdk_version()

__all__ = [
    "Action",
    "AmountRule",
    "CancelToken",
    "CancelTokenProtocol",
    "CardSummary",
    "CertificateCheck",
    "Client",
    "ClientConfig",
    "ClientProtocol",
    "CreateMandate",
    "EncryptionKeys",
    "Environment",
    "ErrorField",
    "ErrorInfo",
    "HyperCheckoutError",
    "InternalError",
    "LOGGER_NAME",
    "LogLevel",
    "LogRecord",
    "LogSink",
    "LogSinkImpl",
    "Mandate",
    "MandateDetails",
    "MandateExecution",
    "MandateExecutionResult",
    "MandateFrequency",
    "MandateState",
    "ObserverStats",
    "OrderMandate",
    "OrderState",
    "OrderStatus",
    "PaymentVerdict",
    "Refund",
    "RefundRequest",
    "RequestEvent",
    "RequestListener",
    "RequestListenerImpl",
    "RequestOptions",
    "SdkPayload",
    "SdkPayloadDetails",
    "Session",
    "SessionRequest",
    "SignatureVerdict",
    "TxnDetail",
    "Violation",
    "WebhookEvent",
    "WebhookEventName",
    "WireCall",
    "amounts_equal",
    "cancellable_calls_in_flight",
    "check_order_payment",
    "check_payment",
    "decrypt_encrypted_answer",
    "encrypt_request_body",
    "clear_log_sink",
    "clear_request_listener",
    "execute_mandate_call",
    "find_refund",
    "flush_observers",
    "mandate_status_call",
    "observer_stats",
    "order_status_api_version",
    "parse_encrypted_webhook",
    "parse_mandate_execution_response",
    "parse_mandate_response",
    "parse_order_status_response",
    "parse_refund_response",
    "parse_session_request",
    "parse_session_response",
    "parse_webhook",
    "prepare_for_exit",
    "refresh_log_level",
    "refund_api_version",
    "refund_call",
    "revoke_mandate_call",
    "routing_id",
    "sdk_version",
    "session_request_to_json",
    "set_log_level",
    "set_log_sink",
    "set_request_listener",
    "validate",
    "validate_mandate_execution",
    "validate_mandate_lookup",
    "validate_refund",
    "validate_session_json",
    "verify_return_url_signature",
    "verify_return_url_signature_from_query",
    "verify_webhook_auth",
]


# --- FFI plumbing ------------------------------------------------------------------------

# Interpreter exit: once CPython finalizes, a Rust I/O thread that delivers an async result
# into Python is killed mid-call and the process aborts (issue 11). atexit handlers run
# before finalization, so this stops those deliveries in time (see core/src/exit.rs).
atexit.register(_native.prepare_for_exit)
# Registered after, so run before it (atexit is last-in, first-out) and before `logging`'s own
# shutdown: the records of the last calls reach their handlers (bounded: 1 s).
atexit.register(_native.flush_observers, 1000)

# Faster RustBuffer builder/stream for the generated code (see _fastffi.py); False means the
# generated module changed shape and the stock (slower) helpers are in use.
_FAST_FFI: bool = _fastffi.install(_native)

# --- Python habits (see _idioms.py): honest dataclasses with checked constructors, Decimal
# amounts, redacted reprs, `status == OrderState.CHARGED`. False: the generated module
# changed shape; tests/test_idioms.py fails loudly then.
_IDIOMS: bool = _idioms.install(_native)
_docs.install(_native, _idioms.data_enums(_native))

# The core's records into `logging.getLogger("hypercheckout")` (see _observe.py); False only
# if something else installed a tracing subscriber in this process.
_LOGGING: bool = _observe.install()

_base = _native.HyperCheckoutError
_base.__doc__ = (
    "Every failure the client reports. Catch a kind (``HyperCheckoutError.Timeout``) or the base. "
    "``str(e)`` is a sentence saying what happened. "
    "``http_status``, ``error_code``, ``error_message``, ``request_id``, ``error_info`` "
    "(Juspay's structured detail) and ``body_excerpt`` (the start of the body) are None and "
    "``violations`` is empty where a kind has no such field."
)
# `str(e)` is the core's sentence (its `Display`, exported through uniffi but not wired to
# `__str__` by uniffi's Python generator): "request rejected (HTTP 400): INVALID_REQUEST:
# ...". `repr(e)` keeps the generated field-by-field form. `_ERROR_TEXT` says the hook is in
# use (tests/test_api.py checks it; a uniffi upgrade that renames these fails loudly there).
_display = getattr(_native._UniffiLib, "uniffi_hypercheckout_fn_method_hypercheckouterror_uniffi_trait_display", None)
_error_converter = getattr(_native, "_UniffiFfiConverterTypeHyperCheckoutError", None)
_string_converter = getattr(_native, "_UniffiFfiConverterString", None)
_rust_call = getattr(_native, "_uniffi_rust_call_with_error", None)
_ERROR_TEXT: bool = None not in (_display, _error_converter, _string_converter, _rust_call)


def _error_str(self: BaseException) -> str:
    try:
        lowered = _error_converter.lower(self)  # type: ignore[union-attr]
        text = _rust_call(None, _display, lowered)  # type: ignore[misc]
        return _string_converter.lift(text)  # type: ignore[union-attr,no-any-return]
    except Exception:  # never let printing an error raise; fall back to the field list
        return Exception.__str__(self)


def _error_repr(self: BaseException) -> str:
    return "HyperCheckoutError.{}({})".format(type(self).__name__, Exception.__str__(self))


if _ERROR_TEXT:
    for _kind in vars(_base).values():
        if isinstance(_kind, type) and issubclass(_kind, _base):
            setattr(_kind, "__str__", _error_str)
            setattr(_kind, "__repr__", _error_repr)
    del _kind

# Uniform attributes so `except HyperCheckoutError as e: e.http_status` works for any kind;
# the variants set their own values in __init__.
for _name in (
    "http_status", "status", "error_code", "error_message", "user_message", "request_id",
    "error_info", "body_excerpt", "reason", "retry_after_seconds", "check",
):
    setattr(_base, _name, None)
setattr(_base, "violations", [])
del _base, _name
