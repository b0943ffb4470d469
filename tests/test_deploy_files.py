"""The deployment files (deploy/) agree with the code: every variable settings.py reads is in
.env.example and nothing else is, the systemd units run the commands that exist with the
environment file and the writable directory the example names, and the nginx site passes the
client's address and scheme in the headers the settings read. deploy/check runs the tools that
read these files (systemd-analyze, nginx -t); this checks what only the code knows."""

import ast
import configparser
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from registrations.attendance import MAX_REPORT_BYTES

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"
ENV_EXAMPLE = DEPLOY / ".env.example"
NGINX_SITE = DEPLOY / "nginx" / "seminar.conf"
UNITS = DEPLOY / "systemd"
APP_DIR = "/opt/seminar"
ENV_FILE = "/etc/seminar/seminar.env"


def is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def environment_reads(tree: ast.Module) -> tuple[set[str], list[str]]:
    """Names read from the environment (os.environ.get / [...] / in, os.getenv, env_* helpers),
    and the lines that read a name computed at run time, which no list could keep up with."""
    names: set[str] = set()
    computed: list[str] = []
    helpers = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("env_")
    }
    helper_bodies = {
        id(inner)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in helpers
        for inner in ast.walk(node)
    }

    def take(node: ast.AST, name_node: ast.AST) -> None:
        if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str):
            names.add(name_node.value)
        elif id(node) not in helper_bodies:
            computed.append(f"line {node.lineno}: {ast.unparse(node)}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            environ_get = isinstance(function, ast.Attribute) and (
                (function.attr == "get" and is_os_environ(function.value))
                or (
                    function.attr == "getenv"
                    and isinstance(function.value, ast.Name)
                    and function.value.id == "os"
                )
            )
            helper = isinstance(function, ast.Name) and function.id in helpers
            if environ_get or helper:
                take(node, node.args[0])
        elif isinstance(node, ast.Subscript) and is_os_environ(node.value):
            take(node, node.slice)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and is_os_environ(node.comparators[0])
        ):
            take(node, node.left)
    return names, computed


def settings_variables() -> set[str]:
    names, computed = environment_reads(ast.parse(SETTINGS_FILE.read_text()))
    assert computed == [], f"settings.py reads variables by a computed name: {computed}"
    return names


def example_lines() -> list[tuple[bool, str, str]]:
    """(set, name, value) for each variable line of .env.example; "#NAME=value" is unset."""
    lines = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            value = match[3]
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            lines.append((not match[1], match[2], value))
    return lines


def example_environment() -> dict[str, str]:
    return {name: value for is_set, name, value in example_lines() if is_set}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser


def nginx_directives(name: str) -> list[str]:
    """The arguments of every `name ...;` in the nginx site (comments left out)."""
    text = "\n".join(line.split("#", 1)[0] for line in NGINX_SITE.read_text().splitlines())
    pattern = rf"^\s*{name}\s+([^;{{}}\n]+)[;{{]"
    return [arguments.strip() for arguments in re.findall(pattern, text, re.M)]


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """The settings a process started from .env.example (with a secret key filled in) gets, and
    whether Django's deployment checks pass on them."""
    # Not DJANGO_ALLOW_ASYNC_UNSAFE either: the browser tests set it in this process, and the
    # deployment checks rightly refuse it (async.E001) when a browser test ran first here.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in settings_variables() and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(example_environment())
    environment["SECRET_KEY"] = "deploy-files-test-" + "k" * 50
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); "
        "print(json.dumps({name: str(getattr(s, name, None)) if name.endswith(('ROOT', 'DIR')) "
        "else getattr(s, name, None) for name in ['CLIENT_IP_HEADER', 'SECURE_PROXY_SSL_HEADER', "
        "'STATIC_ROOT', 'STATIC_URL', 'VAR_DIR', 'DATA_UPLOAD_MAX_MEMORY_SIZE']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"settings from .env.example fail:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_env_example_lists_exactly_the_variables_settings_reads():
    listed = [name for _, name, _ in example_lines()]

    read = settings_variables()

    missing = sorted(read - set(listed))
    unknown = sorted(set(listed) - read)
    assert (missing, unknown) == ([], []), (
        f"read by config/settings.py but not in deploy/.env.example: {missing}; "
        f"in deploy/.env.example but not read by config/settings.py: {unknown}"
    )
    assert len(listed) == len(set(listed)), "a variable is listed twice in deploy/.env.example"


def test_environment_reads_finds_every_form_of_read():
    source = (
        "import os\n"
        "def env_int(name, default):\n    return int(os.environ.get(name, default))\n"
        "A = os.environ.get('A')\nB = os.environ['B']\nC = os.getenv('C')\n"
        "D = env_int('D', 1)\nE = 'E' in os.environ\nF = os.environ.get('F_' + A)\n"
    )

    names, computed = environment_reads(ast.parse(source))

    assert names == {"A", "B", "C", "D", "E"}
    assert computed == ["line 9: os.environ.get('F_' + A)"]


def test_env_example_is_a_production_configuration_that_passes_the_deploy_checks(
    production_settings,
):
    # The fixture ran `check --deploy --fail-level WARNING` on these settings.
    assert production_settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings["CLIENT_IP_HEADER"] == "HTTP_X_FORWARDED_FOR"


