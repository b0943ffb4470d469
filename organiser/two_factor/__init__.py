"""Staff two-factor authentication (docs/staff-sign-in.md), built on django-otp.

services.py: setting up an authenticator app, recovery codes, checking a code, removing and
resetting. middleware.py: staff pages stay shut until the session has given its second factor.
views.py, forms.py, urls.py: the pages after the password (check a code, set up, recovery codes,
the staff member's own overview).
"""
