"""The layers in docs/architecture.md hold: import-linter checks them in `make lint`, and these
tests show that its contracts catch the faults they are there for."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PACKAGES = ("config", "seminar", "registrations", "organiser", "api")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(
    tmp_path: Path, *, add: tuple[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run lint-imports on a copy of the project, with one line added to one module."""
    for package in PACKAGES:
        shutil.copytree(
            settings.BASE_DIR / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    shutil.copy(settings.BASE_DIR / "pyproject.toml", tmp_path)
    if add:
        module, line = add
        path = tmp_path / module
        path.write_text(path.read_text() + f"\n{line}\n")
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_layers(tmp_path):
    result = lint_imports(tmp_path)

    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("seminar/views.py", "import registrations.models", "the domain never reaches up"),
        ("registrations/services.py", "import organiser.views", "the domain never reaches up"),
        ("registrations/services.py", "import api.errors", "the domain never reaches up"),
        # The admin and the API are siblings: neither builds on the other.
        ("organiser/views.py", "import api.errors", "the domain never reaches up"),
        ("config/urls.py", "import seminar.models", "Settings and project plumbing import no app"),
        ("registrations/delivery.py", "from . import tasks", "No app imports itself in a circle"),
    ],
)
def test_an_upward_or_circular_import_breaks_the_lint(tmp_path, module, line, contract):
    result = lint_imports(tmp_path, add=(module, line))

    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
