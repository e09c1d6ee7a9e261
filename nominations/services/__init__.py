"""Every write to nominations and nominees, one module a theme:

- `base`: the errors, the inputs, who is acting, and the eligibility rules;
- `intake`: a nomination coming in (form, API), its receipt and the nominator's private link;
- `bulk`: many at once (a spreadsheet import), checked, matched and written all or nothing;
- `lifecycle`: the moves between states, and withdrawal;
- `safeguarding`: the safeguarding check, consent per purpose, the access log of identity reads;
- `merge`: two records of the same young person made one.

Each service runs in one transaction, checks who is acting and what must already hold, and
appends a history row. Errors are ServiceError subclasses (mail.errors) whose message a person can
act on; the API and the pages show it as it is. Everything is re-exported here, so callers import
from `nominations.services`."""

from mail.errors import NotAllowed, ServiceError, TransitionNotAllowed

from .base import (
    DuplicateNomination,
    NominationError,
    NominatorInput,
    NotEligible,
    PersonInput,
    ReasonsInput,
    age_on,
    eligibility_problems,
)
from .bulk import NominationDraft, nominations_create_many
from .intake import nomination_create, nomination_create_from_data, nomination_link_create
from .lifecycle import nomination_transition, nomination_withdraw
from .merge import nominee_merge
from .safeguarding import (
    consent_record,
    consent_withdraw,
    identity_access_record,
    nominee_record_own_choices,
    nominee_record_safeguarding,
    own_choice_overrides,
    own_choices_overridden,
)

__all__ = [
    "DuplicateNomination",
    "NominationDraft",
    "NominationError",
    "NominatorInput",
    "NotAllowed",
    "NotEligible",
    "PersonInput",
    "ReasonsInput",
    "ServiceError",
    "TransitionNotAllowed",
    "age_on",
    "consent_record",
    "consent_withdraw",
    "eligibility_problems",
    "identity_access_record",
    "nomination_create",
    "nomination_create_from_data",
    "nomination_link_create",
    "nomination_transition",
    "nomination_withdraw",
    "nominations_create_many",
    "nominee_merge",
    "nominee_record_own_choices",
    "nominee_record_safeguarding",
    "own_choice_overrides",
    "own_choices_overridden",
]
