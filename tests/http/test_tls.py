"""TLS is always verified: no source turns it off, the transport demands verified
certificates and host names, and a server whose certificate the client cannot verify is
refused before a request is sent (its certificate made in Python with ``trustme``)."""

from __future__ import annotations

import re
import socket
import ssl
import threading

import pytest
import trustme

from emporix_data.client import EmporixClient
from emporix_data.errors import ApiConnectionError
from emporix_data.settings import Settings
from tests.support import ROOT

SECRET = "sk-live-" + "9f2c4e6a8b1d3f5a7c9e"
PACKAGE_SOURCES = [
    *sorted((ROOT / "emporix_data").rglob("*.py")),
    *sorted((ROOT / "pages").rglob("*.py")),
    ROOT / "app.py",
]
TLS_OFF = re.compile(
    r"verify\s*=\s*(False|0|None)\b|CERT_NONE|check_hostname\s*=\s*False"
    r"|_create_unverified_context|PYTHONHTTPSVERIFY"
)


def test_no_source_file_turns_tls_verification_off():
    assert len(PACKAGE_SOURCES) > 10
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in PACKAGE_SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TLS_OFF.search(line)
    ]
    assert offenders == []


def test_client_transport_requires_verified_certificates_and_host_names():
    settings = Settings(tenant="demo", client_id="c", client_secret=SECRET)
    with EmporixClient(settings) as client:
        context = client._http._transport._pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


def serve_one_tls_connection(
    context: ssl.SSLContext,
) -> tuple[int, dict[str, object], threading.Thread]:
    """A TLS server on 127.0.0.1 for one connection; what it saw lands in the dict."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    seen: dict[str, object] = {}

    def serve() -> None:
        with listener:
            try:
                connection, _ = listener.accept()
                with connection, context.wrap_socket(connection, server_side=True) as tls:
                    seen["request"] = tls.recv(4096)
            except OSError as exc:  # ssl.SSLError included
                seen["handshake"] = exc

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], seen, thread


def test_client_refuses_a_server_whose_certificate_it_cannot_verify():
    authority = trustme.CA()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    port, seen, server = serve_one_tls_connection(server_context)
    settings = Settings(
        api_url=f"https://127.0.0.1:{port}",
        tenant="demo",
        client_id="c",
        client_secret=SECRET,
        max_retries=0,
    )
    with EmporixClient(settings) as client, pytest.raises(ApiConnectionError) as refused:
        client.request("GET", "/customer/demo/customers")
    server.join(timeout=30)
    assert "request" not in seen, "the client sent a request over an unverified connection"
    assert "UNKNOWN_CA" in str(seen.get("handshake")).upper()
    assert SECRET not in str(refused.value)


def test_the_same_server_is_reached_by_a_client_that_trusts_its_authority():
    """The control: the certificate itself is sound; only the trust is missing above."""
    authority = trustme.CA()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    port, seen, server = serve_one_tls_connection(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=30) as raw,
        client_context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(b"GET / HTTP/1.1\r\n\r\n")
    server.join(timeout=30)
    assert seen.get("request", b"").startswith(b"GET / HTTP/1.1")
