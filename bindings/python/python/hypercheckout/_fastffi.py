"""Faster drop-in replacements for helpers of uniffi's generated Python runtime.

uniffi 0.32's generated `_UniffiRustBufferBuilder` writes every field through a
`contextlib` context manager, a `ctypes.memmove` and, whenever the 16-byte initial buffer
fills up, an FFI call to grow it: lowering one `SessionRequest` costs ~200 us, about half of
a whole `create_session_blocking` call against a local server. The replacement builds the
bytes in a `bytearray` and hands them to Rust with one allocation at the end.
`_UniffiRustBufferStream` reads by slicing a ctypes pointer per field; the replacement copies
the buffer once and unpacks from `bytes`.

Two more per-call costs go the same way (issue 17):

* **strings**: a `str` or `Optional[str]` field was read through four or five Python calls
  (`read_u8`, `read_i32`, `read`, `decode`); a `Session` has 27 (19 optional). The replacements
  read each one in a single function over the stream's bytes, and write each one with one
  `bytearray` extension per part.
* **asyncio completions**: uniffi's `_uniffi_rust_call_async` hands Rust a ctypes callback,
  so every completion makes a Rust runtime thread take the GIL and run
  `loop.call_soon_threadsafe` (a self-pipe write) — while the loop holds the GIL, that Rust
  thread waits, and runs no other I/O meanwhile — and the final READY, which Rust delivers
  synchronously inside the `poll` call on the loop's own thread, takes the same detour. The
  replacement passes the core's completion queue instead (`core/src/completion_queue.rs`):
  Rust records the completion and, when its queue was empty, writes one byte to a socket the
  loop watches (`add_reader`); the loop drains every completion in one call per wake-up, and
  right after each poll for the READY delivered inside it. No Python runs on a Rust thread.
  Where the library has no queue (Windows) or the loop cannot watch a socket (asyncio's
  Proactor loop), or a call is polled from a thread not running its loop
  (`uniffi_set_event_loop`), it keeps a ctypes callback, resolving in place a continuation
  that arrives on the polling thread. Same protocol (poll until READY, then complete, always
  free), same cancellation.

* **every FFI call**: `_uniffi_rust_call_with_error` (looked up by name at call time) built its
  call status with `_UniffiRustCallStatus.default()` (two ctypes structures) and called the
  status check even on success; the replacement zero-initialises one structure (the same
  CALL_SUCCESS and empty buffer) and checks only a non-zero code. Lifting and lowering a
  record (`_UniffiConverterRustBuffer.lift`/`lower`) went through `contextlib` generators;
  the replacements are plain `try` blocks with the same checks (junk left in the buffer,
  the builder discarded on error, the buffer always freed). py-spy put these at ~10% of an
  asyncio call's loop-thread samples.

Same byte format, same errors: this is FFI plumbing only (no request/response logic), and
every test in bindings/python/tests runs through it. `install()` returns False if the
generated module does not have the shape this was written for (e.g. after a uniffi upgrade;
each helper it does not recognise is left as generated); `tests/test_api.py` fails loudly
in that case.
"""

from __future__ import annotations

import asyncio.events as asyncio_events
import ctypes
import inspect
import itertools
import socket
import struct
import threading
import weakref
from types import ModuleType
from typing import Any

_I8 = struct.Struct(">b")
_U8 = struct.Struct(">B")
_I16 = struct.Struct(">h")
_U16 = struct.Struct(">H")
_I32 = struct.Struct(">i")
_U32 = struct.Struct(">I")
_I64 = struct.Struct(">q")
_U64 = struct.Struct(">Q")
_F32 = struct.Struct(">f")
_F64 = struct.Struct(">d")
_SIZE_T = struct.Struct("@N")

_EXPECTED_BUILDER = {"write", "write_i8", "write_u8", "write_i16", "write_u16", "write_i32",
                     "write_u32", "write_i64", "write_u64", "write_float", "write_double",
                     "write_c_size_t", "finalize", "discard"}
_EXPECTED_STREAM = {"from_rust_buffer", "remaining", "read", "read_i8", "read_u8", "read_i16",
                    "read_u16", "read_i32", "read_u32", "read_i64", "read_u64", "read_float",
                    "read_double"}


