"""The API token admin's own pages: the one that shows a new token's secret once, and the
question asked before revoking (one token from its page, or several from the list's action)."""

from django.contrib import admin
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ApiToken

# Secrets of tokens just made, by token id, from the save until the page that shows them.
SESSION_KEY = "api_token_secrets"
# The confirmation form's own field. The list's action menu always sends `index` too and this
# form never does, so a crafted `post=yes` added to the menu's POST still gets the question.
CONFIRM_FIELD = "post"


def own_token(*, modeladmin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> ApiToken:
    """The token, if it is one the person may manage; 404 otherwise (someone else's too)."""
    if not object_id.isdigit():
        raise Http404
    return get_object_or_404(modeladmin.get_queryset(request), pk=object_id)


def secret_keep(*, request: HttpRequest, token: ApiToken, secret: str) -> None:
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), str(token.pk): secret}


def _secret_take(*, request: HttpRequest, token: ApiToken) -> str | None:
    kept = request.session.get(SESSION_KEY, {})
    secret = kept.pop(str(token.pk), None)
    if secret is not None:
        request.session[SESSION_KEY] = kept
    return secret


def created_page(*, modeladmin: admin.ModelAdmin, request: HttpRequest, object_id: str):
    """The new token's secret, taken out of the session as it is shown: a reload (or the back
    button) finds nothing and says so. Never stored by the browser or a proxy either."""
    token = own_token(modeladmin=modeladmin, request=request, object_id=object_id)
    secret = _secret_take(request=request, token=token)
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": _("Your new API token") if secret else _("This token was shown once"),
        "token": token,
        "secret": secret,
    }
    response = TemplateResponse(request, "admin/api/apitoken/created.html", context)
    add_never_cache_headers(response)
    return response


def confirmed(request: HttpRequest) -> bool:
    """True only for the confirmation page's own POST."""
    return (
        request.method == "POST"
        and request.POST.get(CONFIRM_FIELD) == "yes"
        and "index" not in request.POST
    )


def revoke_question(
    *,
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    tokens: list[ApiToken],
    action_url: str,
    back_url: str,
    hidden: dict[str, str | list[str]] | None = None,
) -> TemplateResponse:
    """Which tokens stop working, with a form that sends the same request back confirmed
    (`hidden` carries the list's selection and action)."""
    if not tokens:
        title = _("Nothing to revoke")
    elif len(tokens) == 1:
        title = _("Revoke the API token “%(name)s”?") % {"name": tokens[0].name}
    else:
        title = ngettext(
            "Revoke %(count)d API token?", "Revoke %(count)d API tokens?", len(tokens)
        ) % {"count": len(tokens)}
    fields = [
        (name, value)
        for name, values in (hidden or {}).items()
        for value in (values if isinstance(values, list) else [values])
    ]
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "tokens": tokens,
        "action_url": action_url,
        "back_url": back_url,
        "hidden": fields,
        "confirm_field": CONFIRM_FIELD,
        "show_user": request.user.is_superuser,
    }
    return TemplateResponse(request, "admin/api/apitoken/revoke_confirmation.html", context)
