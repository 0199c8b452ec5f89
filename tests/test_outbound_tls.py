"""Outbound calls load the CA certificates once per process, not once per call."""

from saleor_returns.outbound import outbound_client, ssl_context


def pool_context(client):
    return client._transport._pool._ssl_context


def test_clients_share_one_tls_context(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with outbound_client() as first, outbound_client() as second:
        assert pool_context(first) is pool_context(second) is ssl_context()


def test_another_ca_bundle_gets_its_own_context(monkeypatch, tmp_path):
    # given
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    default = ssl_context()

    # when: the CA bundle is named (as tests/test_outbound.py names its own)
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))

    # then
    with outbound_client() as client:
        assert pool_context(client) is not default
        assert pool_context(client) is ssl_context()
