"""The private links of invitations: a 256-bit random token sent by e-mail, of which only the
SHA-256 is kept (DESIGN.md: private links). A new link is made each time an invitation's e-mail is
built (events.emails), so a token is never stored; when a link opens the page is events.rules.

And the door code of an accepted invitation: what the party's QR code holds. It opens nothing by
itself: only the event's door staff, signed in, find the party by it (night.views)."""

from __future__ import annotations

import hashlib
import io
import re
import secrets

import segno

from nominations.selectors import hash_token

from .models import CelebrationLink, Invitation, InvitationLink

# A door code: what a party's QR code holds (never the RSVP token). Letters and digits a person can
# read out and type when a camera fails, without 0/O and 1/I; 10 of them, about 50 bits.
DOOR_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DOOR_CODE_PREFIX = "PROUD-"
DOOR_CODE = re.compile(r"^(?:PROUD-)?([A-HJ-NP-Z2-9]{10})$")


def door_code_new() -> str:
    """A new door code for an accepted invitation (unique: 32^10 codes, checked by the database)."""
    return "".join(secrets.choice(DOOR_CODE_ALPHABET) for _ in range(10))


def door_code_read(text: str) -> str | None:
    """The door code in what a scanner read or a person typed ("PROUD-K7QM4TXPAB", spaces, dashes
    and case aside), or None when it is not one."""
    compact = re.sub(r"[\s-]", "", (text or "").upper()).replace("PROUD", "PROUD-", 1) if text else ""
    match = DOOR_CODE.match(compact)
    return match.group(1) if match else None


def door_code_hash(code: str) -> str:
    """What the door page keeps of a party's code: its SHA-256, which the page's script compares
    with the SHA-256 of what the camera read (Web Crypto), so the list itself holds no codes."""
    return hashlib.sha256(code.encode()).hexdigest()


def door_code_text(code: str) -> str:
    """How a door code is printed for people: in two halves ("K7QM4 TXPAB")."""
    return f"{code[:5]} {code[5:]}"


def link_create(invitation: Invitation) -> str:
    """A new private link for an e-mail; only the hash of its token is kept."""
    token = secrets.token_urlsafe(32)
    InvitationLink.objects.create(invitation=invitation, token_hash=hash_token(token))
    return token


def door_code_payload(code: str) -> str:
    """What the party's QR code holds: the door code with its prefix, nothing else."""
    return DOOR_CODE_PREFIX + code


def door_qr_svg(code: str) -> str:
    """The party's QR code as inline SVG for the RSVP page (no image fetched from anywhere)."""
    svg = segno.make_qr(door_code_payload(code), error="m").svg_inline(
        scale=5, border=3, title="QR code for the door", svgclass="door-qr", lineclass=None
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for the door" ', 1)


def door_qr_png(code: str) -> bytes:
    """The party's QR code as a PNG, attached to the confirmation e-mail."""
    out = io.BytesIO()
    segno.make_qr(door_code_payload(code), error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def celebration_link_create(invitation: Invitation) -> str:
    """A new private link to the young person's "How you'd like to be celebrated" page."""
    token = secrets.token_urlsafe(32)
    CelebrationLink.objects.create(invitation=invitation, token_hash=hash_token(token))
    return token
