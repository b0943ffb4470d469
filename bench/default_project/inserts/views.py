from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .models import Row

PAGE = (
    "<!doctype html><html><head><title>Baseline</title></head><body>"
    + "x" * 8000
    + "</body></html>"
)


def constant(request):
    return HttpResponse(PAGE)


# wrk posts without a CSRF token, as it does to the raw baseline's insert.
@csrf_exempt
def insert(request):
    Row.objects.create()
    return HttpResponse("ok")
