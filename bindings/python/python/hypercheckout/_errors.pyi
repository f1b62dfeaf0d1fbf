# Type declarations for the error classes the generated bindings build at runtime
# (hypercheckout._native.hypercheckout.HyperCheckoutError). Kept in step with the Rust enum
# `HyperCheckoutError` (core/src/error.rs) by tests/test_api.py::test_error_stub_matches_runtime.
from typing import List, Optional

from ._api import CertificateCheck, ErrorInfo, Violation

class HyperCheckoutError(Exception):
    """Every failure the client reports; catch a kind or this base."""

    http_status: Optional[int]
    status: Optional[str]
    error_code: Optional[str]
    error_message: Optional[str]
    user_message: Optional[str]
    request_id: Optional[str]
    error_info: Optional[ErrorInfo]
    """Juspay's structured `error_info` (code, category, messages, fields), API errors only."""
    body_excerpt: Optional[str]
    """The start of the answer's body (at most 512 characters), for API and unexpected answers."""
    violations: List[Violation]
    reason: Optional[str]
    """What went wrong, for the kinds that say it in words (Timeout, Connection, NotAuthentic,
    Configuration, UnexpectedResponse, Internal); None for the others. ``str(e)`` is always the full sentence."""
    retry_after_seconds: Optional[int]
    check: Optional[CertificateCheck]
    """Which TLS check refused the server's certificate (Certificate only)."""

    class Validation(HyperCheckoutError):
        """The request broke documented rules; nothing was sent."""

        def __init__(self, violations: List[Violation]) -> None: ...

    class Authentication(HyperCheckoutError):
        """HTTP 401/403: the API key or merchant id was refused."""

        http_status: int
        body_excerpt: str
        def __init__(
            self,
            http_status: int,
            status: Optional[str],
            error_code: Optional[str],
            error_message: Optional[str],
            user_message: Optional[str],
            request_id: Optional[str],
            error_info: Optional[ErrorInfo],
            body_excerpt: str,
        ) -> None: ...

    class InvalidRequest(HyperCheckoutError):
        """HTTP 400 (and other 4xx without a more specific kind): Juspay rejected the request."""

        http_status: int
        body_excerpt: str
        def __init__(
            self,
            http_status: int,
            status: Optional[str],
            error_code: Optional[str],
            error_message: Optional[str],
            user_message: Optional[str],
            request_id: Optional[str],
            error_info: Optional[ErrorInfo],
            body_excerpt: str,
        ) -> None: ...

    class NotFound(HyperCheckoutError):
        """HTTP 404."""

        http_status: int
        body_excerpt: str
        def __init__(
            self,
            http_status: int,
            status: Optional[str],
            error_code: Optional[str],
            error_message: Optional[str],
            user_message: Optional[str],
            request_id: Optional[str],
            error_info: Optional[ErrorInfo],
            body_excerpt: str,
        ) -> None: ...

    class RateLimited(HyperCheckoutError):
        """HTTP 429, after the retries the policy allowed."""

        http_status: int
        body_excerpt: str
        retry_after_seconds: Optional[int]
        def __init__(
            self,
            http_status: int,
            status: Optional[str],
            error_code: Optional[str],
            error_message: Optional[str],
            user_message: Optional[str],
            request_id: Optional[str],
            error_info: Optional[ErrorInfo],
            body_excerpt: str,
            retry_after_seconds: Optional[int],
        ) -> None: ...

    class Server(HyperCheckoutError):
        """HTTP 5xx, after the retries the policy allowed."""

        http_status: int
        body_excerpt: str
        def __init__(
            self,
            http_status: int,
            status: Optional[str],
            error_code: Optional[str],
            error_message: Optional[str],
            user_message: Optional[str],
            request_id: Optional[str],
            error_info: Optional[ErrorInfo],
            body_excerpt: str,
        ) -> None: ...

    class Timeout(HyperCheckoutError):
        """No complete answer within the configured time. The request may have reached Juspay."""

        reason: str
        def __init__(self, reason: str) -> None: ...

    class Connection(HyperCheckoutError):
        """The connection failed or broke. `reason` says whether the request could have been sent."""

        reason: str
        def __init__(self, reason: str) -> None: ...

    class Certificate(HyperCheckoutError):
        """The server's TLS certificate (Juspay's, or an `https://` proxy's) was refused; the
        request was not sent, and is not retried. `check` says which check failed."""

        check: CertificateCheck
        reason: str
        def __init__(self, check: CertificateCheck, reason: str) -> None: ...

    class UnexpectedResponse(HyperCheckoutError):
        """A body that is not what the API documents (non-JSON, wrong shape, too large)."""

        http_status: int
        reason: str
        body_excerpt: str
        def __init__(
            self, http_status: int, reason: str, body_excerpt: str, request_id: Optional[str]
        ) -> None: ...

    class NotAuthentic(HyperCheckoutError):
        """Encrypted mode: an answer or webhook that failed decryption or signature
        verification (altered, not from Juspay, or sealed for other keys). Never accepted;
        do not act on it. Not retried."""

        reason: str
        def __init__(self, reason: str) -> None: ...

    class Configuration(HyperCheckoutError):
        """The client configuration is unusable (empty merchant id, bad base URL, ...)."""

        reason: str
        def __init__(self, reason: str) -> None: ...

    class Internal(HyperCheckoutError):
        """A bug in this SDK; please report it."""

        reason: str
        def __init__(self, reason: str) -> None: ...
