import os

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# Property tests (README, "Tests"): `make test` and CI use the "ci" profile, the same examples in
# every run (a failure is reproduced by running again) and no per-example deadline (a loaded
# 2-core machine is slow, not wrong). HYPOTHESIS_PROFILE=thorough draws fresh examples, and each
# test's full count of them (tests/hypothesis_budget.py).
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.register_profile("thorough", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
TEST_SITE_URL = "http://testserver-site"


def storages_from_source(storages: dict) -> dict:
    return {
        **storages,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests log users in often; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    # The database queue is exercised in its own tests; elsewhere tasks run at enqueue time.
    settings.TASKS = IMMEDIATE_TASKS


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    reason = (
        "needs PostgreSQL (real row locks and concurrent connections); "
        "run with DATABASE_URL=postgres://... as .ci/run does"
    )
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _english_by_default():
    # A request through the test client leaves its language active in this thread, which would
    # make reverse() in the next test produce /zh-hans/ URLs.
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # The manifest storage needs `collectstatic`; tests render pages straight from the source tree.
    settings.STORAGES = storages_from_source(settings.STORAGES)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = TEST_SITE_URL


def pytest_configure(config):
    # Running pytest directly (not through make) still gets compiled catalogues.
    from config.catalogues import catalogues_compile

    catalogues_compile()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # Each test starts with empty counters; the limits themselves are tested on their own.
    # Only the in-process cache: clearing a Redis cache a test switched to would empty the
    # whole Redis database under the other test processes (the tests that use Redis remove
    # their own keys, tests/test_security.py).
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    def clear() -> None:
        if isinstance(caches["default"], LocMemCache):
            caches["default"].clear()

    clear()
    yield
    clear()


DEMO_PASSWORD = "demo-pass-123"


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the tests of a module that only read it or change it.

    Loading it takes seconds; each test of the module still starts from the freshly loaded demo,
    because the load happens in a transaction held open around the module and each test runs in
    a savepoint inside it (rolled back after the test, as usual). Not for transactional tests
    (live server, threads): those commit. The settings are those every test gets above.
    """
    from django.conf import settings
    from django.core.cache import cache

    from registrations.demo import demo_load

    test_settings = override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        TASKS=IMMEDIATE_TASKS,
        STORAGES=storages_from_source(settings.STORAGES),
        SITE_URL=TEST_SITE_URL,
    )
    with (
        django_db_blocker.unblock(),
        test_settings,
        translation.override("en"),
        transaction.atomic(),
    ):
        demo_load(password=DEMO_PASSWORD)
        cache.clear()
        yield
        transaction.set_rollback(True)