def install(native: ModuleType) -> bool:
    builder = getattr(native, "_UniffiRustBufferBuilder", None)
    stream = getattr(native, "_UniffiRustBufferStream", None)
    rust_buffer = getattr(native, "_UniffiRustBuffer", None)
    internal_error = getattr(native, "InternalError", None)
    if builder is None or stream is None or rust_buffer is None or internal_error is None:
        return False
    if not _EXPECTED_BUILDER <= set(dir(builder)) or not _EXPECTED_STREAM <= set(dir(stream)):
        return False
    if [name for name, _ in rust_buffer._fields_] != ["capacity", "len", "data"]:
        return False

    alloc = rust_buffer.alloc
    memmove = ctypes.memmove
    string_at = ctypes.string_at

    class RustBufferBuilder:
        """Collects the bytes in Python; one Rust allocation in `finalize`."""

        __slots__ = ("_buf",)

        def __init__(self) -> None:
            self._buf = bytearray()

        def finalize(self) -> Any:
            data = self._buf
            size = len(data)
            rbuf = alloc(size)
            if size:
                memmove(rbuf.data, bytes(data), size)
            rbuf.len = size
            return rbuf

        def discard(self) -> None:
            self._buf = bytearray()

        def write(self, value: bytes) -> None:
            self._buf += value

        def write_i8(self, v: int) -> None:
            self._buf += _I8.pack(v)

        def write_u8(self, v: int) -> None:
            self._buf += _U8.pack(v)

        def write_i16(self, v: int) -> None:
            self._buf += _I16.pack(v)

        def write_u16(self, v: int) -> None:
            self._buf += _U16.pack(v)

        def write_i32(self, v: int) -> None:
            self._buf += _I32.pack(v)

        def write_u32(self, v: int) -> None:
            self._buf += _U32.pack(v)

        def write_i64(self, v: int) -> None:
            self._buf += _I64.pack(v)

        def write_u64(self, v: int) -> None:
            self._buf += _U64.pack(v)

        def write_float(self, v: float) -> None:
            self._buf += _F32.pack(v)

        def write_double(self, v: float) -> None:
            self._buf += _F64.pack(v)

        def write_c_size_t(self, v: int) -> None:
            self._buf += _SIZE_T.pack(v)

    class RustBufferStream:
        """Reads from one `bytes` copy of the buffer."""

        __slots__ = ("data", "len", "offset")

        def __init__(self, data: bytes, length: int) -> None:
            self.data = data
            self.len = length
            self.offset = 0

        @classmethod
        def from_rust_buffer(cls, buf: Any) -> "RustBufferStream":
            length = buf.len
            return cls(string_at(buf.data, length) if length else b"", length)

        def remaining(self) -> int:
            return self.len - self.offset

        def _unpack(self, fmt: struct.Struct) -> Any:
            offset = self.offset
            end = offset + fmt.size
            if end > self.len:
                raise internal_error("read past end of rust buffer")
            self.offset = end
            return fmt.unpack_from(self.data, offset)[0]

        def read(self, size: int) -> bytes:
            offset = self.offset
            end = offset + size
            if end > self.len:
                raise internal_error("read past end of rust buffer")
            self.offset = end
            return self.data[offset:end]

        def read_i8(self) -> int:
            return self._unpack(_I8)  # type: ignore[no-any-return]

        def read_u8(self) -> int:
            return self._unpack(_U8)  # type: ignore[no-any-return]

        def read_i16(self) -> int:
            return self._unpack(_I16)  # type: ignore[no-any-return]

        def read_u16(self) -> int:
            return self._unpack(_U16)  # type: ignore[no-any-return]

        def read_i32(self) -> int:
            return self._unpack(_I32)  # type: ignore[no-any-return]

        def read_u32(self) -> int:
            return self._unpack(_U32)  # type: ignore[no-any-return]

        def read_i64(self) -> int:
            return self._unpack(_I64)  # type: ignore[no-any-return]

        def read_u64(self) -> int:
            return self._unpack(_U64)  # type: ignore[no-any-return]

        def read_float(self) -> float:
            return self._unpack(_F32)  # type: ignore[no-any-return]

        def read_double(self) -> float:
            return self._unpack(_F64)  # type: ignore[no-any-return]

    RustBufferBuilder.__name__ = RustBufferBuilder.__qualname__ = "_UniffiRustBufferBuilder"
    RustBufferStream.__name__ = RustBufferStream.__qualname__ = "_UniffiRustBufferStream"
    native._UniffiRustBufferBuilder = RustBufferBuilder  # type: ignore[attr-defined]
    native._UniffiRustBufferStream = RustBufferStream  # type: ignore[attr-defined]
    strings = _install_string_converters(native, internal_error)
    completions = _install_async_call(native)
    calls = _install_call_helpers(native, RustBufferStream, RustBufferBuilder)
    return strings and completions and calls


