"""Markdown for docs/benchmarks.md from bench/web.py's JSON: pages, registration (end to end,
closed and open loop), CPU, the email worker and the gunicorn worker choice."""

import os
import re


def header(*names: str) -> str:
    return "| " + " | ".join(names) + " |\n" + "| --- " * len(names) + "|"


OPEN_LOOP_HEADER = header(
    "Run",
    "Completed",
    "Errors",
    "POST, ms",
    "Whole registration from its scheduled start, ms",
    "Capacity afterwards",
    "Emails",
    "Late, ms",
)
CHOICE_HEADER = header(
    "Gunicorn",
    "Seminar page, req/s (p99)",
    "Registrations/s closed loop (p99 of a request)",
    "Open loop POST p99, ms",
    "Open loop registration p99, ms",
    "Errors",
    "Web CPU per registration, ms",
    "Capacity exact",
)


def errors(figures: dict) -> str:
    """Non-2xx/3xx answers, and wrk's socket errors (timeouts: 2 s) when there were any."""
    socket = figures.get("socket_errors", "")
    if socket and any(int(count) for count in re.findall(r"\d+", socket)):
        return f"{figures['errors']} (sockets: {socket})"
    return str(figures["errors"])


def ratio(ours: float | None, baseline: float | None) -> str:
    return f"{ours / baseline:.2f}" if ours and baseline else "-"


