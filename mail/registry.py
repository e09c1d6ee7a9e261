"""Which app builds each kind of e-mail, and what it does once one is sent.

The outbox (mail) is the leftmost app: it knows no nomination, panel or invitation. Each app that
sends e-mail has an `emails` module that registers, for each of its kinds, a function building the
message from the outbox row when it is sent (`@registered(EmailKind.INVITATION)`), and optionally
one to run in the same transaction that marks it sent. Those modules are imported when Django
starts (MailConfig.ready, like the admin's autodiscovery), so the registry is full before any
message is sent. A builder returns None when there is nothing left to say (the delivery is then
marked "not needed")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from .models import EmailDelivery

Build = Callable[["EmailDelivery"], EmailMessage | None]
AfterSent = Callable[["EmailDelivery", datetime], None]


@dataclass(frozen=True)
class Kind:
    build: Build
    after_sent: AfterSent | None = None


_kinds: dict[str, Kind] = {}


def registered(kind: str, *, after_sent: AfterSent | None = None) -> Callable[[Build], Build]:
    """Register the decorated function as the builder of `kind`'s messages."""

    def decorate(build: Build) -> Build:
        known = _kinds.get(kind)
        if known is not None and known.build.__qualname__ != build.__qualname__:
            raise ImproperlyConfigured(f"Two builders for e-mails of kind {kind!r}.")
        _kinds[kind] = Kind(build=build, after_sent=after_sent)
        return build

    return decorate


def kind_of(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise ImproperlyConfigured(f"No app builds e-mails of kind {name!r}: its emails module registers none.") from None


def registered_kinds() -> set[str]:
    return set(_kinds)