def _install_call_helpers(native: ModuleType, stream_type: Any, builder_type: Any) -> bool:
    """`_uniffi_rust_call_with_error` and the RustBuffer record converter's `lift`/`lower`
    without their per-call overhead (see the module docstring)."""
    status_type = getattr(native, "_UniffiRustCallStatus", None)
    check_status = getattr(native, "_uniffi_check_call_status", None)
    record_converter = getattr(native, "_UniffiConverterRustBuffer", None)
    generated = getattr(native, "_uniffi_rust_call_with_error", None)
    if None in (status_type, check_status, record_converter, generated):
        return False
    if [name for name, _ in status_type._fields_] != ["code", "error_buf"] or status_type.CALL_SUCCESS != 0:
        return False
    if list(inspect.signature(generated).parameters) != ["error_ffi_converter", "fn", "args"]:
        return False
    if not {"lift", "lower"} <= set(vars(record_converter)):
        return False
    byref = ctypes.byref

    def rust_call_with_error(error_ffi_converter: Any, fn: Any, *args: Any) -> Any:
        call_status = status_type()  # zeroed: CALL_SUCCESS, an empty error buffer
        result = fn(*args, byref(call_status))
        if call_status.code:
            check_status(error_ffi_converter, call_status)  # raises the call's error
        return result

    def lift(cls: Any, rbuf: Any) -> Any:
        try:
            stream = stream_type.from_rust_buffer(rbuf)
            value = cls.read(stream)
            if stream.remaining() != 0:
                raise RuntimeError(f"junk data left in buffer at end of consume_with_stream {stream.remaining()}")
            return value
        finally:
            rbuf.free()

    def lower(cls: Any, value: Any) -> Any:
        builder = builder_type()
        try:
            cls.write(value, builder)
            return builder.finalize()
        except BaseException:
            builder.discard()
            raise

    rust_call_with_error.__qualname__ = rust_call_with_error.__name__ = "_uniffi_rust_call_with_error"
    native._uniffi_rust_call_with_error = rust_call_with_error  # type: ignore[attr-defined]
    record_converter.lift = classmethod(lift)  # type: ignore[attr-defined]
    record_converter.lower = classmethod(lower)  # type: ignore[attr-defined]
    return True


_EXPECTED_CONVERTER = {"check_lower", "read", "write", "lift", "lower"}