def test_env_example_leaves_the_secret_key_empty_so_a_forgotten_one_stops_the_start():
    environment = example_environment()

    assert environment["PRODUCTION"] == "1"
    assert environment["SECRET_KEY"] == ""


@pytest.mark.parametrize(
    ("unit_name", "command"),
    [
        ("seminar-worker@.service", ["manage.py", "db_worker", "--no-reload"]),
        ("seminar-scheduler.service", ["manage.py", "scheduler", "--every", "60"]),
    ],
)
def test_worker_and_scheduler_units_run_the_management_commands(unit_name, command):
    service = unit(unit_name)["Service"]

    argv = shlex.split(service["ExecStart"])

    assert argv == [f"{APP_DIR}/.venv/bin/python", *command]
    assert command[1] in get_commands()


def test_web_unit_runs_gunicorn_sync_workers_on_the_socket_nginx_proxies_to():
    service = unit("seminar-web.service")["Service"]
    socket = unit("seminar-web.socket")["Socket"]

    argv = shlex.split(service["ExecStart"])

    assert argv[:2] == [f"{APP_DIR}/.venv/bin/gunicorn", "config.wsgi"]
    assert argv[argv.index("--workers") + 1] == "2"  # one per core on two cores
    assert not {"-k", "--worker-class", "--threads", "--bind", "-b"} & set(argv)
    assert unit("seminar-web.service")["Unit"]["Requires"] == "seminar-web.socket"
    assert nginx_directives("server") == [f"unix:{socket['ListenStream']}"]
    assert (socket["SocketUser"], socket["SocketMode"]) == ("www-data", "0600")
    # Restarting seminar.target (an upgrade) restarts gunicorn but keeps the socket open.
    assert "PartOf" not in unit("seminar-web.socket")["Unit"]
    # The gunicorn workers' metrics files go to a directory systemd empties at each start.
    assert service["Environment"] == f"PROMETHEUS_MULTIPROC_DIR=/run/{service['RuntimeDirectory']}"


@pytest.mark.parametrize(
    "unit_name", ["seminar-web.service", "seminar-worker@.service", "seminar-scheduler.service"]
)
def test_every_service_runs_unprivileged_from_the_env_file_and_writes_only_var_dir(
    unit_name, production_settings
):
    service = unit(unit_name)["Service"]

    assert service["User"] == "seminar"
    assert service["WorkingDirectory"] == APP_DIR
    assert service["EnvironmentFile"] == ENV_FILE
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert service["ReadWritePaths"] == production_settings["VAR_DIR"]
    assert f"/var/lib/{service['StateDirectory']}" == production_settings["VAR_DIR"]
    assert unit(unit_name)["Unit"]["PartOf"] == "seminar.target"
    assert unit(unit_name)["Install"]["WantedBy"] == "seminar.target"


def test_nginx_sets_the_client_address_header_the_settings_read(production_settings):
    header = production_settings["CLIENT_IP_HEADER"].removeprefix("HTTP_").replace("_", "-")
    headers = dict(d.split(None, 1) for d in nginx_directives("proxy_set_header"))

    # Set to the connection's address, not appended to what the client sent.
    assert headers[header.title()] == "$remote_addr"
    assert "$proxy_add_x_forwarded_for" not in NGINX_SITE.read_text()
    proto_header, https = production_settings["SECURE_PROXY_SSL_HEADER"]
    assert headers[proto_header.removeprefix("HTTP_").replace("_", "-").title()] == "$scheme"
    assert https == "https"
    assert headers["Host"] == "$host"


def test_nginx_serves_static_root_and_takes_the_largest_upload(production_settings):
    locations = nginx_directives("location")
    size = nginx_directives("client_max_body_size")

    assert f"/{production_settings['STATIC_URL'].strip('/')}/" in locations
    assert nginx_directives("alias") == [production_settings["STATIC_ROOT"].rstrip("/") + "/"]
    assert size[0].endswith("m")
    assert int(size[0][:-1]) * 1024 * 1024 > MAX_REPORT_BYTES
    assert int(size[0][:-1]) * 1024 * 1024 > production_settings["DATA_UPLOAD_MAX_MEMORY_SIZE"]


def test_nginx_redirects_http_to_https_and_listens_with_tls():
    listens = nginx_directives("listen")

    assert "443 ssl http2" in listens and "80" in listens
    assert "301 https://$host$request_uri" in nginx_directives("return")


def test_sh_reads_the_env_example_as_systemd_does():
    # deploy/seminar-manage sources the file with sh; the units read it with EnvironmentFile=.
    script = f'set -a; . "{ENV_EXAMPLE}"; set +a; exec "{sys.executable}" -c "{{code}}"'
    code = "import json, os; print(json.dumps(dict(os.environ)))"

    result = subprocess.run(
        ["/bin/sh", "-c", script.format(code=code)],
        env={},
        capture_output=True,
        text=True,
        check=True,
    )

    read_by_sh = json.loads(result.stdout)
    assert {name: read_by_sh.get(name) for name in example_environment()} == (example_environment())
