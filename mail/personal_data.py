"""The personal data the outbox holds, declared for data protection (read by
data_protection.declarations; plain data, so this app imports nothing for it).

How to read a declaration (the same in every app's `personal_data` module):

- `label`: what a subject access export calls these rows.
- `about`: lookups from a row to the young people (nominations.Nominee) it is about; `about_object`
  names a generic reference instead (content type, object id): the row is about what it points at.
- `programme`: the lookup from a row to its programme (retention, and the people known there).
- `fields`: personal data, `field: (whose, kind, label)` or with a fourth item, the value it gets
  when erased ("keep" keeps it: counts and results). Whose: nominee, nominator, carer, guest,
  invitee, panel_member, staff, requester. Kind: name, email, phone, organisation, place,
  birth_date, detail, account, secret, link.
- `texts`: free text that may mention people, `field: (treatment, label)`: "about" (about whom the
  row is about: goes whole when that is one person who is erased), "mentions" (the audit trail:
  names are taken out, the rest stays), "private" (never released; goes like "about").
- `context`: not personal, shown beside the row in an export, `field: label`.
- `internal`: not personal and not shown (ids, counters, positions, keys).
- `whose_row`: the row is that person's when its name field of that whose holds their full name
  (an invitation to a performer, a guest), however it was made.
- `erase_rows`: a filter of the person's own rows that erasure deletes instead of changing.
- `released_values`: how a code is given in a subject access export, in words.

Every field of every model is in exactly one of fields, texts, context or internal: a test fails
on a field nobody declared.
"""

PERSONAL_DATA = {
    "EmailDelivery": {
        "label": "E-mails sent",
        "about_object": ("content_type", "object_id"),
        "programme": "programme_id",
        "fields": {},
        "texts": {"last_error": ("mentions", "Why it could not be sent")},
        "context": {
            "kind": "What it was",
            "status": "State",
            "attempts": "Tries",
            "sent_at": "Sent",
            "created_at": "Written",
        },
        # claimed_by is the worker's host:pid while it sends (issue 19's lease): no one's data.
        "internal": (
            "content_type", "object_id", "programme_id", "key", "next_attempt_at", "updated_at", "claimed_by", "claim_expires_at",
        ),
        # An e-mail not yet sent about an erased person is never sent: it is deleted.
        "erase_rows": {"status": "pending"},
    },
}
