from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from registrations.forms import tracking_params

from .selectors import seminar_get_public, seminar_listing, seminar_partners_by_role


def seminar_list(request: HttpRequest) -> HttpResponse:
    return render(request, "seminar/seminar_list.html", {"listing": seminar_listing()})


def seminar_detail(request: HttpRequest, slug: str) -> HttpResponse:
    seminar = seminar_get_public(slug=slug)
    # utm_*/ref on the landing URL travel on to the form through the Register link.
    tracking = urlencode(tracking_params(request.GET))
    context = {
        "seminar": seminar,
        "availability": seminar.availability(),
        "partner_groups": seminar_partners_by_role(seminar=seminar),
        "tracking_query": tracking,
    }
    return render(request, "seminar/seminar_detail.html", context)
