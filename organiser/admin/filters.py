"""List filters for the organisers' lists."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class TextValuesListFilter(admin.AllValuesFieldListFilter):
    """Each value a free-text field takes (a campaign, a referral code), where Django's own filter
    lists the blank value as a link with no text: unreadable, and a link a screen reader cannot
    name. Here it is "(none)"."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            query = changelist.get_query_string({self.lookup_kwarg: ""}, [self.lookup_kwarg_isnull])
            if choice["query_string"] == query:
                count = str(choice["display"]).strip()
                choice = {**choice, "display": f"{_('(none)')} {count}".strip()}
            yield choice


class JoinLinkOpenedFilter(admin.SimpleListFilter):
    """Who opened their personal join link (registrations/join_links.py): one more attendance
    signal next to the imported minutes."""

    title = _("opened the join link")
    parameter_name = "join_opened"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(join_first_opened_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(join_first_opened_at__isnull=True)
        return queryset
