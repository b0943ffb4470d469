"""config/settings.py reads single sign-on from the environment: off unless configured, and
nothing fetched from the provider at start-up."""

import json
import os
import subprocess
import sys

from django.conf import settings

BACKEND = "organiser.sso.backends.StaffOIDCBackend"
PRINT = (
    "import json, config.settings as s; print(json.dumps([s.SSO_ENABLED, "
    "s.AUTHENTICATION_BACKENDS, s.OTP_EXEMPT_AUTH_BACKENDS, s.OIDC_ORGANISER_GROUPS]))"
)


def settings_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "STAFF_"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_an_issuer_nothing_changes():
    result = settings_with()

    enabled, backends, exempt, _ = json.loads(result.stdout)
    assert not enabled
    assert BACKEND not in backends
    assert exempt == []


def test_configured_sso_adds_the_backend_and_exempts_it_from_the_second_factor():
    # Port 9 has nobody listening: loading the settings must not try to reach the provider.
    result = settings_with(
        OIDC_ISSUER="http://localhost:9/realms/staff",
        OIDC_CLIENT_ID="seminars",
        OIDC_CLIENT_SECRET="secret",
        OIDC_ORGANISER_GROUPS="/seminars/organisers, /seminars/leads",
    )

    enabled, backends, exempt, organiser_groups = json.loads(result.stdout)
    assert enabled
    assert backends[-1] == BACKEND
    assert exempt == [BACKEND]
    assert organiser_groups == ["/seminars/organisers", "/seminars/leads"]


def test_an_issuer_without_its_secret_stops_start_up():
    result = settings_with(OIDC_ISSUER="https://id.example", OIDC_CLIENT_ID="seminars")

    assert result.returncode != 0
    assert "OIDC_CLIENT_SECRET" in result.stderr


def test_passwords_off_without_sso_stops_start_up():
    result = settings_with(STAFF_PASSWORD_LOGIN="0")

    assert result.returncode != 0
    assert "STAFF_PASSWORD_LOGIN=0 needs single sign-on" in result.stderr


def test_in_production_a_provider_over_plain_http_stops_the_start():
    provider = {
        "OIDC_ISSUER": "http://id.example.gov.hk/realms/staff",
        "OIDC_CLIENT_ID": "seminars",
        "OIDC_CLIENT_SECRET": "secret",
    }
    production = {"PRODUCTION": "1", "SECRET_KEY": "k" * 60, **provider}

    refused = settings_with(**production)
    assert refused.returncode != 0
    assert "must be reached over https://" in refused.stderr

    https = {**production, "OIDC_ISSUER": "https://id.example.gov.hk/realms/staff"}
    assert settings_with(**https).returncode == 0
    assert settings_with(**provider).returncode == 0  # a local test provider, outside production
