"""Signing a person in from their provider's claims: which account, and which roles it has."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.utils import timezone

from .errors import NoRole, SignInRefused
from .models import StaffIdentity
from .roles import role_mapping, roles_from_claims


def staff_sign_in(*, issuer: str, claims: dict) -> AbstractUser:
    """The account for the person these (verified) claims describe, with its roles brought in
    line with the claims; raises NoRole or SignInRefused to keep them out.

    The rules (docs/single-sign-on.md):
    - An account is matched by (issuer, sub) only. With OIDC_LINK_BY_EMAIL a first sign-in may
      take over an existing account with the same, verified, email, never a superuser's.
    - Otherwise a first sign-in with a mapped role creates an account with no password; one
      without any mapped role is refused and makes no account.
    - At every sign-in the three role groups are set from the claims and the staff flag follows:
      a person taken out of their department's group loses the role now, and with no role left
      the account stops being staff and is refused. Other groups are left alone.
    Not atomic as a whole on purpose: a refusal for lack of roles must keep the roles removed.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SignInRefused()
    roles = roles_from_claims(
        claims=claims, claim_name=settings.OIDC_ROLES_CLAIM, mapping=role_mapping()
    )
    with transaction.atomic():
        identity = (
            StaffIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is None:
            if not roles:
                raise NoRole()
            user = _account_linked_by_email(claims) or _account_create(issuer, subject, claims)
            identity = StaffIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        user = identity.user
        _account_refresh(user, claims, roles)
        identity.last_sign_in_at = timezone.now()
        identity.save(update_fields=["last_sign_in_at"])
    if not roles:
        raise NoRole()
    if not user.is_active:
        raise SignInRefused()
    return user


def _account_linked_by_email(claims: dict) -> AbstractUser | None:
    email = claims.get("email")
    verified = claims.get("email_verified") in (True, "true")
    if not (settings.OIDC_LINK_BY_EMAIL and verified and isinstance(email, str) and email):
        return None
    candidates = list(
        get_user_model().objects.filter(
            email__iexact=email, is_superuser=False, staff_identity__isnull=True
        )[:2]
    )
    # Two accounts with one email: guessing could hand over the wrong one, so link neither.
    return candidates[0] if len(candidates) == 1 else None


def _account_create(issuer: str, subject: str, claims: dict) -> AbstractUser:
    User = get_user_model()
    wanted = str(claims.get("preferred_username") or claims.get("email") or f"sso-{subject}")
    username = wanted[:150]
    if User.objects.filter(username=username).exists():
        # A local account already has the name: the newcomer's gets a suffix, never its login.
        digest = hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:10]
        username = f"{wanted[:139]}-{digest}"
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    return user


def _account_refresh(user: AbstractUser, claims: dict, roles: set[str]) -> None:
    """Name, email, staff flag and role groups as the provider says now."""
    for field, claim, limit in (
        ("first_name", "given_name", 150),
        ("last_name", "family_name", 150),
        ("email", "email", 254),
    ):
        if isinstance(claims.get(claim), str):
            setattr(user, field, claims[claim][:limit])
    user.is_staff = bool(roles)
    user.save(update_fields=["first_name", "last_name", "email", "is_staff"])
    managed = Group.objects.filter(name__in=role_mapping())
    user.groups.remove(*[group for group in managed if group.name not in roles])
    user.groups.add(*[group for group in managed if group.name in roles])