def _install_string_converters(native: ModuleType, internal_error: Any) -> bool:
    """`str` and `Optional[str]` read and written in one function each. They only ever see
    the buffer classes above (the generated code looks both up by name at call time), whose
    `data`/`offset`/`len` and `_buf` they use directly."""
    string = getattr(native, "_UniffiFfiConverterString", None)
    optional = getattr(native, "_UniffiFfiConverterOptionalString", None)
    if string is None or optional is None:
        return False
    if not _EXPECTED_CONVERTER <= set(dir(string)) or not {"check_lower", "read", "write"} <= set(dir(optional)):
        return False
    unpack_i32 = _I32.unpack_from
    pack_i32 = _I32.pack

    def read_string(buf: Any) -> str:
        offset = buf.offset
        start = offset + 4
        if start > buf.len:
            raise internal_error("read past end of rust buffer")
        size = unpack_i32(buf.data, offset)[0]
        if size < 0:
            raise internal_error("Unexpected negative string length")
        end = start + size
        if end > buf.len:
            raise internal_error("read past end of rust buffer")
        buf.offset = end
        return buf.data[start:end].decode("utf-8")  # type: ignore[no-any-return]

    def read_optional_string(buf: Any) -> Any:
        # read_string inlined: a Session has 19 of these.
        offset = buf.offset
        length = buf.len
        if offset >= length:
            raise internal_error("read past end of rust buffer")
        data = buf.data
        flag = data[offset]
        if flag == 0:
            buf.offset = offset + 1
            return None
        if flag != 1:
            raise internal_error("Unexpected flag byte for optional type")
        start = offset + 5
        if start > length:
            raise internal_error("read past end of rust buffer")
        size = unpack_i32(data, offset + 1)[0]
        if size < 0:
            raise internal_error("Unexpected negative string length")
        end = start + size
        if end > length:
            raise internal_error("read past end of rust buffer")
        buf.offset = end
        return data[start:end].decode("utf-8")

    def write_string(value: str, buf: Any) -> None:
        data = value.encode("utf-8")  # check_lower has run: `value` is a str
        out = buf._buf
        out += pack_i32(len(data))
        out += data

    def write_optional_string(value: Any, buf: Any) -> None:
        out = buf._buf
        if value is None:
            out.append(0)
            return
        data = value.encode("utf-8")
        out.append(1)
        out += pack_i32(len(data))
        out += data

    string.read = staticmethod(read_string)
    string.write = staticmethod(write_string)
    optional.read = staticmethod(read_optional_string)
    optional.write = staticmethod(write_optional_string)
    return True


def _completion_queue_functions(native: ModuleType) -> Any:
    """The core's completion-queue functions (core/src/completion_queue.rs), or None where the
    library has none (Windows). Called through ``PyDLL``: they are short and never block, so
    the GIL is kept rather than released and retaken around each call."""
    lib = getattr(native, "_UniffiLib", None)
    handle = getattr(lib, "_handle", None)
    if handle is None:
        return None
    direct = ctypes.PyDLL(getattr(lib, "_name", None), handle=handle)
    try:
        new = direct.hypercheckout_completion_queue_new
        drain = direct.hypercheckout_completion_queue_drain
        free = direct.hypercheckout_completion_queue_free
        continuation = ctypes.cast(
            lib.hypercheckout_completion_queue_continuation, ctypes.c_void_p
        ).value
    except AttributeError:
        return None
    new.argtypes = [ctypes.POINTER(ctypes.c_int)]
    new.restype = ctypes.c_uint32
    drain.argtypes = [ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint64),
                      ctypes.POINTER(ctypes.c_int8), ctypes.c_uint32]
    drain.restype = ctypes.c_uint32
    free.argtypes = [ctypes.c_uint32]
    free.restype = None
    return new, drain, free, continuation


def _install_async_call(native: ModuleType) -> bool:
    """The coroutine every generated `async def` awaits (`_uniffi_rust_call_async`, looked up
    by name at call time), with the completions collected from a socket the event loop
    watches (see the module docstring)."""
    callback_type = getattr(native, "_UNIFFI_RUST_FUTURE_CONTINUATION_CALLBACK", None)
    ready = getattr(native, "_UNIFFI_RUST_FUTURE_POLL_READY", None)
    get_loop = getattr(native, "_uniffi_get_event_loop", None)
    call_with_error = getattr(native, "_uniffi_rust_call_with_error", None)
    generated = getattr(native, "_uniffi_rust_call_async", None)
    if None in (callback_type, ready, get_loop, call_with_error, generated):
        return False
    if list(inspect.signature(generated).parameters) != [  # type: ignore[arg-type]
        "rust_future", "ffi_poll", "ffi_complete", "ffi_free", "lift_func", "error_ffi_converter"
    ]:
        return False

    # callback data -> (future, loop, polling thread) for uniffi's callback, or -> future for
    # the queue; handles are never reused, so a continuation for a call that was cancelled
    # and cleaned up finds nothing and is ignored.
    waiting: dict = {}
    next_handle = itertools.count(1).__next__
    current_thread = threading.get_ident

    def resolve(future: Any, poll_code: int) -> None:
        if not future.cancelled():
            future.set_result(poll_code)

    @callback_type  # type: ignore[misc]
    def continuation(handle: int, poll_code: int) -> None:
        entry = waiting.pop(handle, None)
        if entry is None:
            return
        future, loop, thread = entry
        if current_thread() == thread:
            resolve(future, poll_code)  # inside `ffi_poll`, on the loop's thread
        else:
            loop.call_soon_threadsafe(resolve, future, poll_code)

    queue_for = _queue_per_loop(native, callback_type, waiting, resolve)

    async def rust_call_async(rust_future: Any, ffi_poll: Any, ffi_complete: Any, ffi_free: Any,
                              lift_func: Any, error_ffi_converter: Any) -> Any:
        handle = 0
        try:
            loop = get_loop()
            queue = queue_for(loop)
            thread = current_thread()
            while True:
                future = loop.create_future()
                if queue is not None:
                    handle = queue.base | next_handle()
                    waiting[handle] = future
                    ffi_poll(rust_future, queue.continuation, handle)
                    queue.drain()  # READY delivered inside the poll, if it was
                else:
                    handle = next_handle()
                    waiting[handle] = (future, loop, thread)
                    ffi_poll(rust_future, continuation, handle)
                poll_code = await future
                if poll_code == ready:
                    break
            return lift_func(call_with_error(error_ffi_converter, ffi_complete, rust_future))
        finally:
            waiting.pop(handle, None)
            ffi_free(rust_future)

    rust_call_async.__qualname__ = rust_call_async.__name__ = "_uniffi_rust_call_async"
    native._uniffi_rust_call_async = rust_call_async  # type: ignore[attr-defined]
    # ctypes frees a callback's trampoline with its Python object: keep it alive.
    native._uniffi_fast_continuation = continuation  # type: ignore[attr-defined]
    return True


