import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from awards.enums import Cohort, NomineeKind, ProgrammeStatus
from nominations.enums import NominationStatus, PersonKind, PublicityLevel, Relationship
from nominations.models import Nomination, NominationHistory, Nominee
from nominations.private_links import FORM_TOKEN_KEY
from nominations.selectors import hash_token
from nominations.services import NominatorInput, PersonInput, ReasonsInput, nomination_create, nomination_link_create
from tests.factories import CategoryFactory, NominationFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

LEGAL_LAST_NAME = "Featherstonehaugh"


def form_data(chosen, **overrides) -> dict:
    data = {
        "category": chosen.slug,
        "legal_first_name": "Alfie",
        "legal_last_name": LEGAL_LAST_NAME,
        "preferred_name": "",
        "date_of_birth": "2012-04-01",
        "cohort": Cohort.CHILD_IN_CARE,
        "area": "Northshire",
        "nominator_name": "Pat Carer",
        "nominator_email": "pat@example.org",
        "nominator_phone": "",
        "nominator_organisation": "",
        "nominator_relationship": Relationship.FOSTER_CARER,
        "nominator_known_recently": "yes",
        "achievement": "Joined the youth council.",
        "why_it_matters": "Found their voice.",
        "anything_else": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_url(programme) -> str:
    return f"/nominate/{programme.slug}/"


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    """The error shown next to a field, as a person reads it."""
    match = re.search(rf'<p class="govuk-error-message" id="{field_id}_error">(.*?)</p>', text(response), re.S)
    assert match, f"no error shown next to {field_id}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error: ", "").strip()


def summary_links(response) -> list[tuple[str, str]]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text(response), re.S)
    assert match, "no error summary"
    assert "There is a problem" in match.group(0)
    return [(href, unescape(label)) for href, label in re.findall(r'<a href="(#[^"]+)">(.*?)</a>', match.group(0))]


def make_nomination(category, *, publicity=PublicityLevel.ANONYMOUS, **nominator_overrides) -> tuple[Nomination, str]:
    values = dict(name="Pat Carer", email="pat@example.org", relationship=Relationship.FOSTER_CARER, known_recently=True)
    values.update(nominator_overrides)
    nomination = nomination_create(
        programme=category.programme,
        category=category,
        person=PersonInput(
            legal_first_name="Alfie",
            legal_last_name=LEGAL_LAST_NAME,
            date_of_birth=dt.date(2012, 4, 1),
            cohort=Cohort.CHILD_IN_CARE,
        ),
        nominator=NominatorInput(**values),
        reasons=ReasonsInput(achievement="Joined the youth council.", why_it_matters="Found their voice."),
    )
    Nominee.objects.filter(pk=nomination.nominee_id).update(publicity_level=publicity)
    return nomination, nomination_link_create(nomination)


# --- home -------------------------------------------------------------------------


def test_home_lists_open_programme_with_categories_and_nominate_link(client, category):
    CategoryFactory(programme=category.programme, name="Retired award", is_active=False)
    draft = ProgrammeFactory(name="Draft Awards", status=ProgrammeStatus.DRAFT)

    response = client.get("/")

    body = text(response)
    assert response.status_code == 200
    assert category.programme.name in body
    assert f'href="/nominate/{category.programme.slug}/"' in body
    assert "Positive Choices" in body
    assert category.eligibility_text in body
    assert "Retired award" not in body
    assert draft.name not in body
    assert "Sign in" in body
    assert "My nominations" not in body


def test_home_signed_in_links_my_nominations_and_signs_out_by_post(client, programme):
    client.force_login(UserFactory())

    body = text(client.get("/"))

    assert 'href="/my-nominations/"' in body
    assert re.search(r'<form class="proud-nav-form" method="post" action="/accounts/logout/">', body)


