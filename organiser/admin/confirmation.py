"""One way for a bulk action to ask before it changes anything or emails anyone.

The changelist's action menu POSTs the selection; an action wrapped in `asks_first` answers that
POST with a page saying what it will do (from its preview, see action_previews.py) and a form
that sends the same selection back with `confirm=yes`. Only that second POST runs the action.
Django runs admin actions on POST only, so a GET never reaches them.
"""

import functools
from collections.abc import Callable

from django.contrib.admin import ModelAdmin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .action_previews import ActionPreview

CONFIRM_FIELD = "confirm"
TEMPLATE = "admin/registrations/action_confirmation.html"

Action = Callable[[ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]


def action_confirmed(request: HttpRequest) -> bool:
    """True only for the confirmation page's own POST.

    The action menu's POST always carries `index` (which of the changelist's action forms was
    used); the confirmation form never does, so a crafted `confirm=yes` added to the menu's
    POST still only gets the question.
    """
    return request.POST.get(CONFIRM_FIELD) == "yes" and "index" not in request.POST


def asks_first(preview: Callable[[QuerySet], ActionPreview]) -> Callable[[Action], Action]:
    """Wrap an admin action so that it shows `preview(queryset)` and runs only once confirmed.

    Put it under `@admin.action(...)`, which must stay outermost to label the wrapped action.
    """

    def decorate(action: Action) -> Action:
        @functools.wraps(action)
        def ask_then_run(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet):
            if action_confirmed(request):
                return action(modeladmin, request, queryset)
            return confirmation_page(
                modeladmin=modeladmin, request=request, preview=preview(queryset)
            )

        return ask_then_run

    return decorate


def confirmation_page(
    *, modeladmin: ModelAdmin, request: HttpRequest, preview: ActionPreview
) -> TemplateResponse:
    """The question, carrying the selection (and "select all", with the list's filters in the
    URL the form posts back to) so the confirmation acts on exactly what the organiser saw."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": preview.title,
        "preview": preview,
        "opts": modeladmin.model._meta,
        "action": request.POST.get("action", ""),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across") == "1",
        "confirm_field": CONFIRM_FIELD,
        # The changelist with the filters it was showing: where "Back" and the form go.
        "changelist_url": request.get_full_path(),
        # A question asked from one registration's page goes back there instead (see
        # RegistrationAdmin.review_view).
        "back_url": getattr(request, "action_back_url", None) or request.get_full_path(),
    }
    return TemplateResponse(request, TEMPLATE, context)
