"""STAFF_TWO_FACTOR_REQUIRED: on with PRODUCTION=1 unless switched off, off otherwise."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

READ = "from django.conf import settings; print(settings.STAFF_TWO_FACTOR_REQUIRED)"


def required_with(**environment: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    for name in ("PRODUCTION", "STAFF_TWO_FACTOR_REQUIRED"):
        if name not in environment:
            env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", READ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("environment", "required"),
    [
        ({}, "False"),
        ({"PRODUCTION": "1", "SECRET_KEY": "k" * 50}, "True"),
        ({"PRODUCTION": "1", "SECRET_KEY": "k" * 50, "STAFF_TWO_FACTOR_REQUIRED": "0"}, "False"),
        ({"STAFF_TWO_FACTOR_REQUIRED": "1"}, "True"),
    ],
)
def test_two_factor_is_required_by_default_in_production_only(environment, required):
    assert required_with(**environment) == required
