"""Which dispatcher a link talks to: the URLs of a standby pair or of one hall's adverts, and their pins. No Qt.

`DispatcherLink` asks this before every request and connect, and tells it what GET /health and
discovery said; the answers here decide the URL in use and the certificate pin it must show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .pinning import normalize_pin

log = logging.getLogger("fairq.qtclient")


def split_urls(url: str | None) -> list[str]:
    """``"URL,URL"`` (a standby pair) -> the URLs, without trailing slashes."""
    return [u.strip().rstrip("/") for u in (url or "").split(",") if u.strip()]


def standby_close(reason: str) -> bool:
    """Whether a stream was closed because its dispatcher is (now) a standby: try the other one.

    (Close code 1013 is not that: it says "too slow; reconnect with since", to the same dispatcher.)
    """
    return "standby" in reason


@dataclass(frozen=True)
class Advert:
    """What one zeroconf advert changed: ``taken`` if it is a candidate of our hall."""

    taken: bool = False
    new_pin: bool = False  # another pin for its URL: connections made under the old one must go
    new_url: bool = False  # a URL not among the candidates before
    moved: bool = False  # the URL in use changed


@dataclass(frozen=True)
class Choice:
    """The end of a GET /health round: go on with `url`, or give up because every URL was refused."""

    url: str | None
    refusal: str = ""


class Endpoints:
    """The candidate URLs, the one in use, and the certificate pin each must show.

    An ``https`` URL is trusted only with a pin: the configured one, else its advert's ``fp``; with a
    configured pin nothing goes over plain ``http`` and an advert's ``fp`` never replaces the pin.
    """

    def __init__(self, url: str | None, tls_pin: str | None = None) -> None:
        self.urls = split_urls(url)
        self.current: str | None = self.urls[0] if self.urls else None
        self.pin = normalize_pin(tls_pin)  # configured: wins over any advert's
        self.advert_pins: dict[str, str] = {}  # URL -> the TXT `fp` of its zeroconf advert
        self.adverts: dict[str, Any] = {}  # URL -> discovery.Found, of the hall in use
        self.hall_id: str | None = None  # the hall whose adverts are followed (the first one found)

    def pin_for(self, url: str | None) -> str | None:
        """The fingerprint ``url``'s certificate must have; None for plain http."""
        if not url or not url.startswith("https:"):
            return None  # plain HTTP has no certificate to pin
        return self.pin or self.advert_pins.get(url)

    def plain_refusal(self, url: str | None) -> str | None:
        """A pinned device sends nothing, not even GET /health, where there is no certificate to check."""
        if self.pin is None or not url or url.startswith("https:"):
            return None
        return f"{url} is plain http, and this device is pinned to its dispatcher's certificate: use https://"

    def set_only(self, url: str) -> bool:
        """Use just this URL from now on; True if it is another one."""
        url = url.rstrip("/")
        if url == self.current:
            return False
        self.current, self.urls = url, [url]
        return True

    def use(self, url: str) -> bool:
        """Switch to one of the candidates; True if the URL in use changed."""
        if url == self.current or url not in self.urls:
            return False
        log.info("the active dispatcher is %s", url)
        self.current = url
        return True

    def next_url(self) -> bool:
        """Move on to the next candidate of a pair; True if the URL in use changed."""
        if len(self.urls) < 2 or self.current not in self.urls:
            return False
        self.current = self.urls[(self.urls.index(self.current) + 1) % len(self.urls)]
        log.info("trying the next dispatcher: %s", self.current)
        return True

    def search(self) -> ActiveSearch:
        """Start a round of GET /health to every candidate."""
        return ActiveSearch(self, set(self.urls))

    # ---- discovery ------------------------------------------------------------------------

    def discovered(self, found: Any) -> Advert:
        """An advert (a `discovery.Found`): one of the hall's dispatchers, with its pin if it serves TLS."""
        if self.plain_refusal(found.url) is not None:
            log.warning("ignoring the plain-http advert %s: this device is pinned to its dispatcher", found.url)
            return Advert()
        if self.hall_id is None:
            self.hall_id = found.hall_id
        elif found.hall_id != self.hall_id:
            log.info("ignoring the dispatcher of another hall (%s) at %s", found.hall_id, found.url)
            return Advert()
        try:
            pin = normalize_pin(getattr(found, "fingerprint", None))
        except ValueError:
            log.warning("advert of %s has a malformed fp; ignored", found.url)
            pin = None
        if pin is not None and self.pin is not None and pin != self.pin:
            log.warning("advert %s offers another fp; only the configured pin is trusted", found.url)
        new_pin = pin is not None and pin != self.advert_pins.get(found.url)
        if pin is not None and new_pin:
            self.advert_pins[found.url] = pin
        known = found.url in self.urls
        self.adverts[found.url] = found
        return Advert(taken=True, new_pin=new_pin, new_url=not known, moved=self._follow_adverts())

    def lost(self, url: str) -> bool:
        """An advert went away (unless it was the only one); True if the URL in use changed."""
        self.adverts.pop(url, None)
        return self._follow_adverts()

    def _follow_adverts(self) -> bool:
        urls = list(self.adverts)
        if not urls:
            return False
        self.urls = urls
        if self.current in urls:
            return False
        self.current = urls[0]
        return True


@dataclass
class ActiveSearch:
    """One round of GET /health: the first URL saying ``"role": "active"`` wins, else the current one.

    A URL whose certificate is refused (or plain http on a pinned device) is never the one kept.
    """

    endpoints: Endpoints
    waiting: set[str]
    refused: dict[str, str] = field(default_factory=dict)

    def answered(self, url: str, *, ok: bool, code: str, message: str, data: Any) -> Choice | None:
        """One URL's answer; a `Choice` once the round is decided (only once), else None."""
        if not self.waiting:
            return None
        self.waiting.discard(url)
        role = data.get("role", "active") if isinstance(data, dict) else "active"
        if code == "tls":
            self.refused[url] = message
            log.warning("skipping %s: %s", url, message)
        elif ok and role == "active":
            self.waiting.clear()
            self.endpoints.use(url)
            return Choice(self.endpoints.current)
        if self.waiting:
            return None
        current = self.endpoints.current
        if current in self.refused:  # nobody is active: at least never stay on a refused one
            others = [u for u in self.endpoints.urls if u not in self.refused]
            if not others:
                return Choice(None, self.refused[current])
            self.endpoints.use(others[0])
        return Choice(self.endpoints.current)
