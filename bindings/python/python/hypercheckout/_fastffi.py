"""Faster drop-in replacements for two helpers of uniffi's generated Python runtime.

uniffi 0.32's generated `_UniffiRustBufferBuilder` writes every field through a
`contextlib` context manager, a `ctypes.memmove` and, whenever the 16-byte initial buffer
fills up, an FFI call to grow it: lowering one `SessionRequest` costs ~200 us, about half of
a whole `create_session_blocking` call against a local server. The replacement builds the
bytes in a `bytearray` and hands them to Rust with one allocation at the end.
`_UniffiRustBufferStream` reads by slicing a ctypes pointer per field; the replacement copies
the buffer once and unpacks from `bytes`.

Same byte format, same errors: this is FFI plumbing only (no request/response logic), and
every test in bindings/python/tests runs through it. `install()` returns False and changes
nothing if the generated module does not have the shape this was written for (e.g. after a
uniffi upgrade); `tests/test_api.py` fails loudly in that case.
"""

from __future__ import annotations

import ctypes
import struct
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
    return True
