import datetime as dt

import pytest

from nominations.matching import alias_key, first_name_key, last_name_key, match_key, normalise


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Zoë-Mae  O'Neill ", "zoe mae o neill"),
        ("SIOBHÁN", "siobhan"),
        ("Chloé", "chloe"),
        ("José\u0301", "jose"),
        ("Anne–Marie", "anne marie"),
    ],
)
def test_normalise_folds_case_accents_spacing_and_punctuation(typed, expected):
    assert normalise(typed) == expected


def test_normalise_keeps_non_latin_letters():
    assert normalise("مريم") == "مريم"
    assert normalise("Дарья") == "дарья"


@pytest.mark.parametrize(("short", "long"), [("Alfie", "Alfred"), ("Liz", "Elizabeth"), ("Tom", "Thomas"), ("kate", "Katherine")])
def test_short_forms_share_a_key(short, long):
    assert first_name_key(short) == first_name_key(long)


def test_different_names_do_not_share_a_key():
    assert first_name_key("Ruby") != first_name_key("Rachel")


def test_last_name_key_ignores_spaces_and_apostrophes():
    assert last_name_key("O'Neill") == last_name_key("O Neill") == last_name_key("oneill")


def test_match_key_folds_case_accents_and_spacing_but_not_short_forms():
    born = dt.date(2011, 1, 2)
    assert match_key(first_name="Zoë", last_name="Moss", date_of_birth=born) == match_key(
        first_name=" ZOE ", last_name="moss", date_of_birth=born
    )
    # Twins share a surname and a birthday: Oliver and Olivia must never be one record.
    assert match_key(first_name="Oliver", last_name="Moss", date_of_birth=born) != match_key(
        first_name="Olivia", last_name="Moss", date_of_birth=born
    )
    assert match_key(first_name="Alfie", last_name="Moss", date_of_birth=born) != match_key(
        first_name="Alfie", last_name="Moss", date_of_birth=dt.date(2011, 1, 3)
    )


def test_alias_key_groups_short_forms_for_lookalikes():
    born = dt.date(2011, 1, 2)
    assert alias_key(first_name="Alfie", last_name="Moss", date_of_birth=born) == alias_key(
        first_name="ALFRED", last_name=" moss ", date_of_birth=born
    )


def test_keys_without_birth_date_mark_it():
    assert match_key(first_name="Sam", last_name="Okafor", date_of_birth=None) == "sam|okafor|-"
    assert alias_key(first_name="Sam", last_name="Okafor", date_of_birth=None) == "samuel|okafor|-"
