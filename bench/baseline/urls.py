from django.db import connection
from django.http import HttpResponse
from django.urls import path

PAGE = (
    "<!doctype html><html><head><title>Baseline</title></head><body>"
    + "x" * 8000
    + "</body></html>"
)


def constant(request):
    return HttpResponse(PAGE)


def insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_baseline_row (created_at) VALUES (now())")
    return HttpResponse("ok")


urlpatterns = [path("", constant), path("insert/", insert)]
