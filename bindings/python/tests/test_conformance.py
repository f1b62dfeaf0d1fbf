"""Every case in testdata/ (schema: docs/testdata.md), through the installed binding.

The pure functions are checked case by case; in addition every request the vectors call
valid is sent to the emulator (the referee), and every invalid one must never leave the
client."""

from __future__ import annotations

import json
import warnings
from collections import Counter
from typing import Any, Dict, List, Tuple

import pytest

import hypercheckout as hc
from conftest import Emulator, load_cases, make_config

VALIDATION = load_cases("validation.json")
PARSE_ERRORS = load_cases("parse_errors.json")
WIRE = load_cases("wire.json")
RESPONSES = load_cases("responses.json")


def ids(cases: List[Dict[str, Any]]) -> List[str]:
    return [c["name"] for c in cases]


def pairs(violations: List[Any]) -> Counter[Tuple[str, str]]:
    return Counter(
        (v["field"], v["code"]) if isinstance(v, dict) else (v.field, v.code) for v in violations
    )


def test_vectors_are_not_empty() -> None:
    for data in (VALIDATION, PARSE_ERRORS, WIRE, RESPONSES):
        assert data["cases"], data.get("about")


@pytest.mark.parametrize("case", VALIDATION["cases"], ids=ids(VALIDATION["cases"]))
def test_validation(case: Dict[str, Any]) -> None:
    request = hc.parse_session_request(json.dumps(case["request"]))
    got = hc.validate(request)
    assert pairs(got) == pairs(case["violations"]), [str(v) for v in got]
    for v in got:
        assert v.message, "every violation carries a human sentence"


@pytest.mark.parametrize("case", PARSE_ERRORS["cases"], ids=ids(PARSE_ERRORS["cases"]))
def test_parse_errors(case: Dict[str, Any]) -> None:
    with pytest.raises(hc.HyperCheckoutError.Validation) as info:
        hc.parse_session_request(case["json"])
    assert pairs(info.value.violations) == pairs(case["violations"])
    assert isinstance(info.value, hc.HyperCheckoutError)


@pytest.mark.parametrize("case", WIRE["cases"], ids=ids(WIRE["cases"]))
def test_wire(case: Dict[str, Any]) -> None:
    request = hc.parse_session_request(json.dumps(case["request"]))
    assert json.loads(hc.session_request_to_json(request)) == case["body"]
    assert hc.routing_id(request) == case["routing_id"]


def _check_fields(obj: Any, expected: Dict[str, Any], path: str) -> None:
    for key, want in expected.items():
        got = getattr(obj, key)
        if isinstance(want, dict):
            _check_fields(got, want, f"{path}.{key}")
        else:
            assert got == want, f"{path}.{key}: {got!r} != {want!r}"


@pytest.mark.parametrize("case", RESPONSES["cases"], ids=ids(RESPONSES["cases"]))
def test_responses(case: Dict[str, Any]) -> None:
    args = (case["http_status"], case["headers"], case["body"])
    if "session" in case:
        session = hc.parse_session_response(*args)
        assert isinstance(session, hc.Session)
        _check_fields(session, case["session"], "session")
    else:
        expected = dict(case["error"])
        kind = expected.pop("kind")
        with pytest.raises(hc.HyperCheckoutError) as info:
            hc.parse_session_response(*args)
        error = info.value
        assert type(error).__name__ == kind, repr(error)
        assert isinstance(error, getattr(hc.HyperCheckoutError, kind))
        _check_fields(error, expected, kind)


VALID_CASES = [c for c in VALIDATION["cases"] if not c["violations"]]

# Valid for the client, refused or mis-answered by the emulator (both modes): disagreements
# between the core and the referee, reported to their owners; listed here so that any *other*
# disagreement still fails. Remove an entry once the two agree (the test warns when one does).
# Empty since the emulator's faithful mode takes 24-character order ids and the core reads
# order-less paymentManagement answers.
KNOWN_EMULATOR_DISAGREEMENTS: Dict[str, str] = {}
INVALID_CASES = [c for c in VALIDATION["cases"] if c["violations"]]


def test_valid_vectors_accepted_by_emulator(spawn_emulator: Any) -> None:
    """The emulator implements Juspay's rules independently: every request the vectors call
    valid must create a session there. Its faithful (default) mode is the referee here: some
    vectors are valid because Juspay's own samples send them (udf1-5 with `-`, a return_url
    query, `quickPay`, paymentManagement without an order; issue 10), which strict mode, the
    Session page alone, refuses by design (docs/emulator.md, "Faithful and strict").
    Orders are remembered per order_id, so a case that reuses an order id with another
    amount gets a fresh emulator."""
    assert VALID_CASES
    emu: Emulator = spawn_emulator(strict=False)
    client = hc.Client(make_config(emu.url, max_retries=0))
    amounts: Dict[str, str] = {}
    failures = []
    for case in VALID_CASES:
        request = hc.parse_session_request(json.dumps(case["request"]))
        seen = amounts.get(request.order_id)
        if seen is not None and seen != request.amount:
            emu = spawn_emulator(strict=False)
            client = hc.Client(make_config(emu.url, max_retries=0))
            amounts = {}
        amounts[request.order_id] = request.amount
        try:
            session = client.create_session(request)
        except hc.HyperCheckoutError as e:
            failures.append((case["name"], repr(e)))
            continue
        if session.order_id != request.order_id:
            failures.append((case["name"], f"order id {session.order_id!r}"))
    unexpected = [f"{n}: {why}" for n, why in failures if n not in KNOWN_EMULATOR_DISAGREEMENTS]
    assert not unexpected, "\n".join(unexpected)
    agreed = set(KNOWN_EMULATOR_DISAGREEMENTS) - {n for n, _ in failures}
    if agreed & {c["name"] for c in VALID_CASES}:
        warnings.warn(f"emulator now agrees on {sorted(agreed)}: remove them from the list")


def test_invalid_vectors_never_sent(emulator: Emulator, client: hc.Client) -> None:
    """Invalid requests raise Validation with the vector's violations and never reach the
    server (counted per routing id by the emulator)."""
    assert INVALID_CASES
    total_before = emulator.stats("")["total"]
    for case in INVALID_CASES:
        request = hc.parse_session_request(json.dumps(case["request"]))
        with pytest.raises(hc.HyperCheckoutError.Validation) as info:
            client.create_session(request)
        assert pairs(info.value.violations) == pairs(case["violations"]), case["name"]
    assert emulator.stats("")["total"] == total_before
