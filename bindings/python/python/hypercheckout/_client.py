"""`Client`: the generated client with Python's names and habits (thin wrapper, no logic).

Names: the blocking call is unsuffixed and the coroutine ends in ``_async``, as
stripe-python has it (``create()`` / ``create_async()``): one object, one connection pool,
both styles, the same shape as the Kotlin and Swift clients. (An ``AsyncClient`` as in httpx
would be a second class around the very same native client, for no gain.) The generated
names of 0.1 (``create_session_blocking``, ``get_order_status_blocking``) stay one release as
deprecated aliases; the 0.1 coroutine names now block, and say so when awaited code calls
them from an event loop (see ``_refuse_in_event_loop``).
"""

from __future__ import annotations

import asyncio
import warnings
from types import TracebackType
from typing import TYPE_CHECKING, Any, Optional, Type

from . import _observe
from ._native import hypercheckout as _native

if TYPE_CHECKING:  # the declared types (see _api.pyi), not the generated module's
    from ._api import (
        ClientConfig, MandateDetails, MandateExecution, MandateExecutionResult, OrderStatus,
        RefundRequest, RequestOptions, Session, SessionRequest,
    )
else:  # the same classes at runtime (pdoc and typing.get_type_hints resolve these)
    from ._native.hypercheckout import (
        ClientConfig, MandateDetails, MandateExecution, MandateExecutionResult, OrderStatus,
        RefundRequest, RequestOptions, Session, SessionRequest,
    )

_NativeClient = _native.Client


