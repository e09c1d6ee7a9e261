"""The personal data data_protection itself holds (see mail.personal_data for how to read it): a
subject access request keeps who asked and a copy of what was gathered, both of which go when the
young person is erased; the request and its history stay as the record that it was answered."""

PERSONAL_DATA = {
    "SubjectAccessRequest": {
        "label": "Subject access requests",
        "about": ("nominee",),
        "programme": "programme",
        "fields": {
            "nominee": ("nominee", "link", "Young person"),
            "requester_name": ("requester", "name", "Who asked"),
            "data": ("nominee", "detail", "What was gathered", {}),
            "created_by": ("staff", "account", "Recorded by", "keep"),
            "created_by_label": ("staff", "name", "Recorded by", "keep"),
            "reviewed_by": ("staff", "account", "Reviewed by", "keep"),
            "reviewed_by_label": ("staff", "name", "Reviewed by", "keep"),
        },
        "texts": {"notes": ("about", "Notes"), "withheld_reason": ("mentions", "Why parts were withheld")},
        "context": {
            "requester_relationship": "Who asked",
            "status": "State",
            "gathered_at": "Gathered",
            "created_at": "Asked",
            "reviewed_at": "Reviewed",
        },
        "internal": ("programme", "withheld_parts", "withheld_lines", "data_erased_at"),
    },
    "SubjectAccessRequestHistory": {
        "label": "Subject access request history",
        "about": ("request__nominee",),
        "programme": "request__programme",
        "fields": {"actor": ("staff", "account", "Who", "keep"), "actor_label": ("staff", "name", "Who", "keep")},
        "texts": {"detail": ("mentions", "Detail")},
        "context": {"request": "Request", "action": "What", "at": "When"},
        "internal": (),
    },
    "ErasureRecord": {
        "label": "Erasure register",
        "programme": "",
        "fields": {},
        "texts": {},
        "context": {"erased_at": "Erased"},
        # A record's id and a keyed one-way hash: no personal data, kept after erasure and retention.
        "internal": ("nominee_id", "fingerprint"),
    },
}
