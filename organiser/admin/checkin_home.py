"""Check-in staff who sign in at the admin go straight to the check-in page: the admin has
nothing for them (their group holds only registrations.check_in), and "You don't have permission
to view or edit anything" left them stranded. Everyone else gets the admin index as before.

Their own API tokens (the "api" app, open to all staff) do not count as something to land on:
a check-in app's token is made at /admin/api/apitoken/, linked from docs/api.md."""

from django.contrib import admin
from django.shortcuts import redirect

_admin_index = admin.site.index


def index(request, extra_context=None):
    apps = [app for app in admin.site.get_app_list(request) if app["app_label"] != "api"]
    if request.user.has_perm("registrations.check_in") and not apps:
        return redirect("checkin:pick")
    return _admin_index(request, extra_context)


# The admin builds its URLs from the site's `index` attribute when they are first asked for,
# after the apps' admin modules (this one included) are imported.
admin.site.index = index
