"""Open-loop registration load: registrations start at a fixed rate whatever the server does.

    python bench/openloop.py --url http://127.0.0.1:8201/seminars/<slug>/register/ \
        --rate 100 --seconds 20

Each registration is what a browser does (as register.lua): GET the form (CSRF cookie and
token, the signed `started` field), then POST it. Registration i is scheduled at
start + i / rate; its latency is counted from that scheduled moment, so a server that falls
behind shows it in the percentiles instead of slowing the generator down (coordinated
omission). The POST's own latency is counted from the moment it was sent. A POST that is not
answered with a redirect (302) is an error, as is a GET that gives no form, a timeout or a
broken connection.

Raw HTTP/1.1 over asyncio streams, one connection per request (`Connection: close`, as
gunicorn's sync workers close them anyway): cheap enough that one process keeps a few hundred
requests a second on time; the generator's own CPU and its worst lateness are in the output so
that can be checked. Prints one JSON line.
"""

import argparse
import asyncio
import json
import random
import re
import resource
import time
from urllib.parse import quote, urlsplit

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(rb'name="started" value="([^"]+)"')
CSRF_COOKIE = re.compile(rb"csrftoken=([^;]+)", re.IGNORECASE)
FIELDS = (
    "&name_en=Open+Loop&organisation=Bench+Ltd&participant_type=government&region=hong_kong"
    "&industry=public&preferred_language=en&consent=on"
)


class Failed(Exception):
    pass


async def http(host: str, port: int, request: bytes, timeout: float) -> tuple[int, bytes, bytes]:
    """Send one request on a new connection; returns status, raw headers and body."""

    async def exchange():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()

    try:
        response = await asyncio.wait_for(exchange(), timeout)
    except (OSError, TimeoutError) as error:
        raise Failed(type(error).__name__) from error
    head, _, body = response.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError) as error:
        raise Failed("malformed response") from error
    return status, head, body


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p90": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 1)

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": round(ordered[-1] * 1000, 1)}


async def run(url: str, rate: float, seconds: float, timeout: float) -> dict:
    parts = urlsplit(url)
    host, port, path = parts.hostname, parts.port or 80, parts.path
    origin = f"{parts.scheme}://{parts.netloc}"
    tag = f"{int(time.time())}-{random.randrange(10**6)}"
    count = int(rate * seconds)
    loop = asyncio.get_running_loop()
    whole, posts, lateness = [], [], []
    errors: dict[str, int] = {}
    statuses: dict[str, int] = {}

    def error(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1

    get = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: django_language=en\r\n"
        "Connection: close\r\n\r\n"
    ).encode()

    async def registration(number: int, scheduled: float) -> None:
        lateness.append(loop.time() - scheduled)
        try:
            status, head, body = await http(host, port, get, timeout)
            token, started = TOKEN.search(body), STARTED.search(body)
            cookie = CSRF_COOKIE.search(head)
            if status != 200 or not (token and started and cookie):
                raise Failed(f"form {status}")
            form = (
                f"csrfmiddlewaretoken={token.group(1).decode()}"
                f"&started={quote(started.group(1).decode())}"
                f"&email=openloop-{tag}-{number}%40example.com{FIELDS}"
            ).encode()
            post = (
                f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"Cookie: django_language=en; csrftoken={cookie.group(1).decode()}\r\n"
                f"Referer: {origin}{path}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n"
            ).encode() + form
            sent = loop.time()
            status, _, _ = await http(host, port, post, timeout)
            done = loop.time()
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status != 302:
                raise Failed(f"POST {status}")
            posts.append(done - sent)
            whole.append(done - scheduled)
        except Failed as failure:
            error(str(failure))

    start = loop.time() + 0.05
    wall_start = time.time() + 0.05
    tasks = []
    for number in range(count):
        scheduled = start + number / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(registration(number, scheduled)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rate": rate,
        "seconds": seconds,
        "scheduled": count,
        "completed": len(whole),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "post_statuses": statuses,
        "post": percentiles(posts),
        "registration": percentiles(whole),
        "elapsed": round(elapsed, 2),
        "wall_start": wall_start,
        "achieved_per_second": round(len(whole) / elapsed, 1) if elapsed else None,
        # How late the generator itself started registrations (it must stay near 0).
        "generator_lateness_max_ms": round(max(lateness, default=0) * 1000, 1),
        "generator_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the registration form's URL")
    parser.add_argument("--rate", type=float, default=100, help="registrations a second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    arguments = parser.parse_args()
    result = asyncio.run(run(arguments.url, arguments.rate, arguments.seconds, arguments.timeout))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