def test_base_page_has_landmarks_skip_link_and_local_stylesheet(client, programme):
    body = text(client.get("/"))

    assert '<html lang="en-GB" class="govuk-template govuk-template--rebranded">' in body
    assert '<a href="#main" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>' in body
    assert '<main id="main"' in body
    # GOV.UK Frontend built from the npm package into static/build/, then our own layout: all local.
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', body) == ["/static/build/proud.css", "/static/css/proud.css"]
    # GOV.UK Frontend's script and one small one of our own, deferred, that only enhance; and the
    # one-line marker that GOV.UK Frontend's scripts will run, first thing in <body>. All local.
    assert re.findall(r"<script[^>]*>", body) == [
        '<script src="/static/build/govuk-frontend.js" defer>',
        '<script src="/static/js/forms.js" defer>',
        '<script src="/static/js/supported.js">',
    ]


# --- the form ---------------------------------------------------------------------


def test_form_lists_categories_with_description_and_eligibility_text(client, programme):
    leavers = CategoryFactory(
        programme=programme,
        name="Moving On",
        slug="moving-on",
        description="For a care leaver who has built a life of their own.",
        cohort=Cohort.CARE_LEAVER,
        min_age=16,
        max_age=25,
    )
    CategoryFactory(programme=programme, name="Retired award", is_active=False)

    response = client.get(form_url(programme))

    body = text(response)
    assert response.status_code == 200
    assert leavers.eligibility_text == "Care leavers aged 16 to 25."
    assert "Care leavers aged 16 to 25." in body
    assert "For a care leaver who has built a life of their own." in body
    assert re.search(
        r'<input class="govuk-radios__input" type="radio" name="category" value="moving-on" data-nominee-kind="individual" id="id_category_0" aria-describedby="id_category_0_hint">\s*'
        r'<label class="govuk-label govuk-radios__label" for="id_category_0">Moving On</label>',
        body,
    )
    assert "Retired award" not in body
    # GOV.UK's character count says the limit and counts down as they type.
    assert 'data-module="govuk-character-count" data-maxlength="3000"' in body
    assert "You can enter up to 3,000 characters" in body
    assert 'maxlength="3000"' in body


def test_form_every_input_has_a_label(client, category):
    body = text(client.get(form_url(category.programme)))

    ids = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', body)
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', body))
    assert len(ids) > 40
    assert [i for i in ids if i not in labelled] == []


def test_valid_post_creates_submitted_nomination_and_redirects_to_done_page(client, category):
    response = client.post(form_url(category.programme), form_data(category))

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/nominate/{category.programme.slug}/done/"
    assert nomination.status == NominationStatus.SUBMITTED
    assert nomination.category == category
    assert nomination.source == "form"
    assert (nomination.nominee.legal_first_name, nomination.nominee.legal_last_name) == ("Alfie", LEGAL_LAST_NAME)
    assert nomination.nominee.date_of_birth == dt.date(2012, 4, 1)
    assert nomination.nominator_email == "pat@example.org"
    assert nomination.nominator_known_recently is True

    done = client.get(response["Location"])

    assert done.status_code == 200
    assert f'<strong class="reference">{nomination.reference}</strong>' in text(done)
    assert "We have sent you an e-mail with your reference and a private link" in text(done)


def test_done_page_without_a_nomination_in_the_session_goes_to_the_form(client, category):
    response = client.get(f"/nominate/{category.programme.slug}/done/")

    assert response.status_code == 302
    assert response["Location"] == form_url(category.programme)


def test_signed_in_nominator_is_recorded(client, category):
    user = UserFactory()
    client.force_login(user)

    client.post(form_url(category.programme), form_data(category))

    assert Nomination.objects.get().nominator_user == user


def test_email_sent_after_nominating_contains_the_private_link(
    client, category, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(category.programme), form_data(category))

    nomination = Nomination.objects.get()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["pat@example.org"]
    assert nomination.reference in message.subject
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/n/[^/\s]+/)", message.body)
    assert link
    assert LEGAL_LAST_NAME not in message.body

    opened = client.get(link.group(1))

    assert opened.status_code == 302
    assert opened["Location"] == "/my-nomination/"


