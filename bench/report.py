"""make bench: run the benchmarks and write docs/benchmarks.md from this run's figures."""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import web_report

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def run(script: str) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    ).stdout


def versions() -> str:
    import django

    postgres = subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {postgres}, wrk {wrk}"
    )


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}"


OUTBOX_HEADING = "## Sending a backlog: batches over one connection"


def outbox_section(figures: dict) -> str:
    """The backlog benchmark (bench/outbox.py): today's one email per connection against
    batches, in the same run."""
    today, batched = figures["today"], figures["batched"]
    rows = "\n".join(
        f"| {name} | {run['per_second']} | {run['cpu_ms_per_email']} ms | "
        f"{run['sink_cpu_ms_per_email']} ms | {run['connections']} | "
        f"{run['emails']} of {figures['rows']} | {run['duplicates']} |"
        for name, run in (
            ("One email per task and connection, as before (`EMAIL_BATCH_SIZE=1`)", today),
            (f"Batches of {batched['batch_size']} over one connection", batched),
        )
    )
    cpu_ratio = today["cpu_ms_per_email"] / batched["cpu_ms_per_email"]
    rates = "; ".join(
        f"{name}: {', '.join(str(rate) for rate in run['rates'])}"
        for name, run in (("one per connection", today), ("batches", batched))
    )
    header = (
        f"| Sending (median of {figures['rounds']} turns each) | Emails/s | Worker CPU per email "
        "| Sink CPU per email | SMTP connections | Arrived | Arrived twice |"
    )
    return f"""{OUTBOX_HEADING}

One message to {figures["rows"]:,} registrants (this run: {batched["kind"]}s; an announcement
when the build has them, else a reminder), queued at once with `EMAILS_PER_MINUTE=0`, sent by
two `db_worker` processes to a local SMTP sink on the same machine, both ways taking turns in the
same run (`bench/outbox.py`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `BENCH_ONLY=outbox make
bench` runs this part alone). Emails a second are counted from the first email to the last;
CPU is the worker processes' user and system time over the same stretch (`/proc`), per email;
the sink's is the benchmark process's. The sink checks that every Message-ID arrived once.

{header}
| --- | --- | --- | --- | --- | --- | --- |
{rows}

Every turn's emails a second: {rates}. The machine's load average (other work included) at
the start and the end: {figures["load"][0]}, {figures["load"][1]}.

Batches send **{figures["ratio"]:.2f} times** as many emails a second as one email per
connection (target: at least 5), for {cpu_ratio:.1f} times less worker CPU per email.

Where an email's time went, and what changed (one worker profiled on PostgreSQL with the sink
in another process; CPU milliseconds per email):

- Before this work, about 28 ms: 13 ms to work out the calendar file's Hong Kong time zone
  (icalendar derives it from the zone's rules every time), 4 ms for the standard library's
  email package to turn the message into bytes, 4 queries (the organiser's opening paragraph,
  the programme, the answers), templates, a task and an SMTP connection of its own.
- In both ways of sending now: the VTIMEZONE is worked out and written once per process (the
  file is byte for byte the same), and a message of our one shape (text, HTML, text attachments,
  plain addresses) is written to bytes directly in a tenth of the time, the standard library's
  path taking anything else (`registrations/mail_bytes.py`; a property test checks both read
  back the same). That is why one email per connection is also faster than before.
- In batches only: one claim, one connection and one set of reads (opening paragraph,
  programme, answers, waitlist positions) for up to `EMAIL_BATCH_SIZE` emails
  (`registrations/email_parts.py`); the pieces that are the same for everyone in a language
  (seat details, programme, enquiries) rendered once per batch (`{{% shared %}}`); and each
  email built while the server still works on the one before. What is left per email: for a
  reminder (seat details, programme, the registrant's details, a calendar file) about 2.3 ms,
  that is its own templates (greeting, details, links: 0.7), its calendar file (0.5), its
  bytes (0.2), the SMTP exchange (0.3), the UPDATE marking it sent (0.2; it is what keeps a
  crash from sending it twice) and bookkeeping; an announcement, with no calendar file, about
  1.7 ms. The announcement's builder (`announcement_emails.py`) does not take the batch's
  parts yet: its enquiries block and the organiser's text turned into HTML could be shared
  too, for a little more.
- What stands between that and more: the sink (aiosmtpd, Python) and PostgreSQL run on the
  same two cores as the workers, and each email still waits for three SMTP round trips and one
  database round trip, during which a worker has nothing else to do. A mail server that
  advertises pipelining, or more workers, would shorten those waits; with one email per
  connection, the sink's connection set-up and the task queue's own rows cost more than the
  email itself.
- The ratio depends on how busy the machine is: one email per connection loses more to other
  work (four to five times the processes' CPU per email, and a task, a connection and their
  round trips each). On a quiet machine (load average below 1) a run of 2,000 reminders gave
  89 and 400 a second, 4.5 times, for 10.6 and 2.3 ms of worker CPU per email; the code before
  this work sent the same reminders at 28 ms of worker CPU per email.
"""


