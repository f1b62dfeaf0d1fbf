"""Issue 15 items 3-5 in Python: a call through a real proxy (Debian's tinyproxy, run here in
the foreground on a loopback port) whose credentials never show, the emulator's TLS mode
trusted only through a custom CA (and refused with the failed check without it), and per-call
``RequestOptions`` beating the client's defaults."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import hypercheckout as hc
from conftest import Emulator, make_config, make_request

PROXY_USER = "proxyuser"
PROXY_PASSWORD = "py-proxy-canary-Pw-51f0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TinyProxy:
    def __init__(self) -> None:
        program = shutil.which("tinyproxy") or next(
            (p for p in ("/usr/bin/tinyproxy", "/usr/sbin/tinyproxy") if os.path.exists(p)), None
        )
        if program is None:
            pytest.fail("tinyproxy is not installed (bash scripts/ensure-tinyproxy.sh)", pytrace=False)
        self.dir = Path(tempfile.mkdtemp(prefix="hc-tinyproxy-"))
        self.log = self.dir / "tinyproxy.log"
        for _ in range(5):
            self.port = _free_port()
            conf = self.dir / "tinyproxy.conf"
            conf.write_text(
                f"Port {self.port}\nListen 127.0.0.1\nTimeout 60\nLogFile \"{self.log}\"\n"
                f"LogLevel Connect\nMaxClients 100\nBasicAuth {PROXY_USER} {PROXY_PASSWORD}\n"
                "DisableViaHeader Yes\n"
            )
            self.proc = subprocess.Popen(
                [program, "-d", "-c", str(conf)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    time.sleep(0.02)
            self.stop()
        raise RuntimeError("tinyproxy did not start")

    @property
    def url(self) -> str:
        return f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{self.port}"

    def logged(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def proxy() -> Iterator[TinyProxy]:
    p = TinyProxy()
    yield p
    p.stop()
    shutil.rmtree(p.dir, ignore_errors=True)


@pytest.fixture
def tls_emulator(spawn_emulator: Any, tmp_path: Path) -> Any:
    ca = tmp_path / "emulator-ca.pem"
    emu = spawn_emulator("--tls", str(ca))
    assert emu.url.startswith("https://127.0.0.1:")
    emu.ca_pem = ca.read_text()
    return emu


def _config(emu: Emulator, **overrides: Any) -> hc.ClientConfig:
    # The tests' own environment must not choose where they connect.
    overrides.setdefault("proxy_from_env", False)
    return make_config(emu.url, **overrides)


def test_defaults_keep_existing_constructors_working() -> None:
    config = hc.ClientConfig(merchant_id="m", api_key="k", environment=hc.Environment.SANDBOX)
    assert config.proxy_url is None and config.no_proxy == []
    assert config.proxy_from_env is True  # docs/network.md: the environment is honoured
    assert config.ca_bundle_pem is None and config.trust_os_store is False
    assert config.trust_bundled_roots is True
    assert hc.RequestOptions() == hc.RequestOptions(
        timeout_ms=None, overall_timeout_ms=None, max_retries=None, routing_id=None
    )
    with pytest.raises(TypeError):
        hc.RequestOptions(timeout_ms="300")  # type: ignore[arg-type]


def test_tls_emulator_is_trusted_only_through_its_ca(tls_emulator: Any) -> None:
    with hc.Client(_config(tls_emulator, ca_bundle_pem=tls_emulator.ca_pem)) as client:
        session = client.create_session(make_request())
        assert session.payment_link.startswith("https://")
    with hc.Client(_config(tls_emulator)) as client:
        with pytest.raises(hc.HyperCheckoutError.Certificate) as refused:
            client.create_session(make_request())
    assert refused.value.check == hc.CertificateCheck.UNKNOWN_ISSUER
    assert "unknown issuer" in str(refused.value) and "ca_bundle_pem" in str(refused.value)
    # The CA alone, without the bundled roots.
    only = _config(tls_emulator, ca_bundle_pem=tls_emulator.ca_pem, trust_bundled_roots=False)
    with hc.Client(only) as client:
        client.create_session(make_request())


def test_a_certificate_for_another_name_is_a_name_mismatch(spawn_emulator: Any, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    emu = spawn_emulator("--tls", str(ca), "--tls-name", "api.juspay.example")
    with hc.Client(_config(emu, ca_bundle_pem=ca.read_text())) as client:
        with pytest.raises(hc.HyperCheckoutError.Certificate) as refused:
            client.create_session(make_request())
    assert refused.value.check == hc.CertificateCheck.NAME_MISMATCH


def test_calls_go_through_a_proxy_whose_password_never_shows(proxy: TinyProxy, tls_emulator: Any) -> None:
    config = _config(tls_emulator, ca_bundle_pem=tls_emulator.ca_pem, proxy_url=proxy.url)
    assert PROXY_PASSWORD not in repr(config) and PROXY_PASSWORD not in str(config)
    with hc.Client(config) as client:
        assert PROXY_PASSWORD not in repr(client)
        client.create_session(make_request())
    port = tls_emulator.url.rsplit(":", 1)[1]
    assert f"CONNECT 127.0.0.1:{port}" in proxy.logged()

    # Without credentials: the proxy's 407, said as such, and not retried.
    no_credentials = _config(
        tls_emulator, ca_bundle_pem=tls_emulator.ca_pem, proxy_url=f"http://127.0.0.1:{proxy.port}"
    )
    with hc.Client(no_credentials) as client:
        with pytest.raises(hc.HyperCheckoutError.Connection) as refused:
            client.create_session(make_request())
    assert "407" in str(refused.value) and "proxy_url" in str(refused.value)


def test_a_wrong_proxy_is_a_clear_connection_error(tls_emulator: Any) -> None:
    dead = f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{_free_port()}"
    config = _config(tls_emulator, ca_bundle_pem=tls_emulator.ca_pem, proxy_url=dead, max_retries=0)
    with hc.Client(config) as client:
        with pytest.raises(hc.HyperCheckoutError.Connection) as failed:
            client.create_session(make_request())
    text = str(failed.value)
    assert "through proxy http://[redacted]@127.0.0.1" in text, text
    assert PROXY_PASSWORD not in text and PROXY_PASSWORD not in repr(failed.value)
    # no_proxy bypasses it for the emulator's host.
    bypass = _config(
        tls_emulator, ca_bundle_pem=tls_emulator.ca_pem, proxy_url=dead, no_proxy=["127.0.0.1"]
    )
    with hc.Client(bypass) as client:
        client.create_session(make_request())
    with pytest.raises(hc.HyperCheckoutError.Configuration) as bad:
        hc.Client(_config(tls_emulator, proxy_url=f"ftp://u:{PROXY_PASSWORD}@127.0.0.1:1"))
    assert PROXY_PASSWORD not in str(bad.value)


def test_a_per_call_timeout_beats_the_clients(spawn_emulator: Any) -> None:
    emu = spawn_emulator("--fault", "delay;ms=3000")
    options = hc.RequestOptions(timeout_ms=300)
    with hc.Client(_config(emu, timeout_ms=10_000)) as client:
        started = time.monotonic()
        with pytest.raises(hc.HyperCheckoutError.Timeout) as timed_out:
            client.create_session(make_request(), options=options)
        assert time.monotonic() - started < 2.5
        assert "per-attempt limit 300 ms" in str(timed_out.value)

        async def in_asyncio() -> None:
            with pytest.raises(hc.HyperCheckoutError.Timeout):
                await client.get_order_status_async(
                    "order-x", "route-x", options=hc.RequestOptions(timeout_ms=300, overall_timeout_ms=700)
                )

        started = time.monotonic()
        asyncio.run(in_asyncio())
        assert time.monotonic() - started < 2.5


def test_per_call_max_retries_and_routing_id(spawn_emulator: Any, emulator: Emulator) -> None:
    failing = spawn_emulator("--fault", "503")
    with hc.Client(_config(failing)) as client:
        first = make_request()
        with pytest.raises(hc.HyperCheckoutError.Server):
            client.create_session(first, options=hc.RequestOptions(max_retries=0))
        assert failing.count(first.customer_id) == 1
        second = make_request()
        with pytest.raises(hc.HyperCheckoutError.Server):
            client.create_session(second)
        assert failing.count(second.customer_id) == 3
    with hc.Client(_config(emulator)) as client:
        route = f"route-{time.monotonic_ns()}"
        session = client.create_session(make_request(), options=hc.RequestOptions(routing_id=route))
        assert session.routing_id == route
        client.get_order_status(session.order_id, "ignored", options=hc.RequestOptions(routing_id=route))
        assert emulator.count(route) == 2
        with pytest.raises(hc.HyperCheckoutError.Validation) as invalid:
            client.create_session(make_request(), options=hc.RequestOptions(timeout_ms=0))
        assert [v.field for v in invalid.value.violations] == ["options.timeout_ms"]
