"""The SDK's records in Python's ``logging``, and request events for metrics (thin layer over
``core/src/observe.rs``; ``docs/observability.md`` is the guide).

Logs: on import, a sink is installed that hands every record of the Rust core to the logger
``hypercheckout`` (a ``NullHandler`` on it keeps the package print-free until the app
configures logging). The core only makes the records this logger would keep: it caches the
logger's effective level, read on import, whenever a ``Client`` is made, and by
``refresh_log_level()``. So configure logging before you make a client, or call
``refresh_log_level()`` after changing the level: a disabled level then costs nothing on the
request path. Records arrive on the core's delivery thread, never on the calling thread.

Events: ``set_request_listener(callback)`` calls ``callback(event)`` with one
``RequestEvent`` per attempt, also on the delivery thread; an exception in it is logged to
``hypercheckout`` as a warning and never reaches the call.
"""

from __future__ import annotations

import logging
import typing
from typing import TYPE_CHECKING, Any, Callable, Optional

from ._native import hypercheckout as _native

if TYPE_CHECKING:  # the declared types (see _api.pyi), not the generated module's
    from ._api import LogRecord, RequestEvent, RequestListener
else:  # the same classes at runtime (pdoc and typing.get_type_hints resolve these)
    from ._native.hypercheckout import LogRecord, RequestEvent, RequestListener

LOGGER_NAME = "hypercheckout"
"""The logger every record of the SDK goes to."""

logger = logging.getLogger(LOGGER_NAME)
# A library's loggers get a NullHandler (the logging HOWTO): without one, Python's "last
# resort" handler would print the SDK's warnings to stderr in an app that configured nothing.
logger.addHandler(logging.NullHandler())

_LEVELS = {
    _native.LogLevel.ERROR: logging.ERROR,
    _native.LogLevel.WARN: logging.WARNING,
    _native.LogLevel.INFO: logging.INFO,
    _native.LogLevel.DEBUG: logging.DEBUG,
    _native.LogLevel.TRACE: 5,  # below DEBUG, as most Python TRACE conventions have it
}


class _LoggingSink(_native.LogSink):  # type: ignore[misc]
    """Hands the core's records to ``logging.getLogger("hypercheckout")``."""

    def log(self, record: "LogRecord") -> None:
        try:
            level = _LEVELS.get(record.level, logging.DEBUG)
            if logger.isEnabledFor(level):
                # `hypercheckout` holds the fields (operation, attempt, http_status,
                # wait_ms, request_id, ...) for structured handlers.
                logger.log(level, "%s", record.message,
                           extra={"hypercheckout": dict(record.fields), "rust_target": record.target})
        except Exception:  # a broken handler or filter must not surface in the core
            pass


def _rust_level(python_level: int) -> Optional[Any]:
    if logger.disabled or python_level > logging.CRITICAL:
        return None
    if python_level <= 5:
        return _native.LogLevel.TRACE
    if python_level <= logging.DEBUG:
        return _native.LogLevel.DEBUG
    if python_level <= logging.INFO:
        return _native.LogLevel.INFO
    if python_level <= logging.WARNING:
        return _native.LogLevel.WARN
    return _native.LogLevel.ERROR


_installed_level: Any = "unset"


def refresh_log_level() -> None:
    """Tells the core the ``hypercheckout`` logger's current effective level. Called on
    import and by every ``Client(...)``; call it yourself after changing the level of a
    logging configuration while clients exist."""
    global _installed_level
    level = _rust_level(logger.getEffectiveLevel())
    if level != _installed_level:
        _installed_level = level
        _native.set_log_level(level)


def install() -> bool:
    """Installs the logging sink (on import). False if the process has another tracing
    subscriber (not the case for a Python program)."""
    global _installed_level
    level = _rust_level(logger.getEffectiveLevel())
    try:
        _native.set_log_sink(_LoggingSink(), level or _native.LogLevel.ERROR)
    except _native.HyperCheckoutError:
        return False
    _installed_level = "unset"
    refresh_log_level()
    return True


class _CallbackListener(_native.RequestListener):  # type: ignore[misc]
    def __init__(self, callback: Callable[["RequestEvent"], Any]) -> None:
        self._callback = callback

    def on_request(self, event: "RequestEvent") -> None:
        try:
            self._callback(event)
        except Exception:
            logger.warning("the request listener raised; the call was not affected", exc_info=True)


def set_request_listener(
    listener: typing.Union[typing.Callable[[RequestEvent], typing.Any], RequestListener],
) -> None:
    """Calls ``listener(event)`` (a function, or a ``RequestListener`` with ``on_request``)
    with one ``RequestEvent`` per attempt of every client in the process, on the SDK's
    delivery thread. Replaces an earlier listener; ``clear_request_listener()`` removes it.
    A slow listener delays only later events (dropped and counted in ``observer_stats()``
    when 4096 are waiting), never a call; an exception in it is logged as a warning."""
    on_request = getattr(listener, "on_request", None)
    callback = on_request if callable(on_request) else listener
    if not callable(callback):
        raise TypeError("set_request_listener() takes a function or an object with on_request(event)")
    _native.set_request_listener(_CallbackListener(callback))
