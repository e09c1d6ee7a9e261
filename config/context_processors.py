"""Who runs the awards and how to reach them, for every page's footer and the site pages: from
settings the council fills in (no database)."""

from datetime import date

from django.conf import settings


def site(request) -> dict:
    return {
        "org": {
            "council": settings.PROUD_COUNCIL_NAME,
            "team": settings.PROUD_TEAM_NAME,
            "email": settings.PROUD_CONTACT_EMAIL,
            "phone": settings.PROUD_CONTACT_PHONE,
            "address": settings.PROUD_CONTACT_ADDRESS,
            "dpo_email": settings.PROUD_DPO_EMAIL,
            "retention_months": settings.PROUD_RETENTION_MONTHS,
            "accessibility_reviewed": date.fromisoformat(settings.PROUD_ACCESSIBILITY_REVIEWED),
            "url": settings.SITE_URL,
        }
    }
