import datetime as dt

import pytest

from nominations.matching import (
    NomineeIndex,
    alias_key,
    first_name_key,
    last_name_key,
    lookalike_patterns,
    match_key,
    normalise,
)


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


def _keys(first, last, born):
    names = dict(first_name=first, last_name=last, date_of_birth=born)
    return match_key(**names), alias_key(**names), *lookalike_patterns(**names)


def test_nominee_index_answers_as_the_queries_do():
    """The index gives what `match_key = k` and `alias_key = a OR match_key LIKE 'p%' OR LIKE '%s'`
    ordered by id give: the first record, in the order added."""
    stored = [
        ("Oliver", "Stone", dt.date(2011, 1, 1)),
        ("Olivia", "Stone", dt.date(2011, 1, 1)),
        ("Kai", "Brennan", dt.date(2012, 6, 1)),
        ("Kai", "Brennan", dt.date(2013, 7, 7)),
        ("Zed", "Moss", dt.date(2012, 4, 1)),
        ("Anne-Marie", "O'Neill", None),
        ("Zachary", "Moss", dt.date(2012, 4, 1)),
        ("Ivy", "Brennan", dt.date(2014, 2, 2)),
    ]
    probes = [
        ("Oliver", "Stone", dt.date(2011, 1, 1)),  # exact, the first of two look-alikes
        ("Ollie", "Stone", dt.date(2015, 1, 1)),  # neither exact nor alike (other birth date, other first name)
        ("Ollie", "Stone", dt.date(2011, 1, 1)),  # alias and surname with birth date
        ("Kai", "Brennan", dt.date(2014, 1, 1)),  # same names, any birth date
        ("Amy", "Moss", dt.date(2012, 4, 1)),  # same surname and birth date
        ("Anne", "O Neill", None),  # exact without a birth date
        ("Kai", "Bren", dt.date(2012, 6, 1)),  # a shorter surname is not a prefix match
        # The first surname-and-birth-date hit (Zed Moss) comes before the first alias hit (Zachary Moss).
        ("Zach", "Moss", dt.date(2012, 4, 1)),
        # The first same-names hit (Kai Brennan) comes before the first surname-and-birth-date hit (Ivy Brennan).
        ("Kai", "Brennan", dt.date(2014, 2, 2)),
    ]
    records = [(pk, _keys(*person)) for pk, person in enumerate(stored, start=1)]
    index = NomineeIndex(_keys(*person) for person in probes)
    for pk, (key, alias, _prefix, _suffix) in records:
        index.add(pk, key, alias)

    def query(key, alias, prefix, suffix):
        exact = next((pk for pk, keys in records if keys[0] == key), None)
        alike = next(
            (pk for pk, keys in records if keys[1] == alias or keys[0].startswith(prefix) or (suffix and keys[0].endswith(suffix))),
            None,
        )
        return exact, alike

    answers = [(index.exact(keys[0]), index.lookalike(*keys[1:])) for keys in (_keys(*p) for p in probes)]
    assert answers == [query(*_keys(*p)) for p in probes]
    assert answers == [(1, 1), (None, None), (None, 1), (None, 3), (None, 5), (6, 6), (None, None), (None, 5), (None, 3)]
