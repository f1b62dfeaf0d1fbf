"""Python habits on top of the generated records and enums (presentation only).

uniffi 0.32's Python generator gives every record a ``@dataclass`` decorator but no field
annotations (so ``dataclasses.asdict`` is ``{}`` and ``replace`` fails), checks argument
types only when a value is lowered into Rust (a ``TypeError`` naming no field, long after the
constructor), prints every field in ``str()``, and makes the data-less variants of enums with
data (``OrderState.CHARGED``) classes to call, so ``status == OrderState.CHARGED`` was False.
``install()`` fixes each of those in place:

* records become honest dataclasses (``fields``, ``asdict``, ``replace``, ``match`` by
  position) and their constructors check every argument, reporting all wrong fields at once
  in one ``TypeError`` that names them; amounts accept ``decimal.Decimal`` (converted to text
  exactly, never through ``float``) and ``int``;
* ``repr``/``str`` show every field but those that identify a customer or grant access
  (client auth token, e-mail, phone, raw bodies);
* a data-less variant compares equal to its class, so ``order.status == OrderState.CHARGED``
  and ``case OrderState.CHARGED:`` work as they do for the plain ``enum.Enum`` types
  (``SignatureVerdict.VALID``); calling it (``OrderState.CHARGED()``) still works too.

It reads only what the generated module documents for its users (class names, ``__init__``
signatures and annotations, the ``is_X`` variant classes); ``install()`` returns False and
changes nothing if that shape is not there, and ``tests/test_idioms.py`` fails loudly then.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
import functools
import inspect
import re
import typing
from types import ModuleType
from typing import Any, Callable, Dict, List, Tuple

REDACTED = "[redacted]"

#: Fields never shown by repr()/str(): they grant access to a customer's payment session
#: or mandate (client auth token, the sdk payload that holds it, the mandate token) or
#: identify the customer (e-mail, phone, UPI id), or may hold either (raw bodies as
#: received), or are encrypted mode's keys (the private key is a secret; the public one is
#: key material nobody needs in a log). The same fields the core's records redact in every
#: other language (core/src/redact.rs); tests/test_string_forms.py runs the shared vectors.
SENSITIVE_FIELDS = frozenset(
    {"api_key", "client_auth_token", "customer_email", "customer_phone", "sdk_payload_json",
     "raw_json", "payer_vpa", "mandate_token", "merchant_private_key_pem",
     "juspay_public_key_pem", "proxy_url"}
)

#: Text fields holding an amount: these also take ``Decimal`` and ``int``.
AMOUNT_FIELDS = frozenset({"amount", "max_amount", "expected_amount"})

_Check = Callable[[Any], Tuple[bool, Any]]


def decimal_text(value: decimal.Decimal) -> str:
    """Exact text of a finite Decimal, never in exponent form (``Decimal('1E+2')`` -> '100')."""
    return format(value, "f")


def _describe(hint: Any) -> str:
    if hint is type(None):
        return "None"
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        return " | ".join(_describe(a) for a in typing.get_args(hint))
    if origin is not None:
        args = ", ".join(_describe(a) for a in typing.get_args(hint))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    return getattr(hint, "__qualname__", str(hint))


def _checker(hint: Any) -> _Check:
    """A function value -> (ok, value) for an evaluated annotation of the generated code."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        parts = [_checker(a) for a in typing.get_args(hint)]

        def union(v: Any) -> Tuple[bool, Any]:
            for part in parts:
                ok, out = part(v)
                if ok:
                    return True, out
            return False, v

        return union
    if origin in (list, List):
        (item,) = typing.get_args(hint) or (Any,)
        each = _checker(item)

        def list_check(v: Any) -> Tuple[bool, Any]:
            if not isinstance(v, list):
                return False, v
            return all(each(x)[0] for x in v), v

        return list_check
    if origin in (dict, Dict):
        key, val = typing.get_args(hint) or (Any, Any)
        kcheck, vcheck = _checker(key), _checker(val)

        def dict_check(v: Any) -> Tuple[bool, Any]:
            if not isinstance(v, dict):
                return False, v
            return all(kcheck(k)[0] and vcheck(x)[0] for k, x in v.items()), v

        return dict_check
    if hint is type(None):
        return lambda v: (v is None, v)
    if hint is Any:
        return lambda v: (True, v)
    if hint is int:
        return lambda v: (isinstance(v, int) and not isinstance(v, bool), v)
    if hint is float:
        return lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool), v)
    if isinstance(hint, type) and _is_data_enum(hint):

        def variant(v: Any) -> Tuple[bool, Any]:
            if isinstance(v, hint):
                return True, v
            # `action=Action.QUICK_PAY`: the bare name of a data-less variant is its value.
            if isinstance(v, type) and issubclass(v, hint) and v is not hint and _is_unit_variant(v):
                return True, v()
            return False, v

        return variant
    if isinstance(hint, type):
        return lambda v: (isinstance(v, hint), v)
    return lambda v: (True, v)  # an annotation this layer does not understand: Rust checks


