"""Outbound HTTP: only public addresses, every resolved address checked and pinned, TLS kept, no redirects."""

import datetime
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from saleor_returns.outbound import ForbiddenAddress, forbidden_reason, outbound_client


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("fd00::1", "private"),
        ("fec0::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("100.64.0.1", "reserved"),
        ("64:ff9b::a00:1", "reserved"),
        ("2002:a00:1::", "reserved"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_forbidden_reason(address, reason):
    assert forbidden_reason(ipaddress.ip_address(address), allow_loopback=False) == reason


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", None),
        ("::1", None),
        ("::ffff:127.0.0.1", None),
        ("10.0.0.1", "private"),
        ("169.254.169.254", "link-local"),
    ],
)
def test_allowing_loopback_allows_loopback_only(address, reason):
    assert forbidden_reason(ipaddress.ip_address(address), allow_loopback=True) == reason


@pytest.mark.parametrize(
    ("_case", "host", "names", "reason"),
    [
        ("an IP literal", "127.0.0.1", {}, "loopback"),
        ("a name resolving to loopback", "shop.example.com", {"shop.example.com": ["127.0.0.1"]}, "loopback"),
        (
            "a public and a loopback address",
            "shop.example.com",
            {"shop.example.com": ["93.184.216.34", "127.0.0.1"]},
            "loopback",
        ),
        ("a private address", "shop.example.com", {"shop.example.com": ["10.0.0.5"]}, "private"),
        ("cloud metadata", "metadata.example.com", {"metadata.example.com": ["169.254.169.254"]}, "link-local"),
    ],
)
def test_a_target_resolving_inward_is_refused_before_any_connection(
    settings, canned_server, fake_dns, _case, host, names, reason
):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    fake_dns.names.update(names)

    # when
    with pytest.raises(ForbiddenAddress) as refused, outbound_client(timeout=2) as client:
        client.get(canned_server.url("/", host=host))

    # then
    assert refused.value.reason == reason
    assert str(refused.value) == f"The address is {reason}."
    assert canned_server.requests == []


def test_localhost_resolved_by_the_system_is_refused(settings, canned_server):
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = False
    with pytest.raises(ForbiddenAddress, match="loopback"), outbound_client(timeout=2) as client:
        client.get(canned_server.url("/", host="localhost"))
    assert canned_server.requests == []


@pytest.mark.parametrize(
    ("_case", "options"),
    [
        ("loopback allowed", {"HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS": True}),
        ("filter off", {"HTTP_IP_FILTER_ENABLED": False, "HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS": False}),
    ],
)
def test_loopback_is_called_when_the_settings_allow_it(settings, canned_server, _case, options):
    # given
    for name, value in options.items():
        setattr(settings, name, value)
    canned_server.answer(200, "ok")

    # when
    with outbound_client(timeout=2) as client:
        response = client.get(canned_server.url("/"))

    # then
    assert (response.status_code, response.text) == (200, "ok")
    assert len(canned_server.requests) == 1


def test_the_connection_goes_to_the_address_checked_not_to_a_second_answer(settings, canned_server, fake_dns):
    # given: the name resolves to loopback (allowed here), then would rebind to a private address
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    fake_dns.names["shop.example.com"] = ["127.0.0.1"]
    fake_dns.rebound["shop.example.com"] = ["10.0.0.5"]
    canned_server.answer(200, "ok")

    # when
    with outbound_client(timeout=2) as client:
        response = client.get(canned_server.url("/graphql/", host="shop.example.com"))

    # then: one lookup, the checked address connected to, the Host header still the name
    assert response.status_code == 200
    assert fake_dns.lookups == {"shop.example.com": 1}
    assert canned_server.requests == [
        {"method": "GET", "path": "/graphql/", "host": f"shop.example.com:{canned_server.port}"}
    ]


def test_an_unknown_host_fails_like_a_refused_connection(fake_dns):
    with pytest.raises(httpx.ConnectError), outbound_client(timeout=2) as client:
        client.get("http://nowhere.example.com/")


def test_a_redirect_is_never_followed_even_when_asked(settings, canned_server):
    # given
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    canned_server.answer(302, "", {"Location": canned_server.url("/elsewhere/")})

    # when
    with outbound_client(timeout=2, follow_redirects=True) as client:
        response = client.get(canned_server.url("/graphql/"), follow_redirects=True)

    # then
    assert response.status_code == 302
    assert [request["path"] for request in canned_server.requests] == ["/graphql/"]


def self_signed_certificate(folder, host_name):
    """A certificate for `host_name` only, and its key, as PEM files (the test's own CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def test_tls_to_the_pinned_address_still_verifies_the_host_name(settings, fake_dns, monkeypatch, tmp_path):
    # given: an HTTPS server on loopback whose certificate names shop.example.com only
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    cert_file, key_file = self_signed_certificate(tmp_path, "shop.example.com")
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - stdlib signature
            pass

        def do_GET(self):  # noqa: N802 - stdlib naming
            seen.append(("Host", self.headers.get("Host")))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda _socket, server_name, _context: seen.append(("SNI", server_name))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = server.server_address[1]
    fake_dns.names["shop.example.com"] = ["127.0.0.1"]
    fake_dns.names["other.example.com"] = ["127.0.0.1"]
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    try:
        # when: called by the name the certificate has
        with outbound_client(timeout=2) as client:
            response = client.get(f"https://shop.example.com:{port}/")

        # then: connected to the checked address, TLS for the name (SNI), Host the name
        assert response.text == "ok"
        assert seen == [("SNI", "shop.example.com"), ("Host", f"shop.example.com:{port}")]

        # when / then: another name on the same address does not pass for it
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED|certificate"), outbound_client(
            timeout=2
        ) as client:
            client.get(f"https://other.example.com:{port}/")
    finally:
        server.shutdown()
        server.server_close()
