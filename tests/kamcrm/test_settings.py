"""Start-up configuration, checked in fresh interpreters with a controlled environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {
    "PATH": os.environ["PATH"],
    "HOME": os.environ.get("HOME", "/tmp"),
    "DJANGO_SETTINGS_MODULE": "kamcrm.settings",
}


def run(code_or_args, **env):
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_value(name, **env):
    result = run(f"from django.conf import settings; print(settings.{name})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run("from django.conf import settings; settings.SECRET_KEY")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")

    assert settings_value("SECRET_KEY", DJANGO_SECRET_KEY_FILE=str(secret)) == "from-a-file"


def test_it_refuses_a_misspelt_boolean():
    result = run("from django.conf import settings; settings.DEBUG", DJANGO_DEBUG="ture")

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_it_defaults_to_sqlite_and_eager_tasks():
    env = {"DJANGO_DEBUG": "true"}

    assert settings_value("DATABASES['default']['ENGINE']", **env).endswith("sqlite3")
    assert settings_value("CELERY_TASK_ALWAYS_EAGER", **env) == "True"


def test_it_uses_postgresql_with_a_pool_and_redis_when_configured():
    env = {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "postgres://kam:secret@db.internal:5432/kamcrm",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }

    assert settings_value("DATABASES['default']['ENGINE']", **env).endswith("postgresql")
    assert settings_value("DATABASES['default']['OPTIONS']['pool']", **env) == "{'timeout': 10}"
    assert settings_value("DATABASES['default']['CONN_HEALTH_CHECKS']", **env) == "True"
    assert (
        settings_value("CACHES['default']['BACKEND']", **env) == "kamcrm.cache.ForgivingRedisCache"
    )
    assert settings_value("CELERY_TASK_ALWAYS_EAGER", **env) == "False"
    assert settings_value("CELERY_BROKER_URL", **env) == "redis://cache.internal:6379/0"


def test_its_postgresql_connections_never_compile_queries_just_in_time():
    """The planner's JIT cost 0.4 s of a dashboard's recompute; the URL's own options stay."""
    env = {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": "postgres://kam@db.internal/kamcrm?options=-c%20work_mem%3D8MB",
    }

    options = settings_value("DATABASES['default']['OPTIONS']['options']", **env)

    assert options == "-c work_mem=8MB -c jit=off"


def test_it_refuses_a_base_currency_that_is_not_a_code():
    result = run(
        "from django.conf import settings; settings.DEBUG",
        DJANGO_DEBUG="true",
        KAMCRM_BASE_CURRENCY="baht",
    )

    assert "KAMCRM_BASE_CURRENCY must be a 3-letter ISO code" in result.stderr


@pytest.mark.django_db
def test_it_passes_the_deployment_checklist_in_production_mode():
    env = {
        "DJANGO_SECRET_KEY": "a" * 10 + "production-like-secret-with-enough-entropy-0123456789",
        "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
