"""The pages around one announcement in the admin: preview as a chosen recipient, a test to
oneself, send now (asking first, with the count), schedule, resend the failed ones, and the live
count beside the audience. Each calls one service of registrations/announcements.py.

The preview shows the email's HTML in a sandboxed frame loaded from its own address, with a
policy that allows no script, no request and no form: the organiser's text is escaped anyway,
but a preview is where a mistake would show first.
"""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrations.announcement_audience import (
    announcement_audience,
    audience_count,
    audience_describe,
)
from registrations.announcement_emails import announcement_email
from registrations.announcements import (
    announcement_failed_resend,
    announcement_progress,
    announcement_queue,
    announcement_recipients,
    announcement_schedule,
    announcement_test_send,
    announcement_unschedule,
)
from registrations.errors import RegistrationError
from registrations.models import Announcement, Registration
from seminar.models import Seminar

from .announcement_forms import AudienceCountForm, ScheduleForm
from .announcement_words import recipient_label

# How many recipients the preview offers to choose from; the first ones, by name.
PREVIEW_CHOICES = 200
# The preview frame's own policy: inline styles (as mail clients read them), nothing else.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'; sandbox"
)
CONFIRM_TEMPLATE = "admin/registrations/announcement/confirm.html"


def recipients_words(count: int) -> str:
    return ngettext(
        "%(count)d person would get it now.", "%(count)d people would get it now.", count
    ) % {"count": count}


def _announcement(modeladmin: ModelAdmin, request: HttpRequest, announcement_id: int):
    """The announcement, for someone who may see it as a registrant does: a preview names
    the people it goes to, which viewers of the figures alone do not see."""
    announcement = get_object_or_404(
        Announcement.objects.select_related("seminar"), pk=announcement_id
    )
    if not modeladmin.can_preview(request, announcement):
        raise PermissionDenied
    return announcement


def _sender(modeladmin: ModelAdmin, request: HttpRequest, announcement_id: int):
    announcement = _announcement(modeladmin, request, announcement_id)
    if not modeladmin.can_send(request, announcement):
        raise PermissionDenied
    return announcement


def _change_url(announcement: Announcement) -> str:
    return reverse("admin:registrations_announcement_change", args=[announcement.pk])


def _context(modeladmin, request, announcement: Announcement, title: str) -> dict:
    return {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "announcement": announcement,
        "seminar": announcement.seminar,
        "change_url": _change_url(announcement),
    }


def _chosen(
    announcement: Announcement, request: HttpRequest, recipients=None
) -> Registration | None:
    """The registrant asked for (any registrant of the seminar), else the first recipient."""
    wanted = request.GET.get("registration") or request.POST.get("registration", "")
    if wanted.isdigit():
        chosen = (
            Registration.objects.filter(seminar=announcement.seminar, pk=wanted)
            .select_related("seminar")
            .first()
        )
        if chosen is not None:
            return chosen
    if recipients is None:
        try:
            recipients = announcement_recipients(announcement=announcement).order_by(
                "name_en", "name_zh", "pk"
            )[:1]
        except RegistrationError:
            return None
    return recipients[0] if recipients else None


def preview_view(modeladmin, request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _announcement(modeladmin, request, announcement_id)
    context = _context(
        modeladmin, request, announcement, _("Preview: %(subject)s") % {"subject": announcement}
    )
    try:
        recipients = list(
            announcement_recipients(announcement=announcement)
            .select_related("seminar")
            .order_by("name_en", "name_zh", "pk")[:PREVIEW_CHOICES]
        )
    except RegistrationError as refusal:
        messages.error(request, refusal.message)
        return redirect(_change_url(announcement))
    chosen = _chosen(announcement, request, recipients)
    if chosen is not None and chosen not in recipients:
        recipients.insert(0, chosen)
    context.update(
        recipients=[(person.pk, recipient_label(person)) for person in recipients],
        chosen=chosen,
        can_send=modeladmin.can_send(request, announcement),
        queued=announcement.state == Announcement.State.QUEUED,
        your_address=request.user.email,
    )
    if chosen is not None:
        context["email"] = announcement_email(
            announcement=announcement, registration=chosen, preview=True
        )
        context["frame_url"] = (
            reverse("admin:registrations_announcement_preview_html", args=[announcement.pk])
            + "?"
            + urlencode({"registration": chosen.pk})
        )
    return TemplateResponse(request, "admin/registrations/announcement/preview.html", context)


def preview_html_view(modeladmin, request: HttpRequest, announcement_id: int) -> HttpResponse:
    """The email's HTML alone, for the preview's sandboxed frame."""
    announcement = _announcement(modeladmin, request, announcement_id)
    chosen = _chosen(announcement, request)
    if chosen is None:
        raise Http404
    email = announcement_email(announcement=announcement, registration=chosen, preview=True)
    response = HttpResponse(email.html)
    # Set here, so the site's own policy and frame refusal do not replace them.
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


def test_view(modeladmin, request: HttpRequest, announcement_id: int) -> HttpResponse:
    """Send the announcement, as the chosen registrant gets it, to the organiser (POST only)."""
    announcement = _sender(modeladmin, request, announcement_id)
    preview_url = reverse("admin:registrations_announcement_preview", args=[announcement.pk])
    if request.method != "POST":
        return redirect(preview_url)
    chosen = _chosen(announcement, request)
    if chosen is None:
        raise Http404
    try:
        announcement_test_send(
            announcement=announcement, registration=chosen, address=request.user.email
        )
    except RegistrationError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _(
                "A test is on its way to %(address)s, as %(name)s would get it (with stand-ins "
                "for their private links). It is not counted as sent to them."
            )
            % {"address": request.user.email, "name": chosen.display_name},
        )
    return redirect(f"{preview_url}?{urlencode({'registration': chosen.pk})}")


