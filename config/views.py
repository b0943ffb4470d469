"""Project-level views: the health check and the error pages."""

import logging
import sys

from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist

logger = logging.getLogger(__name__)

UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Temporarily unavailable</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">
<h1>Temporarily unavailable</h1>
<p>The registration system cannot reach its database. Please try again in a few minutes;
nothing you sent has been lost.</p>
<p lang="zh-Hant">系統暫時未能連接資料庫，請於數分鐘後再試。</p>
<p lang="zh-Hans">系统暂时未能连接数据库，请于数分钟后再试。</p>
</body></html>"""


def unavailable_response() -> HttpResponse:
    """503 with a plain page that needs neither the database nor templates."""
    response = HttpResponse(UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a database round trip, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 with a plain page when the database is down, else the friendly 500 page.

    Neither path may need the database, and a failure to render the page must not end in a
    traceback either.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", error)
        return unavailable_response()
    try:
        return render(request, "500.html", status=500)
    except (TemplateDoesNotExist, DatabaseError, ValueError):
        return HttpResponse("Server error. Please try again later.", status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: also what an oversized request body gets."""
    return render(request, "400.html", status=400)