def _queue_per_loop(native: ModuleType, callback_type: Any, waiting: dict, resolve: Any) -> Any:
    """``queue_for(loop)``: the running loop's completion queue (made on first use), or None
    when completions must take uniffi's callback: no queue functions in the library (Windows),
    a loop that cannot watch a socket (asyncio's Proactor loop), or a call polled from a
    thread that is not running ``loop`` (uniffi's ``uniffi_set_event_loop``)."""
    functions = _completion_queue_functions(native)
    if functions is None:
        return lambda loop: None
    new, drain_into, free, continuation_address = functions
    queue_continuation = callback_type(continuation_address)
    running_loop = asyncio_events._get_running_loop
    capacity = 64
    handle_bits = 40  # HANDLE_BITS in completion_queue.rs

    class LoopQueue:
        """One event loop's queue: Rust records completions and writes a byte to ``sock``
        when the queue was empty; the loop drains them all on that wake-up."""

        __slots__ = ("base", "sock", "_id", "_data", "_codes")
        continuation = queue_continuation  # the same C function for every queue

        def __init__(self, loop: Any) -> None:
            fd = ctypes.c_int(-1)
            self._id = new(ctypes.byref(fd))
            if not self._id:
                raise OSError("the core could not make a completion queue")
            self.sock = socket.socket(fileno=fd.value)
            self.base = self._id << handle_bits
            self._data = (ctypes.c_uint64 * capacity)()
            self._codes = (ctypes.c_int8 * capacity)()
            try:
                loop.add_reader(self.sock.fileno(), self.on_readable)
            except BaseException:
                self.close()
                raise

        def on_readable(self) -> None:
            try:
                self.sock.recv(4096)  # the wake-up bytes first, then what they announce
            except (BlockingIOError, InterruptedError):
                pass
            self.drain()

        def drain(self) -> None:
            data, codes = self._data, self._codes
            while True:
                n = drain_into(self._id, data, codes, capacity)
                for i in range(n):
                    future = waiting.pop(data[i], None)
                    if future is not None:
                        resolve(future, codes[i])
                if n < capacity:
                    return

        def close(self) -> None:
            free(self._id)
            self.sock.close()

    queues: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()

    def queue_for(loop: Any) -> Any:
        if running_loop() is not loop:
            return None
        queue = queues.get(loop)
        if queue is None:
            try:
                queue = LoopQueue(loop)
                # Closed with the loop: the loop's selector holds `on_readable` until then.
                weakref.finalize(loop, LoopQueue.close, queue)
            except (NotImplementedError, TypeError, OSError, RuntimeError):
                queue = False  # this loop keeps uniffi's callback
            queues[loop] = queue
        return queue or None

    return queue_for
