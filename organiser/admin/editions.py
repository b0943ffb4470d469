"""“New edition from this seminar”: an action on the seminar list and a button on a seminar's
page lead to one page asking for the new start and web address; the copy itself is
registrations/editions.py. SeminarAdmin takes EditionAdminMixin for the page's URL."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registrations.edition_review import ReviewItem
from registrations.editions import seminar_edition_copy
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


def edition_initial(seminar: Seminar) -> dict:
    """A year later, at the same time of day; the web address with its year replaced, or the
    new year added."""
    start = timezone.localtime(seminar.starts_at, timezone.get_default_timezone())
    try:
        starts_at = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        starts_at = start.replace(year=start.year + 1, day=28)
    old, new = str(start.year), str(starts_at.year)
    slug = seminar.slug.replace(old, new) if old in seminar.slug else f"{seminar.slug}-{new}"
    return {"starts_at": starts_at, "slug": slug}


def edition_url(seminar_id: int) -> str:
    return reverse("admin:seminar_seminar_edition", kwargs={"seminar_id": seminar_id})


def review_message(items: list[ReviewItem], seminar: Seminar) -> str:
    """The review list as a message on the new edition's page, each item linking to its field."""
    lines = format_html_join(
        "",
        "<li>{}</li>",
        (
            (
                format_html('<a href="#{}">{}</a>', item.anchor, item.text)
                if item.anchor
                else item.text,
            )
            for item in items
        ),
    )
    intro = gettext("“%(title)s” is a new draft edition. Please review:") % {"title": seminar.title}
    return format_html("{}<ul>{}</ul>", intro, lines)


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

    def edition_view(self, request: HttpRequest, seminar_id: int) -> HttpResponse:
        source = get_object_or_404(Seminar, pk=seminar_id)
        if not (self.has_add_permission(request) and self.has_view_permission(request, source)):
            raise PermissionDenied
        bound = request.method == "POST"
        form = EditionForm(request.POST if bound else None, initial=edition_initial(source))
        if bound and form.is_valid():
            try:
                copied = seminar_edition_copy(
                    source=source,
                    starts_at=form.cleaned_data["starts_at"],
                    slug=form.cleaned_data["slug"],
                    actor=request.user,
                )
            except RegistrationError as refusal:
                form.add_error(refusal.field, str(refusal.message))
            else:
                self.message_user(
                    request, review_message(copied.review, copied.seminar), messages.SUCCESS
                )
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
