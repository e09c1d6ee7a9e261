"""The personal data shortlisting holds, declared for data protection (see mail.personal_data for
how to read it). A panel member's identity is theirs: it never reaches a young person's export,
and their comments are released with every name the system knows taken out."""

PERSONAL_DATA = {
    "Panel": {
        "label": "Panels",
        "programme": "programme",
        "fields": {},
        "texts": {},
        "context": {"name": "Panel"},
        "internal": ("programme", "categories", "strategy", "reviewers_per_nomination", "deadline", "created_at"),
    },
    "PanelCategory": {
        "label": "Panels' awards",
        "programme": "panel__programme",
        "fields": {},
        "texts": {},
        "context": {},
        "internal": ("panel", "category"),
    },
    "PanelMember": {
        "label": "Panel members",
        "programme": "panel__programme",
        "fields": {
            "user": ("panel_member", "account", "Member", "keep"),
            "is_young_person": ("panel_member", "detail", "A young member", "keep"),
            "is_care_experienced": ("panel_member", "detail", "Care-experienced", "keep"),
            "carer_name": ("panel_member", "name", "Their carer"),
            "area": ("panel_member", "place", "Their area"),
            "allocated_worker": ("panel_member", "account", "Their allocated worker"),
        },
        "texts": {},
        "context": {"panel": "Panel", "role": "Role", "created_at": "Joined"},
        "internal": (),
    },
    "Conflict": {
        "label": "Conflicts of interest",
        "about": ("nominee",),
        "programme": "nominee__programme",
        "fields": {
            "member": ("panel_member", "link", "Panel member"),
            "nominee": ("nominee", "link", "Young person"),
        },
        "texts": {"reason": ("private", "The member's reason")},
        # How it was found, in words that point at nobody (a young member sharing a carer or an area
        # with the young person is another child of the same home or street).
        "context": {"source": "How it was found", "created_at": "Recorded"},
        "released_values": {
            "source": {
                "declared": "Declared (by the panel member, or recorded by an organiser)",
                "*": "Found from the records",
            },
        },
        "internal": (),
    },
    "Assignment": {
        "label": "Panel reviews assigned",
        "about": ("nomination__nominee", "nomination__group__members"),
        "programme": "panel__programme",
        "fields": {"member": ("panel_member", "link", "Panel member")},
        "texts": {},
        "context": {"panel": "Panel", "nomination": "Nomination", "created_at": "Assigned"},
        "internal": (),
    },
    "Review": {
        "label": "Panel reviews",
        "about": ("assignment__nomination__nominee", "assignment__nomination__group__members"),
        "programme": "assignment__panel__programme",
        "fields": {"assignment": ("panel_member", "link", "Assignment")},
        "texts": {"comment": ("about", "Comment (who wrote it is not given)")},
        "context": {"status": "State", "submitted_at": "Submitted", "updated_at": "Last changed"},
        "internal": (),
    },
    "Score": {
        "label": "Panel scores",
        "about": ("review__assignment__nomination__nominee", "review__assignment__nomination__group__members"),
        "programme": "criterion__category__programme",
        "fields": {"review": ("panel_member", "link", "Review")},
        "texts": {},
        "context": {"criterion": "Criterion", "value": "Score"},
        "internal": (),
    },
    "Shortlist": {
        "label": "Shortlists",
        "programme": "category__programme",
        "fields": {
            "proposed_by": ("panel_member", "account", "Proposed by", "keep"),
            "confirmed_by": ("staff", "account", "Confirmed by", "keep"),
        },
        "texts": {},
        "context": {"category": "Award", "state": "State", "proposed_at": "Proposed", "confirmed_at": "Confirmed"},
        "internal": ("panel", "finalists"),
    },
    "ShortlistHistory": {
        "label": "Shortlist history",
        "programme": "shortlist__category__programme",
        "fields": {"actor": ("staff", "account", "Who", "keep"), "actor_label": ("staff", "name", "Who", "keep")},
        "texts": {"reason": ("mentions", "Reason"), "detail": ("mentions", "Detail")},
        "context": {"shortlist": "Shortlist", "action": "What", "at": "When"},
        "internal": (),
    },
}
