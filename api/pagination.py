"""Pages of results.

Seminars: numbered pages (`?page=2&page_size=50`), with the total count; there are few.

Registrations: a keyset cursor over (updated_at, id), the order a sync walks them. The cursor
names the last row given, not an offset, so rows that share one updated_at are neither skipped
nor repeated, and a row changed during the walk moves to the end (and is given again there,
which is what a sync wants). The last page still returns a cursor: store it and ask with it
later to get only what changed since.
"""

import base64
import binascii
import json
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from registrations.registration_reads import registrations_after

CURSOR_INVALID = _("This cursor is not one this API gave out. Start again without it.")
PAGE_SIZE_INVALID = _("Ask for between 1 and %(max)d rows a page.")
PAGE_INVALID = _("Ask for a page number: 1 or more.")


def page_size_get(request, *, name: str, default: int, largest: int) -> int:
    """The page size asked for, or a 400 naming the parameter (not a silent default)."""
    value = request.query_params.get(name)
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= largest:
        raise ValidationError({name: [PAGE_SIZE_INVALID % {"max": largest}]}, code="invalid")
    return int(value)


class SeminarPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        return page_size_get(
            request,
            name=self.page_size_query_param,
            default=self.page_size,
            largest=self.max_page_size,
        )

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page is not None and page != "last" and not (page.isdigit() and int(page) >= 1):
            raise ValidationError({self.page_query_param: [PAGE_INVALID]}, code="invalid")
        return super().paginate_queryset(queryset, request, view)


def cursor_encode(*, updated_at: datetime, pk: int) -> str:
    raw = json.dumps([updated_at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        when, pk = json.loads(raw)
        updated_at = parse_datetime(when)
        if updated_at is None or updated_at.tzinfo is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": [CURSOR_INVALID]}, code="invalid") from None
    return updated_at, pk


class SyncCursorPagination(BasePagination):
    page_size = 100
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self._page_size(request)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            updated_at, pk = cursor_decode(cursor)
            queryset = registrations_after(queryset, updated_at=updated_at, pk=pk)
        rows = list(queryset[: size + 1])
        self.has_more = len(rows) > size
        rows = rows[:size]
        last = rows[-1] if rows else None
        self.cursor = (
            cursor_encode(updated_at=last.updated_at, pk=last.pk) if last else (cursor or None)
        )
        return rows

    def _page_size(self, request) -> int:
        return page_size_get(
            request,
            name=self.page_size_query_param,
            default=self.page_size,
            largest=self.max_page_size,
        )

    def _url(self) -> str | None:
        url = self.request.build_absolute_uri()
        if self.cursor is None:
            return remove_query_param(url, self.cursor_query_param)
        return replace_query_param(url, self.cursor_query_param, self.cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._url() if self.has_more else None,
                "cursor": self.cursor,
                "resume": self._url(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "cursor", "resume", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page; null when this page reached the end.",
                },
                "cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "The position after this page's last row. Keep it and send "
                    "it as `cursor` later to get only the rows changed since.",
                },
                "resume": {
                    "type": "string",
                    "format": "uri",
                    "description": "This query from `cursor` on: what to ask next time.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "The `cursor` of a previous page: continue after its last row.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows a page, 1 to {self.max_page_size} (default "
                f"{self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
