"""Seminar series: a name in three languages grouping the editions of a recurring seminar. Each
edition joins a series on its own page (the `series` field); the series page lists them."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from seminar.models import Series
from seminar.templatetags.seminar_tags import hkt_range


@admin.register(Series)
class SeriesAdmin(TabbedTranslationAdmin):
    list_display = ("name", "edition_count")
    search_fields = ("name_en", "name_zh_hant", "name_zh_hans")
    fields = ("name", "editions_list")
    readonly_fields = ("editions_list",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(edition_count=Count("editions"))

    @admin.display(description=_("editions"), ordering="edition_count")
    def edition_count(self, series: Series) -> int:
        return series.edition_count

    @admin.display(description=_("editions"))
    def editions_list(self, series: Series) -> str:
        """Each edition with its dates and status, newest first, linking to its page."""
        if not series.pk:
            return _("Save first, then choose this series on each edition's page.")
        editions = series.editions.order_by("-starts_at")
        if not editions:
            return _("No edition yet: choose this series on each edition's page.")
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {} · {}</li>',
            (
                (
                    reverse("admin:seminar_seminar_change", args=[seminar.pk]),
                    seminar.title,
                    hkt_range(seminar.starts_at, seminar.ends_at),
                    seminar.get_status_display(),
                )
                for seminar in editions
            ),
        )
        return format_html('<ul class="editions">{}</ul>', items)
