"""Compile the gettext catalogues under locale/ without GNU gettext.

Django's compilemessages needs msgfmt, which a fresh machine may not have; Babel reads the .po
files and writes the .mo files in pure Python. `make run`, `make test` and the test suite call
this, so a fresh clone always has compiled catalogues.
"""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues_compile(*, locale_dir: Path = LOCALE_DIR, force: bool = False) -> list[Path]:
    """Write each django.mo whose .po is newer (or all with `force`); returns what it wrote.

    Writes to a temporary file and renames it, so parallel test workers never read half a file.
    """
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        descriptor, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(descriptor, "wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(temporary, mo_path)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    # `python -m config.catalogues [--force]`: a project-wide step, not any app's command, and
    # it needs no settings.
    import sys

    for path in catalogues_compile(force="--force" in sys.argv[1:]):
        print(f"Compiled {path}")