def send_view(modeladmin, request: HttpRequest, announcement_id: int) -> HttpResponse:
    """Ask first, with the count; only the confirming POST sends."""
    announcement = _sender(modeladmin, request, announcement_id)
    if announcement.state == Announcement.State.QUEUED:
        messages.info(request, _("This announcement has already been sent."))
        return redirect(_change_url(announcement))
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            count = announcement_queue(announcement=announcement, actor=request.user)
        except RegistrationError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The announcement is queued for sending to %(count)d person.",
                    "The announcement is queued for sending to %(count)d people. Emails leave "
                    "at the rate the mail server allows; the list shows how far it has got.",
                    count,
                )
                % {"count": count},
            )
        return redirect(_change_url(announcement))
    try:
        audience = announcement_audience(announcement)
        count = announcement_recipients(announcement=announcement).count()
    except RegistrationError as refusal:
        messages.error(request, refusal.message)
        return redirect(_change_url(announcement))
    context = _context(
        modeladmin, request, announcement, _("Send “%(subject)s” now?") % {"subject": announcement}
    )
    context.update(
        page=_("Send now"),
        count=count,
        lines=[
            ngettext(
                "It goes to %(count)d person now, in their language.",
                "It goes to %(count)d people now, each in their language.",
                count,
            )
            % {"count": count},
            _("Audience: %(audience)s.")
            % {"audience": audience_describe(seminar=announcement.seminar, audience=audience)},
            _("Once sent, it cannot be changed or sent again."),
        ],
        submit=ngettext(
            "Yes, send it to %(count)d person", "Yes, send it to %(count)d people", count
        )
        % {"count": count},
        nothing=_("Nobody is in this audience now: there is nothing to send.") if not count else "",
    )
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)


def schedule_view(modeladmin, request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _sender(modeladmin, request, announcement_id)
    if announcement.state == Announcement.State.QUEUED:
        messages.info(request, _("This announcement has already been sent."))
        return redirect(_change_url(announcement))
    form = ScheduleForm(
        request.POST if request.method == "POST" else None, announcement=announcement
    )
    if request.method == "POST" and "unschedule" in request.POST:
        try:
            announcement_unschedule(announcement=announcement)
        except RegistrationError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("No longer scheduled: it is a draft again."))
        return redirect(_change_url(announcement))
    if request.method == "POST" and form.is_valid():
        try:
            announcement_schedule(announcement=announcement, send_at=form.cleaned_data["send_at"])
        except RegistrationError as refusal:
            form.add_error("send_at" if refusal.field == "send_at" else None, str(refusal.message))
        else:
            messages.success(
                request,
                _("Scheduled: it goes at %(when)s (Hong Kong time).")
                % {"when": form.cleaned_data["send_at"].strftime("%Y-%m-%d %H:%M")},
            )
            return redirect(_change_url(announcement))
    context = _context(
        modeladmin, request, announcement, _("Schedule “%(subject)s”") % {"subject": announcement}
    )
    context.update(page=_("Schedule"), form=form)
    return TemplateResponse(request, "admin/registrations/announcement/schedule.html", context)


def resend_view(modeladmin, request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _sender(modeladmin, request, announcement_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        resent = announcement_failed_resend(announcement=announcement)
        messages.success(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", resent)
            % {"count": resent},
        )
        return redirect(_change_url(announcement))
    failed = announcement_progress(announcement=announcement).failed
    context = _context(
        modeladmin,
        request,
        announcement,
        _("Send the failed emails of “%(subject)s” again?") % {"subject": announcement},
    )
    context.update(
        page=_("Send failed emails again"),
        count=failed,
        lines=[
            ngettext(
                "%(count)d email failed after every retry: it is sent again.",
                "%(count)d emails failed after every retry: they are sent again.",
                failed,
            )
            % {"count": failed}
        ],
        submit=_("Yes, send them again"),
        nothing=_("No email of this announcement has failed.") if not failed else "",
    )
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)


def audience_count_view(modeladmin, request: HttpRequest) -> JsonResponse:
    """How many the audience ticked on the page reaches now, in words (the page's script)."""
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    seminar_id = request.GET.get("seminar", "")
    seminar = Seminar.objects.filter(pk=seminar_id).first() if seminar_id.isdigit() else None
    if seminar is None:
        return JsonResponse({"text": _("Choose the seminar to see how many people it reaches.")})
    form = AudienceCountForm(request.GET)
    form.audience_setup(seminar, None)
    if not form.is_valid():
        return JsonResponse({"text": _("Choose the audience again.")})
    audience = form.audience_clean(form.cleaned_data.get("purpose") or "seminar")
    if audience is None:
        return JsonResponse({"text": " ".join(form.non_field_errors())})
    count = audience_count(seminar=seminar, audience=audience)
    return JsonResponse({"count": count, "text": recipients_words(count)})