def _refuse_in_event_loop(name: str) -> None:
    """A blocking call in a thread that runs an asyncio loop would stall every task of that
    loop for up to ``overall_timeout_ms``; refuse it instead (the core can only see its own
    tokio runtime, not Python's loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        f"Client.{name}() blocks, and this thread is running an asyncio event loop: "
        f"use `await client.{name}_async(...)` there (before 0.2, the coroutine was "
        f"called `{name}`)"
    )


def _check_config_text(config: Any) -> None:
    """Refuses text that cannot cross into Rust (lone surrogates) with a Configuration error
    that names the field and, unlike the UnicodeEncodeError it replaces, holds no value."""
    unencodable = None
    fields = [(f, getattr(config, f, None)) for f in
              ("merchant_id", "api_key", "base_url", "app_name", "app_version", "proxy_url",
               "ca_bundle_pem")]
    keys = getattr(config, "encryption", None)
    if keys is not None:  # encrypted mode: the PEMs are secrets too, never echoed
        fields += [(f"encryption.{f}", getattr(keys, f, None)) for f in
                   ("merchant_key_id", "merchant_private_key_pem", "juspay_key_id",
                    "juspay_public_key_pem")]
    for field, value in fields:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                unencodable = field
                break
    if unencodable is not None:
        # Raised outside the except block, so no __context__ keeps the value either.
        raise _native.HyperCheckoutError.Configuration(
            reason=f"{unencodable} is not valid Unicode text (it contains a lone surrogate)"
        )


class Client:
    """A Juspay HyperCheckout API client.

    ``Client(config)`` checks the configuration (raising
    ``HyperCheckoutError.Configuration``) and prepares a connection pool; nothing is sent
    yet. One client is meant to be shared by every thread and asyncio task of a process
    (it is thread-safe and survives ``os.fork()``). Each call has a blocking form
    (``create_session``) and a coroutine (``create_session_async``). Use it as a context
    manager (``with`` or ``async with``) or call ``close()`` to release the pool early.

    Every call takes ``options=RequestOptions(...)`` (optional, last): this call's
    ``timeout_ms``, ``overall_timeout_ms``, ``max_retries`` or ``routing_id`` in place of the
    client's (``None`` fields keep the client's values).
    """

    __slots__ = ("_native", "_merchant_id", "_base_url", "__weakref__")

    def __init__(self, config: ClientConfig) -> None:
        """Checks ``config`` and prepares the connection pool; raises
        ``HyperCheckoutError.Configuration`` for an unusable configuration."""
        _check_config_text(config)
        # The logging configuration is usually done by now: let the core make exactly the
        # records the `hypercheckout` logger keeps (see _observe.py).
        _observe.refresh_log_level()
        self._native: Optional[Any] = _NativeClient(config)
        self._merchant_id: str = config.merchant_id
        self._base_url: Optional[str] = config.base_url

    def _live(self) -> Any:
        native = self._native
        if native is None:
            raise RuntimeError("this hypercheckout.Client is closed")
        return native

    # --- sessions ---------------------------------------------------------------------

    def create_session(self, request: SessionRequest, options: Optional[RequestOptions] = None) -> Session:
        """Validates ``request`` and creates the session (``POST /session``), blocking.

        Every documented rule is checked first: an invalid request raises
        ``HyperCheckoutError.Validation`` listing every violation and is never sent. Retries
        (429, 502/503/504, connections never made) happen inside, within
        ``overall_timeout_ms``. Releases the GIL while waiting. Raises ``RuntimeError`` when
        called from a thread running an asyncio loop: use ``create_session_async`` there.
        """
        _refuse_in_event_loop("create_session")
        return self._live().create_session_blocking(request, options)  # type: ignore[no-any-return]

    async def create_session_async(self, request: SessionRequest, options: Optional[RequestOptions] = None) -> Session:
        """The coroutine form of ``create_session``, for asyncio: the call runs on the SDK's
        own I/O threads and never blocks the event loop. Cancelling the task cancels the
        call."""
        return await self._live().create_session(request, options)  # type: ignore[no-any-return]

    # --- orders -----------------------------------------------------------------------

    def get_order_status(self, order_id: str, routing_id: str, options: Optional[RequestOptions] = None) -> OrderStatus:
        """The Order Status API (``GET /orders/{order_id}``), blocking: the authoritative word
        on whether an order is paid (the redirect and webhooks only tell you to ask).

        ``routing_id`` is the ``x-routing-id`` the session was created with: pass
        ``session.routing_id``. An unusable routing id raises ``HyperCheckoutError.Validation``
        and nothing is sent. Raises ``RuntimeError`` inside a running asyncio loop: use
        ``get_order_status_async`` there.
        """
        _refuse_in_event_loop("get_order_status")
        return self._live().get_order_status_blocking(order_id, routing_id, options)  # type: ignore[no-any-return]

    async def get_order_status_async(self, order_id: str, routing_id: str, options: Optional[RequestOptions] = None) -> OrderStatus:
        """The coroutine form of ``get_order_status``."""
        return await self._live().get_order_status(order_id, routing_id, options)  # type: ignore[no-any-return]

    # --- refunds ----------------------------------------------------------------------

    def create_refund(self, request: RefundRequest, options: Optional[RequestOptions] = None) -> OrderStatus:
        """Refunds a charged order (``POST /orders/{order_id}/refunds``), blocking; returns
        the order with its ``refunds``. A new refund is usually ``PENDING`` and settles later
        (the ``ORDER_REFUNDED`` webhook, or ``get_order_status``).

        ``request.unique_request_id`` makes the call safe to repeat: a retry after a lost
        answer never refunds twice, and the refund it finds is returned as success. Juspay's
        refusals (``invalid.amount.exceeded``, ``duplicate.call`` for a different refund)
        raise ``HyperCheckoutError.InvalidRequest`` with its ``error_code``; an unknown order
        raises ``NotFound``; a broken rule raises ``Validation`` and nothing is sent.
        """
        _refuse_in_event_loop("create_refund")
        return self._live().create_refund_blocking(request, options)  # type: ignore[no-any-return]

    async def create_refund_async(self, request: RefundRequest, options: Optional[RequestOptions] = None) -> OrderStatus:
        """The coroutine form of ``create_refund``."""
        return await self._live().create_refund(request, options)  # type: ignore[no-any-return]

    # --- mandates ----------------------------------------------------------------------

    def get_mandate(self, mandate_id: str, routing_id: str, options: Optional[RequestOptions] = None) -> MandateDetails:
        """The mandate's status, limits and dates (``POST /mandates/{mandate_id}``,
        ``command=check_status``), blocking. ``routing_id`` is the ``x-routing-id`` (Juspay
        recommends the customer id), required as for ``get_order_status``."""
        _refuse_in_event_loop("get_mandate")
        return self._live().get_mandate_blocking(mandate_id, routing_id, options)  # type: ignore[no-any-return]

    async def get_mandate_async(self, mandate_id: str, routing_id: str, options: Optional[RequestOptions] = None) -> MandateDetails:
        """The coroutine form of ``get_mandate``."""
        return await self._live().get_mandate(mandate_id, routing_id, options)  # type: ignore[no-any-return]

    def revoke_mandate(self, mandate_id: str, routing_id: str, options: Optional[RequestOptions] = None) -> MandateDetails:
        """Revokes a mandate (``command=revoke``), blocking; returns it, status ``REVOKED``.
        Safe to repeat: a mandate revoked already (an earlier attempt, or the customer) is
        returned as success."""
        _refuse_in_event_loop("revoke_mandate")
        return self._live().revoke_mandate_blocking(mandate_id, routing_id, options)  # type: ignore[no-any-return]

    async def revoke_mandate_async(self, mandate_id: str, routing_id: str, options: Optional[RequestOptions] = None) -> MandateDetails:
        """The coroutine form of ``revoke_mandate``."""
        return await self._live().revoke_mandate(mandate_id, routing_id, options)  # type: ignore[no-any-return]

    def execute_mandate(self, execution: MandateExecution, options: Optional[RequestOptions] = None) -> MandateExecutionResult:
        """Debits an active mandate under a new order id (``POST /txns``), blocking.
        Validated first. Safe to repeat with the same ``order_id``: the existing debit's
        result is returned instead of Juspay's ``DUPLICATE_ORDER_ID``."""
        _refuse_in_event_loop("execute_mandate")
        return self._live().execute_mandate_blocking(execution, options)  # type: ignore[no-any-return]

    async def execute_mandate_async(self, execution: MandateExecution, options: Optional[RequestOptions] = None) -> MandateExecutionResult:
        """The coroutine form of ``execute_mandate``."""
        return await self._live().execute_mandate(execution, options)  # type: ignore[no-any-return]

    # --- deprecated 0.1 names -----------------------------------------------------------

    def create_session_blocking(self, request: SessionRequest) -> Session:
        """Deprecated since 0.2: use ``create_session`` (the same blocking call)."""
        warnings.warn(
            "Client.create_session_blocking() is deprecated: use Client.create_session()",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.create_session(request)

    def get_order_status_blocking(self, order_id: str, routing_id: str) -> OrderStatus:
        """Deprecated since 0.2: use ``get_order_status`` (the same blocking call)."""
        warnings.warn(
            "Client.get_order_status_blocking() is deprecated: use Client.get_order_status()",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.get_order_status(order_id, routing_id)

    # --- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        """Releases this client's hold on its connection pools; later calls raise
        ``RuntimeError``. Calls already running finish normally. Idempotent. Once the last
        reference goes, the shared pool closes at once; each thread's own pool (blocking calls
        keep one per thread) at that thread's next blocking call or when it ends."""
        self._native = None

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._native is None

    def __enter__(self) -> "Client":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._native is None else ""
        return f"<hypercheckout.Client merchant_id={self._merchant_id!r} base_url={self._base_url!r}{state}>"
