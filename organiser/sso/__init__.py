"""Staff single sign-on with OpenID Connect (docs/single-sign-on.md), inert unless configured.

provider.py: the provider's endpoints, discovered lazily. roles.py: claims to our three roles.
services.py: matching or creating the account and syncing its roles at each sign-in.
backends.py: the mozilla-django-oidc backend that calls it. views.py, urls.py: /sso/start/ and
/sso/callback/ (404 when not configured). forms.py: the admin login form that refuses passwords
when they are switched off. break_glass.py: the superuser's one-time link from the server.
"""
