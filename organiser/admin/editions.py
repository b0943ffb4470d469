"""“New edition from this seminar”: an action on the seminar list and a button on a seminar's
page lead to one page asking for the new start and web address; the copy itself is
registrations/editions.py. SeminarAdmin takes EditionAdminMixin for the page's URL and for the
review list, shown on a new edition's page for as long as it is a draft."""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.edition_review import ReviewItem, edition_review
from registrations.editions import edition_source, seminar_edition_copy, series_name_for
from registrations.errors import RegistrationError
from seminar.models import Seminar

EDITION_ONE_ONLY = _("Select exactly one seminar to make a new edition of.")
TEMPLATE = "admin/seminar/seminar/new_edition.html"


class EditionForm(forms.Form):
    starts_at = forms.SplitDateTimeField(
        label=_("New start (Hong Kong time)"),
        widget=AdminSplitDateTime,
        help_text=_(
            "The end, the programme, the registration dates and the survey's dates move by the "
            "same amount."
        ),
    )
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=Seminar._meta.get_field("slug").max_length,
        help_text=_("The part after /seminars/ in the seminar page's address."),
    )
    new_series = forms.BooleanField(required=False)

    def __init__(self, *args, source: Seminar, **kwargs):
        super().__init__(*args, **kwargs)
        if source.series_id is not None:
            del self.fields["new_series"]
        else:
            # Offered (and ticked) only while the seminar is in no series yet.
            self.fields["new_series"].initial = True
            self.fields["new_series"].label = gettext(
                "Put both editions in a new series named “%(name)s”"
            ) % {"name": series_name_for(source)["name_en"]}

    def clean_slug(self) -> str:
        # Public addresses are lower-case: "ABC-2027" would give a page nobody can reach.
        return self.cleaned_data["slug"].lower()


def edition_initial(seminar: Seminar, *, now: datetime | None = None) -> dict:
    """The first yearly date after now at the same time of day (a year on, or more for an old
    seminar); the web address with its year replaced, or the new year added, and "-2", "-3"...
    when that address is taken already."""
    now = now or timezone.now()
    start = timezone.localtime(seminar.starts_at, timezone.get_default_timezone())
    years = 1
    while (starts_at := _years_on(start, years)) <= now:
        years += 1
    old, new = str(start.year), str(starts_at.year)
    slug = seminar.slug.replace(old, new) if old in seminar.slug else f"{seminar.slug}-{new}"
    return {"starts_at": starts_at, "slug": _slug_free(slug)}


def _years_on(start: datetime, years: int) -> datetime:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _slug_free(slug: str) -> str:
    """`slug`, or the first of `slug`-2, `slug`-3... no seminar has (one query)."""
    taken = set(Seminar.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def edition_url(seminar_id: int) -> str:
    return reverse("admin:seminar_seminar_edition", kwargs={"seminar_id": seminar_id})


def _item_link(item: ReviewItem, seminar: Seminar) -> str:
    if item.page == "survey":
        return reverse("admin:seminar_seminar_survey", kwargs={"seminar_id": seminar.pk})
    return f"#{item.anchor}" if item.anchor else ""


def review_list(items: list[ReviewItem], seminar: Seminar) -> SafeString:
    """The review list, each item linking to its field or page."""
    lines = format_html_join(
        "",
        "<li>{}</li>",
        (
            (
                format_html('<a href="{}">{}</a>', link, item.text)
                if (link := _item_link(item, seminar))
                else item.text,
            )
            for item in items
        ),
    )
    return format_html("<ul>{}</ul>", lines)


class EditionAdminMixin:
    """For SeminarAdmin: the new-edition page and the list action leading to it."""

    def get_urls(self):
        urls = [
            path(
                "<int:seminar_id>/new-edition/",
                self.admin_site.admin_view(self.edition_view),
                name="seminar_seminar_edition",
            ),
        ]
        return urls + super().get_urls()

    @admin.action(description=_("New edition from this seminar"), permissions=["add"])
    def edition_new(self, request: HttpRequest, queryset: QuerySet[Seminar]):
        pks = list(queryset.values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(request, EDITION_ONE_ONLY, messages.ERROR)
            return None
        return redirect(edition_url(pks[0]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """A draft made as a new edition shows its review list at the top of its page until it
        is published, so a reload or a second visit does not lose it."""
        source = edition_source(seminar=obj) if obj is not None else None
        if source is not None:
            context["edition_review"] = review_list(edition_review(source=source, copy=obj), obj)
        # By keyword: nested-admin's render_change_form takes `obj` third.
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def edition_view(self, request: HttpRequest, seminar_id: int) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        source = get_object_or_404(Seminar, pk=seminar_id)
        if not (self.has_add_permission(request) and self.has_view_permission(request, source)):
            raise PermissionDenied
        bound = request.method == "POST"
        form = EditionForm(
            request.POST if bound else None, initial=edition_initial(source), source=source
        )
        if bound and form.is_valid():
            try:
                copied = seminar_edition_copy(
                    source=source,
                    starts_at=form.cleaned_data["starts_at"],
                    slug=form.cleaned_data["slug"],
                    new_series=form.cleaned_data.get("new_series", False),
                    actor=request.user,
                )
            except RegistrationError as refusal:
                form.add_error(refusal.field, str(refusal.message))
            else:
                # The list itself is on the draft's page (render_change_form), for as long as
                # it is a draft; the message only says so.
                message = gettext(
                    "“%(title)s” is a new draft edition: check the list “To review before "
                    "publishing” below."
                ) % {"title": copied.seminar.title}
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:seminar_seminar_change", copied.seminar.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("New edition of “%(title)s”") % {"title": source.title},
            "opts": self.opts,
            "seminar": source,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, TEMPLATE, context)
