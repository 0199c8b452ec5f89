"""Settings read from the environment, with safe defaults."""

import os
import subprocess
import sys

from saleor_returns.paths import BASE_DIR

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_with_env(**env):
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SALEOR_RETURNS_DEV", "SALEOR_RETURNS_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    base.update(env, DJANGO_SETTINGS_MODULE="saleor_returns.settings")
    return subprocess.run([sys.executable, "-c", CHECK], env=base, cwd=BASE_DIR, capture_output=True, text=True, timeout=60)


def test_secret_key_is_required_outside_local_runs(settings):
    # DATABASE_URL is given so that no database server is started for this check.
    result = run_with_env(DATABASE_URL=settings.DATABASE_URL)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_by_default(settings):
    result = run_with_env(DATABASE_URL=settings.DATABASE_URL, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_database_url_accepts_a_socket_host():
    from saleor_returns.settings import database_from_url

    entry = database_from_url("postgresql://postgres@/returns?host=/tmp/pg%20data")
    assert (entry["NAME"], entry["USER"], entry["HOST"], entry["PORT"]) == ("returns", "postgres", "/tmp/pg data", "")
    entry = database_from_url("postgres://app:s%40cret@db.internal:6432/returns?sslmode=require")
    assert (entry["NAME"], entry["USER"], entry["PASSWORD"], entry["HOST"], entry["PORT"]) == (
        "returns",
        "app",
        "s@cret",
        "db.internal",
        "6432",
    )
    assert entry["OPTIONS"] == {"sslmode": "require"}


def test_file_storage_backend_comes_from_the_environment(settings):
    code = (
        "import django; django.setup(); from django.core.files.storage import storages; default_storage = storages['default']; "
        "print(type(default_storage).__module__ + '.' + type(default_storage).__name__)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="saleor_returns.settings", SECRET_KEY="x" * 50, DATABASE_URL=settings.DATABASE_URL,
        FILE_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.files.storage.memory.InMemoryStorage"


def test_outbound_calls_are_guarded_by_default(settings):
    # given: a deployment that sets nothing about Saleor addresses
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SALEOR_API_URL_ALLOWLIST, s.HTTP_IP_FILTER_ENABLED, s.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SALEOR_RETURNS_TESTING", "SALEOR_API_URL_ALLOWLIST"}
        and not key.startswith("HTTP_IP_FILTER_")
    }
    env.update(DJANGO_SETTINGS_MODULE="saleor_returns.settings", SECRET_KEY="x" * 50, DATABASE_URL=settings.DATABASE_URL)

    # when
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60)

    # then: no Saleor may install, and no inward address is called
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] True False"
