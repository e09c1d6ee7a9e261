"""Logging that keeps private links out of logs.

A private link's token is a bearer credential (the RSVP link, the nominator's link, the link to a
young person's certificate and letter). Django logs the path of a 404 ("Not Found: /rsvp/<token>/")
and the development server every request line; this filter replaces the token in any record before
a handler writes it."""

import logging
import re

PRIVATE_LINK = re.compile(r"/(rsvp|n|recognition)/(?!\s|\")[^/\s\"?#]+")


def redact(text: str) -> str:
    return PRIVATE_LINK.sub(lambda m: f"/{m.group(1)}/[redacted]", text)


class RedactPrivateLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