def number(value, digits: int = 0, unit: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def pages_section(web: dict) -> str:
    constant, default = web["constant"]["rate"], web["default_constant"]["rate"]
    lines = [
        "| Page (32 connections) | Page cache | Ours, req/s | Ratio to the constant view: "
        "default project / bare | Target | p99 | Errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, name in (("home", "Home page"), ("seminar", "Seminar page")):
        for suffix, cache in (("", "on (1 s, as deployed)"), ("_nocache", "off")):
            figures = web.get(key + suffix)
            if not figures:
                continue
            lines.append(
                f"| {name} | {cache} | {figures['rate']:.0f} | "
                f"{ratio(figures['rate'], default)} / {ratio(figures['rate'], constant)} | "
                f"≥ 0.6 | {figures['p99']} | {errors(figures)} |"
            )
    return f"""## Public pages

Constant view: {default:.0f} req/s in the default project (`bench/default_project`, default
middleware), {constant:.0f} req/s in the bare one (`bench/baseline`, CommonMiddleware only).
"Page cache off" is a second server with `PUBLIC_PAGE_CACHE_SECONDS=0`: every request renders.

{chr(10).join(lines)}
"""


def open_loop_row(name: str, run: dict) -> str:
    capacity = run["capacity"]
    post, whole = run["post"], run["registration"]
    exact = "exact" if capacity["exact"] else "**NOT EXACT**"
    return (
        f"| {name} | {run['completed']} of {run['scheduled']} | {run['errors']} | "
        f"{post['p50']} / {post['p90']} / {post['p99']} / {post['max']} | "
        f"{whole['p50']} / {whole['p90']} / {whole['p99']} / {whole['max']} | "
        f"{capacity['confirmed']} confirmed of {capacity['capacity']}, "
        f"{capacity['waitlisted']} waitlisted, counter {capacity['seats_taken']}: {exact} | "
        f"{run['emails']}{'' if run['all_delivered'] else ' (not all!)'} | "
        f"{run['generator_lateness_max_ms']} |"
    )


def registration_section(web: dict) -> str:
    register, capacity = web["register"], web["capacity"]
    default, raw = web["default_insert"]["rate"], web["insert"]["rate"]
    end_to_end = register.get("end_to_end_per_second")
    exact = "exact" if capacity["exact"] else "**NOT EXACT**"
    delivered = (
        f"{register['emails']} emails arrived for {register['registrations']} registrations"
        if register["all_delivered"]
        else f"**the emails did not all arrive: {register['emails']} for "
        f"{register['registrations']} registrations**"
    )
    lines = [
        "| Registration (form + POST) | Registrations/s | Baseline, inserts/s | Ratio | Target "
        "| p99 | Errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| End to end: closed loop, email workers running, until the last email arrived "
        f"| {number(end_to_end, 1)} | {default:.0f} (default project, ORM insert) | "
        f"**{ratio(end_to_end, default)}** | ≥ 0.15 | - | {errors(register)} |",
        f"| End to end, against the bare raw-SQL insert | {number(end_to_end, 1)} | {raw:.0f} "
        f"(bare project, raw insert) | {ratio(end_to_end, raw)} | - | - | - |",
        f"| Closed loop during the load only (the earlier figure) | "
        f"{register['registrations_per_second']:.1f} ({register['rate']:.0f} req/s) | "
        f"{default:.0f} / {raw:.0f} | {ratio(register['registrations_per_second'], default)} / "
        f"{ratio(register['registrations_per_second'], raw)} | - | {register['p99']} | "
        f"{errors(register)} |",
    ]
    api = web.get("api_register")
    if api:
        lines.append(
            f"| Through the API (JSON POST with a token), during the load | "
            f"{api['registrations_per_second']:.1f} ({api['rate']:.0f} req/s) | "
            f"{default:.0f} / {raw:.0f} | {ratio(api['registrations_per_second'], default)} / "
            f"{ratio(api['registrations_per_second'], raw)} | - | {api['p99']} | "
            f"{errors(api)} |"
        )
    open_rows = [
        open_loop_row(name, web[key])
        for key, name in (
            ("open_loop", "Capacity above the run: all confirmed"),
            ("open_loop_full", "Capacity a third of the run: the rest waitlisted"),
        )
        if key in web
    ]
    cpu_rows = [
        f"| {name} | {number(run.get('cpu_ms_per_registration'), 1)} | "
        f"{number(run.get('postgres_cpu_ms_per_registration'), 1)} | "
        f"{number(run.get('cpu_ms_per_email'), 1)} |"
        for name, run in (
            ("Closed loop (wrk, 32 connections)", register),
            ("Open loop, all confirmed", web.get("open_loop")),
            ("Open loop, waitlist", web.get("open_loop_full")),
        )
        if run
    ]
    rate = web["open_loop_rate"]
    open_loop = web.get("open_loop") or {}
    return f"""## Registration

Gunicorn: `{web["gunicorn_args"]}`; two `db_worker` processes send the emails to a local SMTP
sink on the same machine throughout. Main baseline: a default `django-admin startproject`
project (`bench/default_project`: default settings and middleware, one model, a view that
inserts one row through the ORM), same PostgreSQL, same gunicorn. Second line: the bare project
(`bench/baseline`), a raw-SQL insert behind CommonMiddleware only.

**End to end** counts the registrations made in {web["seconds"]} s of closed-loop load (wrk,
32 connections, `register.lua`) and divides by the time from the first request to the last of
their emails arriving at the sink ({number(register.get("end_to_end_seconds"), 1)} s;
{delivered}, {register["duplicates"]} arrived twice).

{chr(10).join(lines)}

Capacity after the closed-loop run: {capacity["confirmed"]} confirmed of {capacity["capacity"]}
seats, seat counter {capacity["seats_taken"]}: {exact}.

### Open loop: {rate:g} registrations a second

`bench/openloop.py`: a registration (GET the form, POST it) starts every {1000 / rate:g} ms
for {web["open_loop_seconds"]:g} s whatever the server does; latency counts from the scheduled
start, so a server falling behind shows in it (no coordinated omission). Errors are POSTs not
answered with a redirect, forms not served, timeouts. Target: p99 under 100 ms, 0 errors,
capacity exact. Milliseconds as p50 / p90 / p99 / max; "late" is how far behind schedule the
generator itself started a registration at worst (it must stay near 0;
it used {open_loop.get("generator_cpu_s", "-")} s of CPU).

{OPEN_LOOP_HEADER}
{chr(10).join(open_rows)}

### CPU per registration and per email

User + system time from `/proc/<pid>/stat`: gunicorn's workers (the master's children) over the
load, divided by the registrations (form + POST); the `db_worker` processes from the start of
the load until the last email arrived, divided by the emails; PostgreSQL's backends of the
benchmark's database (the web's and the workers' connections both) over the same stretch,
divided by the registrations. Processes that started or ended in between are counted from
their start or lost: the servers' and workers' processes and their persistent connections
live through the run.

| Run | Web, ms per registration | PostgreSQL, ms per registration | Worker, ms per email |
| --- | --- | --- | --- |
{chr(10).join(cpu_rows)}

## Email worker

- Delay from registration to the email leaving, with two `db_worker` processes running beside
  the closed-loop registration load: median {number(web["delay"]["p50"], 1)} s, p99
  {number(web["delay"]["p99"], 1)} s ({web["delay"]["emails"]} emails).
""" + (
        f"""- Throughput on a backlog of {web["worker"]["emails"]} emails about one registrant each
  (a task each, as confirmations are queued; a task takes along those that have waited, so a
  backlog goes in batches), two workers, local SMTP sink: {web["worker"]["per_second"]}
  emails/s.
"""
        if "worker" in web
        else ""
    )


def worker_choice_section(web: dict) -> str:
    choice = web.get("worker_choice")
    if not choice:
        return ""
    rows = "\n".join(
        f"| `{row['args']}` | {row['page_rate']:.0f} ({row['page_p99']}) | "
        f"{row['closed_per_second']:.1f} ({row['closed_p99']}) | {row['open_post_p99']} | "
        f"{row['open_registration_p99']} | {row['open_errors']} | "
        f"{number(row['cpu_ms_per_registration'], 1)} | {'yes' if row['exact'] else 'NO'} |"
        for row in choice["rows"]
    )
    return f"""## Gunicorn worker class and count

Each set-up in turn on the same machine ({choice["seconds"]} s per figure), two `db_worker`
processes running: the seminar page with the page cache off (32 connections), registrations
closed loop (wrk, 32 connections) and open loop ({web["open_loop_rate"]:g}/s). The benchmark's
servers use `BENCH_GUNICORN_ARGS` (this run: `{web["gunicorn_args"]}`); the choice and its
reasons are in `docs/operations.md` ("Serving: gunicorn workers").

{CHOICE_HEADER}
{rows}
"""


def profile_section(markdown: str) -> str:
    return f"""## Where the remaining milliseconds go

`bench/profile_registration.py` (`BENCH_ONLY=profile make bench` runs it alone): registrations
through the Django test client in one process on PostgreSQL with the servers' production
settings, timed without a profiler and split into groups (each group is the wall time of the
functions that do it, innermost first; rendering a template counts as "template render" only
outside the other groups), every SQL query timed through `connection.execute_wrapper` (COMMIT
too); then the same under cProfile. The email is the confirmation, delivered on its own as the
worker's task does when it keeps up.

{markdown.strip()}
"""


def budget_section(web: dict) -> str:
    """What stands between the registration figure and its target, from this run's own CPU
    figures: every registration costs the two cores its web, database and email time."""
    register = web["register"]
    web_ms = register.get("cpu_ms_per_registration")
    pg_ms = register.get("postgres_cpu_ms_per_registration")
    email_ms = register.get("cpu_ms_per_email")
    if not (web_ms and pg_ms and email_ms):
        return ""
    total = web_ms + pg_ms + email_ms
    cores = os.cpu_count() or 2
    ceiling = 1000 * cores / total
    target = 0.15 * web["default_insert"]["rate"]
    budget = 1000 * cores / target
    return f"""### The CPU budget of a registration

Measured in the closed-loop run above, one registration costs the machine
{web_ms:.1f} ms of CPU in the web workers (the form page and the POST), {pg_ms:.1f} ms in
PostgreSQL and {email_ms:.1f} ms in the email worker: {total:.1f} ms in all. On {cores} cores
that allows at most {ceiling:.0f} registrations a second before counting wrk, the SMTP sink and
the operating system, which share the same cores. The target (0.15 of the default project's
{web["default_insert"]["rate"]:.0f} inserts a second, {target:.0f} registrations a second)
needs {budget:.1f} ms a registration in all, that is, about {total / budget:.1f} times less
than now. See "Where the time goes" for what that would take.
"""
