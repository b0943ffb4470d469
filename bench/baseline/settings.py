"""A bare Django project for the ceiling: same Django, same PostgreSQL, same gunicorn set-up,
nothing of ours. One view returns a constant page, one inserts a row."""

import os

import dj_database_url

SECRET_KEY = "bench-baseline-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.baseline.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
USE_TZ = True
