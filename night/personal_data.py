"""The personal data night holds, declared for data protection (see mail.personal_data for how to
read it): the letter to a nominee with the words an organiser approved, the private links to a
young person's certificate and letter, and what was printed for the night (which guest's card)."""

PERSONAL_DATA = {
    "Letter": {
        "label": "Letters to nominees",
        "about": ("nomination__nominee", "nomination__group__members"),
        "programme": "nomination__programme",
        "fields": {
            "nomination": ("nominee", "link", "Nomination"),
            "nominator_named": ("nominator", "detail", "Nominator named in the letter"),
            "quote_approved_at": ("nominee", "detail", "Words approved on", None),
            "quote_approved_by": ("staff", "account", "Words approved by", None),
        },
        "texts": {"quote": ("about", "Words quoted in the letter")},
        "context": {"updated_at": "Last changed"},
        "internal": (),
    },
    "RecognitionLink": {
        "label": "Private links to certificates and letters",
        "about": ("nomination__nominee", "nomination__group__members"),
        "programme": "nomination__programme",
        "fields": {"token_hash": ("nominee", "secret", "Private link (kept only as a hash)")},
        "texts": {},
        "context": {"created_at": "Made"},
        "internal": ("nomination",),
        # An erased person's links are deleted: nothing can open them again.
        "erase_rows": {},
    },
    "PrintRun": {
        "label": "Print runs",
        "programme": "event__programme",
        "fields": {"printed_by": ("staff", "account", "Printed by", "keep")},
        "texts": {},
        "context": {"event": "Event", "kind": "What", "printed_at": "Printed", "cards": "Cards"},
        "internal": ("only_changes",),
    },
    "PrintedCard": {
        "label": "Cards printed",
        "programme": "run__event__programme",
        "fields": {"guest": ("guest", "link", "Guest")},
        "texts": {},
        "context": {"run": "Print run", "table": "Table"},
        "internal": ("fingerprint",),
    },
}