def test_missing_fields_show_errors_next_to_fields_and_in_summary(client, category):
    response = client.post(
        form_url(category.programme),
        form_data(category, legal_first_name="", date_of_birth="", cohort=None, nominator_name="", achievement=""),
    )

    body = text(response)
    assert response.status_code == 400
    assert Nomination.objects.count() == 0
    assert "<title>Error: " in body
    assert summary_links(response) == [
        ("#id_legal_first_name", "Enter the young person's first name."),
        ("#id_date_of_birth_0", "Enter the young person's date of birth."),
        ("#id_cohort_0", "Say whether the young person is in care or a care leaver."),
        ("#id_nominator_name", "Enter your name."),
        ("#id_achievement", "Tell us what they have achieved."),
    ]
    assert field_error(response, "id_nominator_name") == "Enter your name."
    assert field_error(response, "id_date_of_birth") == "Enter the young person's date of birth."
    assert re.search(r'<input[^>]* aria-invalid="true" aria-describedby="id_nominator_name_error" id="id_nominator_name">', body)
    # What was typed is kept.
    assert 'value="Featherstonehaugh"' in body


def test_no_category_chosen_is_an_error_at_the_first_award(client, category):
    response = client.post(form_url(category.programme), form_data(category, category=None))

    assert response.status_code == 400
    assert ("#id_category_0", "Choose an award.") in summary_links(response)
    assert field_error(response, "id_category") == "Choose an award."
    assert Nomination.objects.count() == 0


def test_too_young_for_category_names_the_rule_at_date_of_birth(client, programme):
    older = CategoryFactory(programme=programme, name="Moving On", slug="moving-on", min_age=16)

    response = client.post(form_url(programme), form_data(older))

    assert response.status_code == 400
    assert field_error(response, "id_date_of_birth") == (
        "Moving On is for young people aged 16 or over on 31 August 2026; this young person will be 14."
    )
    assert Nomination.objects.count() == 0


def test_cohort_mismatch_is_shown_at_the_cohort_question(client, programme):
    leavers = CategoryFactory(programme=programme, name="Moving On", slug="moving-on", cohort=Cohort.CARE_LEAVER)

    response = client.post(form_url(programme), form_data(leavers, cohort=Cohort.CHILD_IN_CARE))

    assert response.status_code == 400
    assert field_error(response, "id_cohort") == (
        "Moving On is for care leavers only; this young person is recorded as a child in care."
    )
    assert ("#id_cohort_0", field_error(response, "id_cohort")) in summary_links(response)
    assert Nomination.objects.count() == 0


def test_the_12_month_rule_is_a_question_answered_with_the_rest_of_the_form(client, category):
    unanswered = client.post(form_url(category.programme), form_data(category, nominator_known_recently=None))
    # "No" is refused at once, in the same submit as any other problem (here a missing first name).
    no = client.post(form_url(category.programme), form_data(category, nominator_known_recently="no", legal_first_name=""))

    assert unanswered.status_code == 400
    assert field_error(unanswered, "id_nominator_known_recently") == (
        "Say whether you have worked with them, or known them, in the last 12 months."
    )
    assert no.status_code == 400
    assert field_error(no, "id_nominator_known_recently").startswith(
        "You can nominate someone only if you have worked with them, or known them, in the last 12 months."
    )
    assert field_error(no, "id_legal_first_name")
    assert Nomination.objects.count() == 0


def test_an_impossible_date_of_birth_is_called_impossible_not_missing(client, category):
    data = form_data(category)
    del data["date_of_birth"]
    data.update({"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2011"})
    response = client.post(form_url(category.programme), data)

    assert response.status_code == 400
    assert field_error(response, "id_date_of_birth") == "There is no 31/2/2011: check the day and the month."
    body = response.content.decode()
    assert 'href="#id_date_of_birth_0"' in body  # the summary leads to the day box
    assert 'value="31"' in body and 'value="2011"' in body  # what was typed is kept
    assert Nomination.objects.count() == 0


def test_closed_programme_shows_a_friendly_page_without_the_form(client):
    closed = ProgrammeFactory(
        nominations_open_at=timezone.now() - dt.timedelta(days=60),
        nominations_close_at=timezone.now() - dt.timedelta(days=1),
    )
    category = CategoryFactory(programme=closed)

    response = client.get(form_url(closed))
    posted = client.post(form_url(closed), form_data(category))

    assert response.status_code == 200
    assert "<h1>Nominations are closed</h1>" in text(response)
    assert 'name="category"' not in text(response)
    assert "<h1>Nominations are closed</h1>" in text(posted)
    assert Nomination.objects.count() == 0