def _exact_types(hint: Any) -> frozenset:
    """Types whose values pass unchanged (the constructor's fast path): ``str`` for ``str``,
    ``{str, NoneType}`` for ``Optional[str]``, the class for a record or plain enum. Empty when
    a value needs a deeper look (lists, dicts, enums with data)."""
    args = typing.get_args(hint) if typing.get_origin(hint) is typing.Union else (hint,)
    out = set()
    for arg in args:
        if arg is type(None) or arg in (str, bool, int, float):
            out.add(arg)
        elif isinstance(arg, type) and not _is_data_enum(arg) and typing.get_origin(arg) is None:
            out.add(arg)
        else:
            return frozenset()
    return frozenset(out)


def _amount_checker(optional: bool) -> _Check:
    def amount(v: Any) -> Tuple[bool, Any]:
        if isinstance(v, str) or (optional and v is None):
            return True, v
        if isinstance(v, decimal.Decimal) and v.is_finite():
            return True, decimal_text(v)
        if isinstance(v, int) and not isinstance(v, bool):
            return True, str(v)
        return False, v

    return amount


@functools.lru_cache(maxsize=None)
def _is_data_enum(cls: type) -> bool:
    # Cached: asked for every field of every record at import (470 times for ~60 classes,
    # each a walk of the class's attributes: a third of install()'s time, issue 17).
    return any(
        isinstance(v, type) and issubclass(v, cls) and v is not cls and k.isupper()
        for k, v in vars(cls).items()
    )


def _data_enum_of(hint: Any) -> Any:
    """The enum with data a field holds (``Optional[Action]`` -> ``Action``), or None."""
    args = [a for a in typing.get_args(hint) if a is not type(None)] if typing.get_args(hint) else [hint]
    if len(args) == 1 and isinstance(args[0], type) and _is_data_enum(args[0]):
        return args[0]
    return None


def _record_classes(native: ModuleType) -> List[type]:
    out = []
    for name in getattr(native, "__all__", []):
        cls = getattr(native, name, None)
        if (
            isinstance(cls, type)
            and dataclasses.is_dataclass(cls)
            and "__str__" in vars(cls)
            and not issubclass(cls, (BaseException, enum.Enum))
        ):
            out.append(cls)
    return out


def data_enums(native: ModuleType) -> Dict[type, List[type]]:
    """Enums with data (``Action``, ``OrderState``, ...) and their variant classes."""
    out: Dict[type, List[type]] = {}
    for name in getattr(native, "__all__", []):
        cls = getattr(native, name, None)
        if not isinstance(cls, type) or issubclass(cls, (BaseException, enum.Enum)):
            continue
        variants = [
            v for k, v in vars(cls).items()
            if isinstance(v, type) and issubclass(v, cls) and v is not cls and k.isupper()
        ]
        if variants:
            out[cls] = variants
    return out


def _init_params(cls: type) -> List[inspect.Parameter]:
    return [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]


