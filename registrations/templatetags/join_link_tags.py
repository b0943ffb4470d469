"""{{ seminar|join_opens_at }}: when personal join links start to open the meeting, for the
registrant's page and emails (registrations/join_links.py)."""

from datetime import datetime

from django import template

from seminar.models import Seminar

from ..join_links import join_link_opens_at

register = template.Library()


@register.filter
def join_opens_at(seminar: Seminar) -> datetime:
    return join_link_opens_at(seminar=seminar)