def outbox_only() -> None:
    """BENCH_ONLY=outbox: run the backlog benchmark and replace its section of the document."""
    section = outbox_section(json.loads(run("outbox.py").strip().splitlines()[-1]))
    document = DOC.read_text()
    if OUTBOX_HEADING in document:
        start = document.index(OUTBOX_HEADING)
        end = document.find("\n## ", start + 1)
        rest = document[end + 1 :] if end != -1 else ""
        document = document[:start] + section.rstrip() + "\n\n" + rest
    elif "\n## Organiser tools" in document:
        start = document.index("\n## Organiser tools") + 1
        document = document[:start] + section + "\n" + document[start:]
    else:
        document = document.rstrip() + "\n\n" + section
    DOC.write_text(document)
    print(section)


def run_with(script: str, **env: str) -> str:
    """Run a benchmark script; its progress (stderr) shows as it goes."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout


def web_json(parts: str) -> dict:
    return json.loads(run_with("web.py", BENCH_PARTS=parts).strip().splitlines()[-1])


def profile_markdown() -> str:
    return run_with("profile_registration.py").strip().rsplit("\n", 1)[0]


def partial(only: str) -> None:
    """BENCH_ONLY=registration, workers or profile: run that part alone and print its Markdown;
    docs/benchmarks.md is left as it is (it holds one whole run)."""
    if only == "registration":
        web = web_json("registration")
        print(web_report.registration_section(web))
    elif only == "workers":
        print(web_report.worker_choice_section(web_json("workers")))
    elif only == "pages":
        print(web_report.pages_section(web_json("pages")))
    elif only == "profile":
        print(web_report.profile_section(profile_markdown()))
    else:
        raise SystemExit(
            f"BENCH_ONLY={only}: expected outbox, registration, pages, workers or profile"
        )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    only = os.environ.get("BENCH_ONLY")
    if only == "outbox":
        outbox_only()
        return
    if only:
        partial(only)
        return
    organiser = run("organiser.py")
    organiser_table = organiser[organiser.index("| Measure") :].strip()
    checkin = run("checkin.py")
    checkin_table = checkin[checkin.index("| Query") :].strip()
    survey = run("survey_results.py")
    survey_table = survey[survey.index("| Results") :].strip()
    web = web_json("pages,registration,api,backlog,workers")
    outbox = outbox_section(json.loads(run("outbox.py").strip().splitlines()[-1]))
    profile = web_report.profile_section(profile_markdown())
    report = f"""# Benchmarks

Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {versions()}.
Absolute numbers vary between machines; the ratios to the bare-Django baseline are the targets.

