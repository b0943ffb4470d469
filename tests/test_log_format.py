"""LOG_FORMAT=json: one JSON object a line that a log collector can parse."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from config.log_format import JsonFormatter


def test_a_log_line_is_one_json_object_with_its_exception():
    record = logging.LogRecord(
        "registrations", logging.ERROR, __file__, 1, "sent %d of %d", (3, 4), None
    )
    try:
        raise ValueError("refused")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "registrations"
    assert entry["message"] == "sent 3 of 4"
    assert "ValueError: refused" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_chinese_stays_readable():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "報名確認", (), None)
    assert "報名確認" in JsonFormatter().format(record)


def test_the_setting_switches_the_console_to_json():
    code = "import logging; logging.getLogger('registrations').warning('hello %s', 'json')"
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {"level": "WARNING", "logger": "registrations", "message": "hello json"}.items() <= (
        lines[-1].items()
    )
