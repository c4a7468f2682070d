"""Which URLs a webhook endpoint may have: https, on a host whose every address is public.

Checked when an endpoint is saved (the form's errors) and again before each send, since DNS
can change between the two: the send then connects to the very address that was checked
(programme.webhooks.channel), so a host cannot answer the check with a public address and the
connection with a private one. `WEBHOOKS_ALLOW_LOCAL` (tests, `make run`) allows http:// and
loopback or private addresses.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from rehabpath.errors import DomainError

MAX_LENGTH = 500

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class CheckedURL:
    url: str
    scheme: str
    host: str
    port: int
    path: str  # with the query, as sent in the request line
    addresses: tuple[str, ...]  # every address the host resolved to, each allowed


class HostNotFound(DomainError):
    """The host did not resolve: a typo at save time, maybe a passing DNS failure at send."""


def _refusal(address: IPAddress) -> str | None:
    """Why this address is refused, or None when it is a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved:
        return "a reserved address"
    if address.is_private or not address.is_global:
        return "a private address"
    return None


def resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostNotFound(
            f"The host “{host}” could not be found: check its spelling.", field="url"
        ) from exc
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str, *, allow_local: bool | None = None) -> CheckedURL:
    """The URL split and its host resolved, or a DomainError (on the field "url") saying why
    it is refused."""
    if allow_local is None:
        allow_local = settings.WEBHOOKS_ALLOW_LOCAL
    url = url.strip()
    if not url:
        raise DomainError("Enter the endpoint's URL, starting with https://.", field="url")
    if len(url) > MAX_LENGTH:
        raise DomainError(f"Keep the URL to {MAX_LENGTH} characters or fewer.", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError(
            "This is not a URL: it should read https://host/path.", field="url"
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise DomainError("Enter a full URL starting with https://.", field="url")
    if scheme == "http" and not allow_local:
        raise DomainError(
            "Use https://: deliveries carry trainers' details and must be encrypted.",
            field="url",
        )
    if parts.username is not None or parts.password is not None:
        raise DomainError(
            "Leave the user name and password out of the URL: every delivery is signed "
            "with the endpoint's secret instead.",
            field="url",
        )
    if parts.fragment:
        raise DomainError("Leave out the “#…” part: it is never sent.", field="url")
    host = parts.hostname
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port)
    if not allow_local:
        for address in addresses:
            reason = _refusal(ipaddress.ip_address(address.split("%", 1)[0]))
            if reason is not None:
                where = host if host == address else f"“{host}” resolves to {address}, which"
                raise DomainError(
                    f"{where} is {reason}: webhooks go only to addresses on the public internet.",
                    field="url",
                )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return CheckedURL(url=url, scheme=scheme, host=host, port=port, path=path, addresses=addresses)
