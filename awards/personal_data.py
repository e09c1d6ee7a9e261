"""The personal data awards holds, declared for data protection (see mail.personal_data for how to
read it): the programme, its categories and rubric hold none; who holds which role is staff's."""

PERSONAL_DATA = {
    "Programme": {
        "label": "Awards",
        "programme": "pk",
        "fields": {},
        "texts": {},
        "context": {"name": "Awards"},
        "internal": (
            "slug", "year", "reference_prefix", "status", "nominations_open_at", "nominations_close_at",
            "age_reference_date", "event_date", "blind_review", "created_at",
        ),
    },
    "Category": {
        "label": "Awards categories",
        "programme": "programme",
        "fields": {},
        "texts": {},
        "context": {"name": "Award"},
        "internal": (
            "programme", "slug", "description", "nominee_kind", "cohort", "min_age", "max_age", "max_finalists",
            "display_order", "is_active",
        ),
    },
    "Criterion": {
        "label": "Scoring criteria",
        "programme": "category__programme",
        "fields": {},
        "texts": {},
        "context": {"name": "Criterion"},
        "internal": ("category", "guidance", "weight", "max_score", "display_order"),
    },
    "ProgrammeRole": {
        "label": "Roles",
        "programme": "programme",
        "fields": {"user": ("staff", "account", "Who", "keep")},
        "texts": {},
        "context": {"role": "Role"},
        "internal": ("programme",),
    },
}