@functools.lru_cache(maxsize=None)
def _is_unit_variant(cls: type) -> bool:
    """Whether a data enum's variant takes no argument (``Action.QUICK_PAY``), so its bare
    class may stand for its value. Cached: it was an ``inspect.signature`` per argument given
    that way, 7% of an asyncio call's loop-thread samples (py-spy, issue 17)."""
    return not _init_params(cls)


def _redacted_repr(cls: type, names: List[str]) -> Callable[[Any], str]:
    prefix = cls.__name__  # variants are named "OrderState.UNKNOWN" by the generator

    def __repr__(self: Any) -> str:
        parts = []
        for n in names:
            value = getattr(self, n, None)
            shown = REDACTED if (n in SENSITIVE_FIELDS and value is not None) else repr(value)
            parts.append(f"{n}={shown}")
        return f"{prefix}({', '.join(parts)})"

    return __repr__


def _honest_dataclass(cls: type, params: List[inspect.Parameter]) -> None:
    # The generated annotation text ("typing.Optional[str]"), as a dataclass written with
    # `from __future__ import annotations` has it; stubgen.py copies it into _api.pyi.
    annotations = {p.name: p.annotation for p in params}
    cls.__annotations__ = annotations
    # init/eq stay the generated ones; this only records the fields (and __match_args__).
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    # The generated @dataclass already set an empty __match_args__, which dataclass keeps.
    setattr(cls, "__match_args__", tuple(annotations))


def _checked_init(cls: type, params: List[inspect.Parameter], hints: Dict[str, Any], default: Any) -> None:
    generated = cls.__init__
    checks: Dict[str, Tuple[_Check, Any]] = {}  # (check, description text or the hint)
    exact: Dict[str, frozenset] = {}
    shown: List[inspect.Parameter] = []
    for p in params:
        hint = hints.get(p.name, Any)
        optional = type(None) in typing.get_args(hint)
        if p.name in AMOUNT_FIELDS and (hint is str or typing.get_args(hint) == (str, type(None))):
            checks[p.name] = (
                _amount_checker(optional),
                "str, decimal.Decimal or int" + (" or None" if optional else ""),
            )
            annotation: Any = (
                "str | decimal.Decimal | int | None" if optional else "str | decimal.Decimal | int"
            )
        else:
            # The hint, described only when a value is refused (_describe at import time was
            # ~5% of it: 571 calls).
            checks[p.name] = (_checker(hint), hint)
            exact[p.name] = _exact_types(hint)
            annotation = p.annotation
            holds = _data_enum_of(hint)
            if holds is not None:  # a data-less variant may be given by its bare name
                name = holds.__name__
                annotation = f"typing.Union[{name}, typing.Type[{name}]" + (", None]" if optional else "]")
        value = p.default
        if value is default:  # the generated sentinel: show what it stands for
            value = {} if typing.get_origin(hint) in (dict, Dict) else []
        shown.append(p.replace(default=value, annotation=annotation))
    owner = cls.__name__
    every_field = len(params)
    empty: frozenset = frozenset()

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError(f"{owner}() takes keyword arguments only (got {len(args)} positional)")
        if len(kwargs) == every_field:
            # Every field given with exactly its declared type: what the generated code does
            # when it lifts a record from Rust (a Session is three records), and what the
            # generated __init__ would do then (assign each field; its defaults apply only to
            # missing arguments). Issue 17: half the cost of constructing the record.
            for name, value in kwargs.items():
                if type(value) not in exact.get(name, empty):
                    break
            else:
                self.__dict__.update(kwargs)
                return
        wrong = []
        for name, value in kwargs.items():
            if type(value) in exact.get(name, ()):
                continue  # the common case: exactly the declared type
            entry = checks.get(name)
            if entry is None:
                continue  # the generated __init__ names unknown arguments
            ok, converted = entry[0](value)
            if not ok:
                expected = entry[1] if isinstance(entry[1], str) else _describe(entry[1])
                wrong.append(f"{name} must be {expected}, not {type(value).__name__}")
            elif converted is not value:
                kwargs[name] = converted
        if wrong:
            raise TypeError(f"{owner}: " + "; ".join(wrong))
        generated(self, **kwargs)

    __init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *shown],
        return_annotation=None,
    )
    __init__.__doc__ = f"Builds a {owner}; every argument is type-checked here, by name."
    __init__.__qualname__ = f"{owner}.__init__"
    __init__.__module__ = cls.__module__  # where pdoc resolves the annotation text
    cls.__init__ = __init__  # type: ignore[misc]