def test_programme_not_yet_open_says_when_it_opens(client):
    later = ProgrammeFactory(
        nominations_open_at=timezone.make_aware(dt.datetime(2099, 3, 1, 9)),
        nominations_close_at=timezone.make_aware(dt.datetime(2099, 5, 1, 9)),
    )

    response = client.get(form_url(later))

    assert response.status_code == 200
    assert f"Nominations for the {later.name} open on 1 March 2099." in text(response)
    assert 'name="category"' not in text(response)


@pytest.mark.parametrize("status", [None, ProgrammeStatus.DRAFT])
def test_unknown_or_unpublished_programme_is_404(client, status):
    slug = ProgrammeFactory(status=status).slug if status else "no-such-programme"

    response = client.get(f"/nominate/{slug}/")

    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_duplicate_nomination_shows_the_first_reference(client, category):
    first, _ = make_nomination(category)

    response = client.post(form_url(category.programme), form_data(category, nominator_email="PAT@example.org"))

    assert response.status_code == 400
    assert field_error(response, "id_legal_first_name") == (
        f"You have already nominated this young person for Positive Choices: see nomination {first.reference}. "
        "You can add to it by contacting the awards team."
    )
    assert Nomination.objects.count() == 1


def test_over_long_reasons_are_refused_with_the_limit(client, category):
    response = client.post(form_url(category.programme), form_data(category, achievement="a" * 3001))

    assert response.status_code == 400
    assert field_error(response, "id_achievement") == "Use 3000 characters or fewer; this has 3001."
    assert Nomination.objects.count() == 0


def test_control_character_is_refused_with_a_message(client, category):
    response = client.post(form_url(category.programme), form_data(category, legal_first_name="Al\x07fie"))

    assert response.status_code == 400
    assert field_error(response, "id_legal_first_name") == (
        "This text contains a control character (U+0007) that cannot be stored; please remove it."
    )
    assert Nomination.objects.count() == 0


def test_emoji_rtl_and_combining_marks_are_stored_exactly(client, category):
    first = "Zoe\u0308"  # e + combining diaeresis, not normalised to ë
    last = "\u0646\u0648\u0631"  # Arabic, right to left
    preferred = "Sam 🌈"
    achievement = "Led the \u05e9\u05dc\u05d5\u05dd project 💪\r\nand ran the café."

    response = client.post(
        form_url(category.programme),
        form_data(category, legal_first_name=first, legal_last_name=last, preferred_name=preferred, achievement=achievement),
    )

    assert response.status_code == 302
    nomination = Nomination.objects.select_related("nominee").get()
    assert nomination.nominee.legal_first_name == first
    assert nomination.nominee.legal_last_name == last
    assert nomination.nominee.preferred_name == preferred
    # Only the browser's CRLF line break becomes one character.
    assert nomination.achievement == "Led the \u05e9\u05dc\u05d5\u05dd project 💪\nand ran the café."


def test_group_category_creates_a_group_with_its_members(client, programme):
    group_award = CategoryFactory(programme=programme, name="Team Spirit", slug="team-spirit", nominee_kind=NomineeKind.GROUP)
    data = form_data(
        group_award,
        legal_first_name="",
        legal_last_name="",
        date_of_birth="",
        cohort=None,
        group_name="Children in Care Council",
        member_1_first_name="Ava",
        member_1_last_name="Stone",
        member_1_date_of_birth="2011-02-03",
        member_1_cohort=Cohort.CHILD_IN_CARE,
        member_2_first_name="Leo",
        member_2_last_name="Price",
        member_2_date_of_birth="03/09/2006",
        member_2_cohort=Cohort.CARE_LEAVER,
    )

    response = client.post(form_url(programme), data)

    assert response.status_code == 302
    nomination = Nomination.objects.select_related("group").get()
    assert nomination.nominee is None
    assert nomination.group.name == "Children in Care Council"
    assert sorted(nomination.group.members.values_list("legal_first_name", "legal_last_name", "date_of_birth", "cohort")) == [
        ("Ava", "Stone", dt.date(2011, 2, 3), Cohort.CHILD_IN_CARE),
        ("Leo", "Price", dt.date(2006, 9, 3), Cohort.CARE_LEAVER),
    ]


