"""Settings from the environment, evaluated for real in a fresh interpreter.

Each test starts `python` with a chosen environment, so the settings module
runs again from the top exactly as it would on a server.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agora import settings as loaded_settings

PROJECT_DIR = Path(loaded_settings.BASE_DIR)
# Everything the settings module reads; the tests start from none of them.
SETTINGS_VARIABLES = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DEBUG",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "ACCOUNT_EMAIL_VERIFICATION",
    "DEFAULT_FROM_EMAIL",
)
PRODUCTION_DATABASE_URL = "postgres://agora:s3cret@db.internal:5432/agora"


def clean_env(var_dir: Path, **variables: str) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS_VARIABLES and not name.startswith(("AGORA_", "DJANGO_"))
    }
    environment["AGORA_VAR_DIR"] = str(var_dir)
    environment["DJANGO_SETTINGS_MODULE"] = "agora.settings"
    environment.update(variables)
    return environment


def production_env(var_dir: Path, **variables: str) -> dict[str, str]:
    return clean_env(
        var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=PRODUCTION_DATABASE_URL,
        REDIS_URL="redis://127.0.0.1:6379/0",
        ALLOWED_HOSTS="agora.example.org",
        **variables,
    )


def run_python(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(environment: dict[str, str], *names: str) -> dict[str, Any]:
    """Return the named settings as the settings module computes them in `environment`."""
    code = (
        "import json\n"
        "from django.conf import settings\n"
        f"names = {list(names)!r}\n"
        "print(json.dumps({n: getattr(settings, n) for n in names}, default=str))\n"
    )
    result = run_python(code, environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_no_issues_with_production_variables(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "agora.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_warns_about_embedded_defaults(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "agora.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_env(tmp_path),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    for warning_id in ("agora.W001", "agora.W002", "security.W004", "security.W012"):
        assert f"({warning_id})" in result.stderr


def test_production_variables_turn_on_secure_cookies_hsts_and_ssl_redirect(tmp_path):
    values = read_settings(
        production_env(tmp_path),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "X_FRAME_OPTIONS",
        "ALLOWED_HOSTS",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "ALLOWED_HOSTS": ["agora.example.org"],
    }


def test_embedded_defaults_keep_cookies_usable_over_plain_http(tmp_path):
    values = read_settings(
        clean_env(tmp_path),
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_HTTPONLY",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_HTTPONLY": True,
    }


def test_redis_url_switches_channel_layer_and_cache_to_redis(tmp_path):
    url = "redis://127.0.0.1:6379/3"
    values = read_settings(clean_env(tmp_path, REDIS_URL=url), "CHANNEL_LAYERS", "CACHES")
    assert values == {
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url]},
            }
        },
        "CACHES": {
            "default": {
                "BACKEND": "agora.core.cache.TolerantRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
            }
        },
    }


def test_without_redis_url_channel_layer_and_cache_stay_in_memory(tmp_path):
    values = read_settings(clean_env(tmp_path), "CHANNEL_LAYERS", "CACHES")
    assert values == {
        "CHANNEL_LAYERS": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    }


def test_unset_secret_key_is_generated_once_under_var_and_reused(tmp_path):
    first = read_settings(clean_env(tmp_path), "SECRET_KEY")["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == first
    assert len(first) >= 50
    second = read_settings(clean_env(tmp_path), "SECRET_KEY")["SECRET_KEY"]
    assert second == first
    # No draft key file is left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["secret_key"]


def test_each_var_dir_gets_its_own_secret_key(tmp_path):
    one = read_settings(clean_env(tmp_path / "one"), "SECRET_KEY")["SECRET_KEY"]
    two = read_settings(clean_env(tmp_path / "two"), "SECRET_KEY")["SECRET_KEY"]
    assert one != two


def test_secret_key_from_the_environment_is_used_and_nothing_is_written(tmp_path):
    key = secrets.token_urlsafe(50)
    values = read_settings(clean_env(tmp_path, SECRET_KEY=key), "SECRET_KEY")
    assert values == {"SECRET_KEY": key}
    assert (tmp_path / "secret_key").exists() is False


def test_database_url_switches_to_postgresql(tmp_path):
    database = read_settings(
        clean_env(tmp_path, DATABASE_URL=PRODUCTION_DATABASE_URL), "DATABASES"
    )["DATABASES"]["default"]
    assert {
        key: database[key]
        for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "CONN_HEALTH_CHECKS")
    } == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "agora",
        "USER": "agora",
        "PASSWORD": "s3cret",
        "HOST": "db.internal",
        "PORT": 5432,
        "CONN_HEALTH_CHECKS": True,
    }
    assert "init_command" not in database.get("OPTIONS", {})


@pytest.mark.parametrize("database_url", [None, ""], ids=["unset", "empty"])
def test_without_database_url_sqlite_lives_under_var(tmp_path, database_url):
    extra = {} if database_url is None else {"DATABASE_URL": database_url}
    database = read_settings(clean_env(tmp_path, **extra), "DATABASES")["DATABASES"]["default"]
    assert (database["ENGINE"], database["NAME"]) == (
        "django.db.backends.sqlite3",
        str(tmp_path / "agora.sqlite3"),
    )
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_connection_runs_in_wal_mode(tmp_path):
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    mode = cursor.fetchone()[0]\n"
        "    cursor.execute('PRAGMA synchronous')\n"
        "    synchronous = cursor.fetchone()[0]\n"
        "print(json.dumps([mode, synchronous]))\n"
    )
    result = run_python(code, clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    # synchronous=NORMAL is 1
    assert json.loads(result.stdout) == ["wal", 1]
    assert (tmp_path / "agora.sqlite3").exists() is True


def test_default_email_backend_writes_files_under_var_mail(tmp_path):
    code = (
        "import django\n"
        "django.setup()\n"
        "from django.core.mail import send_mail\n"
        "send_mail('Hello', 'The body of the mail.', None, ['someone@example.test'])\n"
    )
    result = run_python(code, clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 1
    text = files[0].read_text()
    assert "Subject: Hello" in text
    assert "To: someone@example.test" in text
    assert "The body of the mail." in text


def test_email_url_switches_to_smtp(tmp_path):
    values = read_settings(
        clean_env(tmp_path, EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587"),
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_TLS": True,
    }
