"""Running work in several threads released at the same moment, for the PostgreSQL race tests."""

import threading

from django.db import connection


def run_at_once(count: int, work) -> list:
    """Run work(n) in `count` threads released together; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(number: int) -> None:
        try:
            barrier.wait()
            results[number] = work(number)
        except Exception as error:  # the test asserts on whatever each thread met
            results[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