def _unit_variant_eq(enum_cls: type, unit: frozenset) -> Tuple[Callable[..., Any], Callable[..., Any]]:
    def __eq__(self: Any, other: Any) -> Any:
        if isinstance(other, type):
            return other in unit and isinstance(self, other)
        if not isinstance(other, enum_cls):
            return NotImplemented
        return type(self) is type(other)

    def __hash__(self: Any) -> int:
        return hash((enum_cls.__name__, type(self).__name__))

    return __eq__, __hash__


def _function_signatures(native: ModuleType, default: Any) -> None:
    """help() showed ``= <object object at 0x...>`` for arguments the generated function
    defaults itself (``expected_currency``); show the value it stands for."""
    for name in getattr(native, "__all__", []):
        func = getattr(native, name, None)
        if not inspect.isfunction(func):
            continue
        sig = inspect.signature(func)
        if not any(p.default is default for p in sig.parameters.values()):
            continue
        params = []
        for p in sig.parameters.values():
            if p.default is default:
                match = re.fullmatch(r"typing\.Union\[object, (.*)\]", str(p.annotation))
                p = p.replace(default=None, annotation=match.group(1) if match else p.annotation)
            params.append(p)
        func.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]


def install(native: ModuleType) -> bool:
    default = getattr(native, "_DEFAULT", None)
    records = _record_classes(native)
    enums = data_enums(native)
    if default is None or not records or not enums:
        return False
    namespace = vars(native)
    # The generated module has `from __future__ import annotations`: every annotation is
    # text, and ~250 fields share a few dozen texts ("typing.Optional[str]"). Evaluating each
    # text once, in the generated module's namespace, is what typing.get_type_hints does per
    # field (minus its per-class bookkeeping: a fifth of import time here, issue 17).
    texts: Dict[str, Any] = {}

    def evaluated(annotation: Any) -> Any:
        if not isinstance(annotation, str):
            return annotation
        if annotation not in texts:
            texts[annotation] = eval(annotation, namespace)  # noqa: S307 (the generated code's own text)
        return texts[annotation]

    _function_signatures(native, default)
    for cls in records:
        params = _init_params(cls)
        if not params or any(p.kind is not inspect.Parameter.KEYWORD_ONLY for p in params):
            return False
        hints = {p.name: evaluated(p.annotation) for p in params}
        _honest_dataclass(cls, params)
        _checked_init(cls, params, hints, default)
        names = [p.name for p in params]
        setattr(cls, "__repr__", _redacted_repr(cls, names))
        setattr(cls, "__str__", _redacted_repr(cls, names))
    for enum_cls, variants in enums.items():
        unit = frozenset(v for v in variants if not _init_params(v))
        eq, hash_ = _unit_variant_eq(enum_cls, unit)
        for variant in variants:
            params = _init_params(variant)
            if not params:
                # A value, not a record: without this, dataclasses.asdict() of a record
                # holding one would turn it into {}.
                for klass in variant.__mro__:
                    if klass is not enum_cls and "__dataclass_fields__" in vars(klass):
                        delattr(klass, "__dataclass_fields__")
                        delattr(klass, "__dataclass_params__")
                setattr(variant, "__eq__", eq)
                setattr(variant, "__hash__", hash_)
                continue
            _honest_dataclass(variant, params)
            names = [p.name for p in params]
            setattr(variant, "__repr__", _redacted_repr(variant, names))
            setattr(variant, "__str__", _redacted_repr(variant, names))
    return True


def unit_variants(native: ModuleType) -> Dict[type, List[type]]:
    """For tests: the data-less variants of each enum with data."""
    return {e: [v for v in vs if not _init_params(v)] for e, vs in data_enums(native).items()}