def test_group_member_out_of_age_range_is_shown_at_that_member(client, programme):
    group_award = CategoryFactory(
        programme=programme, name="Team Spirit", slug="team-spirit", nominee_kind=NomineeKind.GROUP, max_age=18
    )
    data = form_data(
        group_award,
        group_name="Youth Forum",
        member_1_first_name="Ava",
        member_1_last_name="Stone",
        member_1_date_of_birth="2011-02-03",
        member_1_cohort=Cohort.CHILD_IN_CARE,
        member_2_first_name="Leo",
        member_2_last_name="",
        member_2_date_of_birth="2001-09-03",
        member_2_cohort=Cohort.CARE_LEAVER,
        member_3_first_name="Mia",
        member_3_last_name="Hart",
        member_3_date_of_birth="2001-09-03",
        member_3_cohort=Cohort.CARE_LEAVER,
    )

    response = client.post(form_url(programme), data)

    assert response.status_code == 400
    assert field_error(response, "id_member_2_last_name") == "Enter the last name of young person 2."
    assert field_error(response, "id_member_3_date_of_birth") == (
        "Young person 3: Team Spirit is for young people aged up to 18 on 31 August 2026; this young person will be 24."
    )
    assert "id_member_1_date_of_birth_error" not in text(response)
    assert Nomination.objects.count() == 0


def test_group_without_members_asks_for_one(client, programme):
    group_award = CategoryFactory(programme=programme, slug="team-spirit", nominee_kind=NomineeKind.GROUP)

    response = client.post(form_url(programme), form_data(group_award, group_name=""))

    assert response.status_code == 400
    assert summary_links(response) == [
        ("#id_group_name", "Give the group a name."),
        ("#id_member_1_first_name", "Name at least one young person in the group."),
    ]


def test_adult_category_needs_no_date_of_birth_and_keeps_none(client, programme):
    adult_award = CategoryFactory(programme=programme, slug="proud-plus", nominee_kind=NomineeKind.ADULT)
    data = form_data(adult_award, date_of_birth="1980-01-01", cohort=None, nominator_relationship=Relationship.PEER)

    response = client.post(form_url(programme), data)

    assert response.status_code == 302
    nominee = Nomination.objects.get().nominee
    assert (nominee.kind, nominee.date_of_birth, nominee.cohort) == (PersonKind.ADULT, None, "")


def test_nominations_are_rate_limited_per_address(client, category, settings):
    settings.PROUD_NOMINATION_RATE = "2/h"
    url = form_url(category.programme)
    client.post(url, form_data(category, nominator_email="one@example.org"))
    client.post(url, form_data(category, nominator_email="two@example.org"))

    limited = client.post(url, form_data(category, nominator_email="three@example.org"))

    assert limited.status_code == 429
    assert "<h1>Too many attempts</h1>" in text(limited)
    assert sorted(Nomination.objects.values_list("nominator_email", flat=True)) == ["one@example.org", "two@example.org"]
    assert client.get(url).status_code == 200
    assert client.post(url, form_data(category), REMOTE_ADDR="10.0.0.9").status_code == 302


# --- the private link -------------------------------------------------------------


def test_private_link_moves_to_a_clean_address_without_caching_or_referrer(client, category):
    nomination, token = make_nomination(category, publicity=PublicityLevel.FIRST_NAME)

    opened = client.get(f"/n/{token}/")

    assert opened.status_code == 302
    assert opened["Location"] == "/my-nomination/"
    assert opened["Referrer-Policy"] == "no-referrer"
    assert "no-store" in opened["Cache-Control"]

    page = client.get("/my-nomination/")

    body = text(page)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    assert token not in body
    assert f"Your nomination {nomination.reference}" in body
    assert '<dd class="govuk-summary-list__value">Positive Choices</dd>' in body
    assert "<dd class=\"govuk-summary-list__value\">Submitted<span class=\"govuk-hint block\">Thank you for sending it." in body
    assert "<dd class=\"govuk-summary-list__value\">Alfie F.<span class=\"govuk-hint block\">Named in public as “Alfie”</span></dd>" in body
    assert "Joined the youth council." in body
    assert LEGAL_LAST_NAME not in body


