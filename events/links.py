"""The private links of invitations: a 256-bit random token sent by e-mail, of which only the
SHA-256 is kept (DESIGN.md: private links). A new link is made each time an invitation's e-mail is
built (events.emails), so a token is never stored; when a link opens the page is events.rules."""

from __future__ import annotations

import secrets

from nominations.selectors import hash_token

from .models import CelebrationLink, Invitation, InvitationLink


def link_create(invitation: Invitation) -> str:
    """A new private link for an e-mail; only the hash of its token is kept."""
    token = secrets.token_urlsafe(32)
    InvitationLink.objects.create(invitation=invitation, token_hash=hash_token(token))
    return token


def celebration_link_create(invitation: Invitation) -> str:
    """A new private link to the young person's "How you'd like to be celebrated" page."""
    token = secrets.token_urlsafe(32)
    CelebrationLink.objects.create(invitation=invitation, token_hash=hash_token(token))
    return token