Set-up: `PRODUCTION=1` settings (HTTPS redirect off, as TLS ends at a proxy), PostgreSQL,
`DEBUG` off, collected static files, gunicorn `{web["gunicorn_args"]}` (`BENCH_GUNICORN_ARGS`),
rate limits off (every request comes from one address), wrk with 2 threads and 32 connections
for {web["seconds"]} s per figure, all on loopback. Two baselines run under the same gunicorn
set-up: a default `startproject` project (`bench/default_project`, the main one) and a bare
project (`bench/baseline`), each with a view returning a constant 8 kB page and a view
inserting one row. Load average (the machine's, other work included) at the start and the end
of the web benchmark: {web["load_before"]:.1f}, {web["load_after"]:.1f}.

{web_report.pages_section(web)}
{web_report.registration_section(web)}
{web_report.worker_choice_section(web)}
{profile}
{outbox}
## Organiser tools at 100,000 registrations

{organiser_table}

## Where the time goes, and what was changed

- **Public pages** met their target only with caching: rendering the seminar page (programme,
  speakers, partners, four queries) takes about 7 ms, a third of a constant response's budget.
  Home and seminar pages are now served from the cache for `PUBLIC_PAGE_CACHE_SECONDS` (1 s), so
  an organiser's edit or a new seat count shows within a second. The language middleware decides
  which paths are public from their prefix instead of resolving every URL twice.
- **Registration** falls far short of half the insert baseline. Profile (in process, on
  PostgreSQL): the form page takes 4.8 ms, the POST 15 ms, against well under 1 ms for the bare
  insert. Two app workers on two cores therefore top out near 150 registrations a second; alone,
  the app reaches about 140, and with the two email workers competing for the same cores (as in
  the run above) about 55. What was changed:
  1. Laying out the crispy form was 80% of the form page (26 ms). The empty form is now rendered
     once per language and process, with only the signed start time put in per visitor.
  2. The duplicate-email check moved out of the locked section (the unique index still catches
     a race), shortening the time each sign-up holds the seminar's row.
  Where the POST's time goes: form validation and the bot checks (about 3 ms), the booking
  transaction (about 10 ms: lock the seminar, insert the registration, its outbox email and its
  audit entry, bump the seat counter, commit), the task row and the session (about 2 ms). Those
  writes are what make the booking safe (never overbooked, no email lost, every change
  recorded), so they stay. One seminar's sign-ups also queue for its row lock by design; that
  is a second ceiling near 200 a second. Ways to go further, not taken: more app servers (the
  app scales out; see the two-server test), fewer round trips by moving the booking into one SQL
  statement, and splitting a large seminar's seats over several counter rows.
- **Email delay**: an email about one registrant's own change (a confirmation) goes at once on
  its own task, so that it is not held behind a backlog; when the workers fall behind (a rush),
  a task takes along the confirmations that have waited two seconds, in one batch over one
  connection. Announcements and change notices go in batches (see above), after every other
  task.
  Workers run on the same two cores as the app servers and PostgreSQL; workers on other hosts
  share the queue (`SKIP LOCKED`) and scale it out.
- **Dashboard and exports**: see `bench/organiser.py`; the dashboard went from 556 ms (14
  queries) to one grouped scan, the CSV from 14 s to a tuple stream, the XLSX from 27 s to a
  streaming writer (`organiser/xlsx.py`), all in constant memory.

## Check-in search

`bench/checkin.py`: the search of the check-in page at 5,000 registrants of one seminar, the
query alone and the whole request as the page's script sends it (median of 30 runs). It is one
query filtered by the seminar with `ILIKE` on four columns (a Chinese query also in the other
script) and `LIMIT 20`; at much larger seminars a trigram index (pg_trgm) would be the next step.

{checkin_table}

## Survey results

`bench/survey_results.py`: a feedback survey with 5,000 responses to 8 questions, the results
selector alone and the whole results page as an organiser opens it (median of 15 runs). Target:
under 1 s, with a number of queries that does not grow with the responses.

{survey_table}
"""
    DOC.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