def test_private_link_page_shows_the_known_name_and_that_the_public_name_is_anonymous_before_the_check(client, category):
    _, token = make_nomination(category)

    body = text(client.get(f"/n/{token}/", follow=True))

    assert "<dd class=\"govuk-summary-list__value\">Alfie F.<span class=\"govuk-hint block\">Named in public as “A young person from our care”</span></dd>" in body
    assert LEGAL_LAST_NAME not in body


@pytest.mark.parametrize(
    "status, says, withdrawing",
    [
        (NominationStatus.SUBMITTED, "The awards team checks every nomination", "The panel will not consider it."),
        (
            NominationStatus.NOT_SHORTLISTED,
            "Alfie F. is not one of this year's finalists. Being nominated matters: every young person nominated is recognised",
            "It is removed from the awards, and Alfie F. will not receive the certificate and letter every nominee gets.",
        ),
        (NominationStatus.SHORTLISTED, "Alfie F. is a finalist.", "Alfie F. will no longer be a finalist"),
        # A winner shows as a finalist until the night, to the nominator too.
        (NominationStatus.WINNER, "Alfie F. is a finalist.", "Alfie F. will no longer be a finalist"),
    ],
)
def test_after_a_decision_the_page_says_kindly_what_happened_and_what_withdrawing_would_do(client, category, status, says, withdrawing):
    nomination, token = make_nomination(category)
    type(nomination).objects.filter(pk=nomination.pk).update(status=status)

    body = unescape(text(client.get(f"/n/{token}/", follow=True)))

    assert says in body
    assert withdrawing in body
    if status != NominationStatus.SUBMITTED:
        assert "The panel will not consider it" not in body
    assert "won" not in body


def test_withdraw_through_private_link_is_recorded(client, category):
    nomination, token = make_nomination(category)
    client.get(f"/n/{token}/")

    response = client.post("/my-nomination/", {"private_form": client.session[FORM_TOKEN_KEY], "reason": "I sent it twice."}, follow=True)

    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN
    history = NominationHistory.objects.filter(nomination=nomination).last()
    assert (history.action, history.from_status, history.to_status, history.actor_label, history.reason) == (
        "nominations.nomination.withdrawn",
        NominationStatus.SUBMITTED,
        NominationStatus.WITHDRAWN,
        "nominator (private link)",
        "I sent it twice.",
    )
    body = text(response)
    assert f"Nomination {nomination.reference} has been withdrawn." in body
    assert "<dd class=\"govuk-summary-list__value\">Withdrawn<span class=\"govuk-hint block\">This nomination was withdrawn.</span></dd>" in body
    assert "Withdraw nomination" not in body
    assert response.redirect_chain[-1] == ("/my-nomination/", 302)


def test_withdrawing_twice_shows_the_service_message(client, category):
    nomination, token = make_nomination(category)
    client.get(f"/n/{token}/")
    client.post("/my-nomination/", {"private_form": client.session[FORM_TOKEN_KEY]})

    response = client.post("/my-nomination/", {"private_form": client.session[FORM_TOKEN_KEY]}, follow=True)

    assert "A nomination that is withdrawn cannot become withdrawn." in text(response)
    assert NominationHistory.objects.filter(nomination=nomination, action="nominations.nomination.withdrawn").count() == 1


def test_over_long_withdraw_reason_is_refused_next_to_the_field(client, category):
    nomination, token = make_nomination(category)
    client.get(f"/n/{token}/")

    response = client.post("/my-nomination/", {"private_form": client.session[FORM_TOKEN_KEY], "reason": "x" * 2001})

    nomination.refresh_from_db()
    assert response.status_code == 400
    assert field_error(response, "id_reason") == "Use 2000 characters or fewer; this has 2001."
    assert summary_links(response) == [("#id_reason", "Use 2000 characters or fewer; this has 2001.")]
    assert nomination.status == NominationStatus.SUBMITTED


