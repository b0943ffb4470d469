"""Where a webhook may be sent: http(s) only, and (unless settings allow it) never to a private,
loopback or link-local address, so that whoever may add an endpoint cannot make the worker call
the machines inside the network (server-side request forgery). Checked when the endpoint is saved
and again before every attempt, since a name can be pointed elsewhere later."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import RegistrationError

SCHEME_REFUSED = _("Enter an address starting with https:// or http://.")
CREDENTIALS_REFUSED = _(
    "Leave the user name and password out of the address: the request is signed with the "
    "signing secret instead."
)
HOST_UNKNOWN = _("The host name %(host)s could not be found.")
ADDRESS_PRIVATE = _(
    "%(host)s is a private, loopback or link-local address inside the network; webhooks are "
    "only sent to public addresses."
)


class WebhookAddressRefused(RegistrationError):
    code = "webhook_url_refused"
    field = "url"


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") aside
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_without_credentials(url: str) -> str:
    """The address to show: any "user:password@" left out."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def webhook_url_check(*, url: str) -> None:
    """Raise WebhookAddressRefused unless the URL is http(s) and, when private addresses are not
    allowed, every address its host resolves to is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookAddressRefused(SCHEME_REFUSED)
    # "https://user:pass@host" (or a stray "@") is read differently by urlsplit and by urllib's
    # connection: the address checked could then not be the one called.
    if "@" in parts.netloc:
        raise WebhookAddressRefused(CREDENTIALS_REFUSED)
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return
    host = parts.hostname
    try:
        found = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        raise WebhookAddressRefused(HOST_UNKNOWN % {"host": host}) from None
    if not all(_public(info[4][0]) for info in found):
        raise WebhookAddressRefused(ADDRESS_PRIVATE % {"host": host})