def test_invalid_links_all_get_the_same_neutral_page(client, category):
    make_nomination(category)

    wrong = client.get("/n/not-a-real-token/")
    too_long = client.get(f"/n/{'x' * 200}/")
    no_link = client.get("/my-nomination/")

    assert wrong.status_code == too_long.status_code == no_link.status_code == 404
    assert "<h1>This link is not valid</h1>" in text(wrong)
    assert text(wrong) == text(too_long) == text(no_link)
    assert wrong["Referrer-Policy"] == "no-referrer"
    assert "no-store" in wrong["Cache-Control"]


# --- my nominations ---------------------------------------------------------------


def test_my_nominations_needs_sign_in(client):
    response = client.get("/my-nominations/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/my-nominations/"


def test_my_nominations_shows_only_own_nominations_with_the_names_the_nominator_knows(client, category):
    user, other = UserFactory(), UserFactory()
    mine = NominationFactory(programme=category.programme, category=category, nominator_user=user)
    theirs = NominationFactory(programme=category.programme, category=category, nominator_user=other)
    client.force_login(user)

    body = text(client.get("/my-nominations/"))

    assert mine.reference in body
    assert theirs.reference not in body
    # The known name (first name and initial) tells a carer's nominations apart; the public name too.
    known = f"{mine.nominee.legal_first_name} {mine.nominee.legal_last_name[0]}."
    assert f"<dd class=\"govuk-summary-list__value\">{known}<span class=\"govuk-hint block\">Named in public as “A young person from our care”</span></dd>" in body
    assert mine.nominee.legal_last_name not in unescape(body)
    assert f'action="/my-nominations/{mine.pk}/withdraw/"' in body


def test_withdraw_from_my_nominations_is_recorded(client, category):
    user = UserFactory()
    mine = NominationFactory(programme=category.programme, category=category, nominator_user=user)
    client.force_login(user)

    response = client.post(f"/my-nominations/{mine.pk}/withdraw/", {"reason": "Changed my mind."}, follow=True)

    mine.refresh_from_db()
    assert mine.status == NominationStatus.WITHDRAWN
    history = NominationHistory.objects.get(nomination=mine)
    assert (history.actor, history.reason) == (user, "Changed my mind.")
    assert f"Nomination {mine.reference} has been withdrawn." in text(response)
    assert f'action="/my-nominations/{mine.pk}/withdraw/"' not in text(response)


def test_withdrawing_anothers_nomination_is_404(client, category):
    theirs = NominationFactory(programme=category.programme, category=category, nominator_user=UserFactory())
    client.force_login(UserFactory())

    response = client.post(f"/my-nominations/{theirs.pk}/withdraw/")

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert theirs.status == NominationStatus.SUBMITTED


@pytest.mark.parametrize("count", [1, 3])
def test_my_nominations_query_count_does_not_grow(client, category, count, django_assert_num_queries):
    user = UserFactory()
    NominationFactory.create_batch(count, programme=category.programme, category=category, nominator_user=user)
    client.force_login(user)

    # Session, user, nominations, the user's roles, the navigation's panel-membership check.
    with django_assert_num_queries(5):
        response = client.get("/my-nominations/")

    assert text(response).count('<section class="card"') == count


def test_login_page_has_labelled_fields(client):
    body = text(client.get("/accounts/login/"))

    assert '<label class="govuk-label" for="id_username">' in body
    assert '<label class="govuk-label" for="id_password">' in body


def test_a_withdrawal_without_the_pages_form_token_is_refused(client, category):
    nomination = NominationFactory(programme=category.programme, category=category)
    token = "a-private-token-for-this-test"
    Nomination.objects.filter(pk=nomination.pk).update(access_token_hash=hash_token(token))
    client.get(f"/n/{token}/")

    response = client.post("/my-nomination/", {"private_form": "forged", "reason": "Not mine"})

    assert response.status_code == 403
    assert response["Referrer-Policy"] == "no-referrer"
    assert Nomination.objects.get(pk=nomination.pk).status == nomination.status
