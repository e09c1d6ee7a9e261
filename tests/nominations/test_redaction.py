"""Blind review redaction (DESIGN rule 5): pure functions, no database."""

from types import SimpleNamespace

import pytest

from nominations.naming import name_forms
from nominations.redaction import PLACEHOLDER, name_variants, names_found, redact
from shortlisting.labels import neutral_label

# --- name_variants ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("Alfie",), {"Alfie", "Alfred", "Alf"}),
        (("Alfred",), {"Alfie", "Alfred", "Alf"}),
        (("Liz",), {"Liz", "Elizabeth", "Beth", "Lizzie"}),
        (("Mary-Jane",), {"Mary-Jane", "Mary", "Jane"}),
        (("Smith-Jones",), {"Smith-Jones", "Smith", "Jones"}),
        (("Zoë",), {"Zoë", "Zoe"}),
        (("O'Neill",), {"O'Neill", "Neill"}),
        (("Smith (Jr)",), {"Smith (Jr)", "Smith", "Jr"}),
        (("Alfie", "Smith", "Al"), {"Alfie", "Alfred", "Smith", "Al"}),
    ],
)
def test_name_variants_include(names, expected):
    assert expected <= name_variants(*names)


@pytest.mark.parametrize(
    ("names", "absent"),
    [
        (("Alfie",), {"Thomas", "Tom"}),
        (("O'Neill",), {"O"}),  # shorter than two characters
        (("J", "K Smith"), {"J", "K"}),
        (("de Souza",), {"de"}),  # a connective is hidden only as part of the whole name
        (("The Riverside Crew",), {"The"}),
        (("Al-Sayed",), {"Al"}),
    ],
)
def test_name_variants_exclude(names, absent):
    assert not (absent & name_variants(*names))


def test_name_variants_keep_whole_names_with_connectives_and_a_name_that_is_only_one():
    assert {"de Souza", "Souza"} <= name_variants("de Souza")
    assert "Al" in name_variants("Al")
    assert "Al" in name_variants("(Al)")


def test_name_variants_of_nothing():
    assert name_variants() == set()
    assert name_variants("", " ", None) == set()


# --- redact: the cases the issue names -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # legal, preferred, any case
        ("Alfie has grown.", ["Alfie"], "[name] has grown."),
        ("ALFIE has grown, alfie has.", ["Alfie"], "[name] has grown, [name] has."),
        ("Kayleigh, known as Kay, helps.", ["Kayleigh", "Kay"], "[name], known as [name], helps."),
        # short and long forms from the name groups
        ("Alfred, Alf and Alfie", ["Alfie"], "[name], [name] and [name]"),
        ("Thomas (Tom, TOMMY) came", ["Tom"], "[name] ([name], [name]) came"),
        ("Elizabeth, Liz or Beth", ["Lizzie"], "[name], [name] or [name]"),
        # possessives: straight and curly apostrophes, s'
        ("Alfie's dog", ["Alfie"], "[name]'s dog"),
        ("Alfie’s dog", ["Alfie"], "[name]’s dog"),
        ("ALFIE'S DOG", ["Alfie"], "[name]'S DOG"),
        ("James' bike and James's bike", ["James"], "[name]' bike and [name]'s bike"),
        ("James’ bike", ["James"], "[name]’ bike"),
        # accents folded both ways
        ("Zoe and ZOË and zoë", ["Zoë"], "[name] and [name] and [name]"),
        ("Zoë and ZOË", ["Zoe"], "[name] and [name]"),
        ("Zoe\u0308 (decomposed) stays whole", ["Zoe"], "[name] (decomposed) stays whole"),
        ("Siobhán and SIOBHAN", ["Siobhan"], "[name] and [name]"),
        ("Łukasz and Lukasz", ["Łukasz"], "[name] and [name]"),
        ("Strauß and STRAUSS", ["Strauss"], "[name] and [name]"),
        # surnames and hyphenated / double-barrelled names
        ("Mr Smith and the smith family", ["Smith"], "Mr [name] and the [name] family"),
        ("Mary-Jane, Mary and Jane", ["Mary-Jane"], "[name], [name] and [name]"),
        ("Mary Jane and MaryJane", ["Mary-Jane"], "[name] and [name]"),
        ("Smith-Jones, Smith and Jones", ["Smith-Jones"], "[name], [name] and [name]"),
        ("Ann-Marie, but Ann only", ["Ann"], "[name]-Marie, but [name] only"),
        # several names in one text
        (
            "Alfie and his sister Zoë visit Mr O'Neill.",
            ["Alfie", "O'Neill", "Zoë"],
            "[name] and his sister [name] visit Mr [name].",
        ),
    ],
)
def test_redact(text, names, expected):
    assert redact(text, names) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Annual planning meeting", ["Ann"]),
        ("Benefit of a bench", ["Ben"]),
        ("Also, always", ["Al"]),
        ("A joke, JOKES and a banjo", ["Jo"]),
        ("Tomorrow the atoms", ["Tom"]),
        ("Alfredo's pasta", ["Alfie"]),
        ("Smithson and Blacksmith", ["Smith"]),
        ("Zoey and Zoella", ["Zoë"]),
        ("Alfie2 and alfie_x", ["Alfie"]),
    ],
)
def test_names_inside_other_words_are_left_alone(text, names):
    assert redact(text, names) == text


# --- placeholder and faithfulness -----------------------------------------------------


def test_placeholder_takes_the_place_of_the_name_only():
    assert redact("Well done, Alfie!", ["Alfie"]) == "Well done, [name]!"
    assert redact("Alfie", ["Alfie"]) == PLACEHOLDER == "[name]"
    assert redact("Well done, Alfie!", ["Alfie"], placeholder="the young person") == (
        "Well done, the young person!"
    )


def test_text_without_names_is_returned_exactly():
    text = "  Line one,\r\n\tline two — “quoted” … 🎉\u200d  ﬁne ™ ½\n"
    assert redact(text, ["Alfie", "Smith"]) == text


def test_everything_around_names_is_kept_exactly():
    text = "«Alfie»\n\t(Alfie)  — “Alfie”, 'Alfie'; Alfie…\u00a0Alfie"
    assert redact(text, ["Alfie"]) == "«[name]»\n\t([name])  — “[name]”, '[name]'; [name]…\u00a0[name]"


def test_plain_ascii_text_is_matched_as_the_folded_text_is():
    # ASCII text takes a shortcut past the character-by-character folding; it must find what
    # the folding finds: a backtick is an apostrophe, so "Alfie`s" is a possessive.
    assert redact("Alfie`s bike; ALFRED, alfie-mae, Alfie`t", ["Alfie"]) == "[name]`s bike; [name], [name]-mae, Alfie`t"
    assert redact("Alfie`s bike, Zoë", ["Alfie"]) == "[name]`s bike, Zoë"


def test_the_same_names_hide_the_same_way_in_every_text_of_a_nomination():
    names = ["Alfie", "Smith"]
    assert redact("Alfie Smith", names) == "[name] [name]"
    assert redact("alfie, then SMITH", list(names)) == "[name], then [name]"
    assert redact("Smithy and Alfred", tuple(names)) == "Smithy and [name]"


@pytest.mark.parametrize("text", ["", None])
def test_empty_text(text):
    assert redact(text, ["Alfie"]) == text


def test_no_names_leaves_text_alone():
    assert redact("Alfie did well", []) == "Alfie did well"
    assert redact("Alfie did well", ["", None, "A"]) == "Alfie did well"


def test_a_single_name_string_is_one_name_not_letters():
    assert redact("Alfie and a cat", "Alfie") == "[name] and a cat"


def test_longest_variant_first_gives_one_placeholder():
    assert redact("Mary-Jane won", ["Mary", "Mary-Jane", "Jane"]) == "[name] won"
    assert redact("Mary–Jane won", ["Mary-Jane"]) == "[name] won"  # en dash


# --- emoji, punctuation, scripts ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🎉Alfie🎉", "🎉[name]🎉"),
        ("❤️Alfie❤️", "❤️[name]❤️"),  # variation selector before the name
        ("Alfie\nAlfie\r\nALFIE", "[name]\n[name]\r\n[name]"),
        ('"Alfie"', '"[name]"'),
        ("(Alfie),[Alfie].Alfie?", "([name]),[[name]].[name]?"),
        ("#Alfie @Alfie", "#[name] @[name]"),
    ],
)
def test_names_next_to_emoji_punctuation_and_newlines(text, expected):
    assert redact(text, ["Alfie"]) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("محمد رائع جدا. شكرا محمد!", ["محمد"], "[name] رائع جدا. شكرا [name]!"),
        ("Mohammed (محمد) is kind", ["Mohammed", "محمد"], "[name] ([name]) is kind"),
        ("Дарья молодец, ДАРЬЯ!", ["Дарья"], "[name] молодец, [name]!"),
        ("Алёна и Алена", ["Алена"], "[name] и [name]"),
        ("सीता और सीताराम", ["सीता"], "[name] और सीताराम"),
    ],
)
def test_non_latin_scripts(text, names, expected):
    assert redact(text, names) == expected


def test_combining_vowel_signs_count_as_part_of_a_word():
    # "सीत" followed by the vowel sign "ा" is inside the word "सीता".
    assert redact("सीता", ["सीत"]) == "सीता"


def test_a_name_inside_one_character_that_folds_to_several_words_is_left_alone():
    # "ﷺ" is a single letter whose compatibility form is four Arabic words; a match that
    # starts inside one original character cannot be replaced cleanly.
    assert redact("قال ﷺ", ["وسلم"]) == "قال ﷺ"


# --- names with regex metacharacters --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("O'Neill and O’Neill's room", ["O'Neill"], "[name] and [name]'s room"),
        ("Mr O Neill and Neill", ["O'Neill"], "Mr [name] and [name]"),
        ("D'Souza and d’souza", ["D'Souza"], "[name] and [name]"),
        ("Smith (Jr) and Smith", ["Smith (Jr)"], "[name] and [name]"),
        ("a.*b and c+d", [".*", "c+", "(", "[a-z]+", "\\"], "a.*b and c+d"),
    ],
)
def test_names_with_regex_metacharacters(text, names, expected):
    assert redact(text, names) == expected


# --- contractions and everyday words --------------------------------------------------


def test_a_name_before_a_contraction_is_not_a_possessive():
    assert redact("I don't know, but Don's fine", ["Don"]) == "I don't know, but [name]'s fine"
    assert redact("We shan't, said Shan", ["Shan"]) == "We shan't, said [name]"


def test_everyday_words_from_name_groups_are_hidden_only_when_capitalised():
    text = "William said he will pay the bill. Will and Bill came. WILL did."
    assert redact(text, ["William"]) == "[name] said he will pay the bill. [name] and [name] came. [name] did."
    assert redact("her football kit; Kit", ["Christopher"]) == "her football kit; [name]"


def test_a_given_name_that_is_an_everyday_word_is_hidden_in_any_case():
    assert redact("will says Will will win", ["Will"]) == "[name] says [name] [name] win"
    assert redact("Rich is rich", ["Rich"]) == "[name] is [name]"


def test_a_connective_inside_a_multi_word_name_is_not_hidden_on_its_own():
    text = "The de Souza family met the Riverside Crew: de Souza, Souza, Crew, the crew"
    assert redact(text, ["de Souza", "The Riverside Crew"]) == (
        "The [name] family met [name]: [name], [name], [name], the [name]"
    )


# --- neutral_label --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "number", "expected"),
    [
        ("Education", 7, "Education 7"),
        ("Positive Choices", 42, "Positive 42"),
        ("The Award for Sport", 3, "Sport 3"),
        ("Outstanding Achievement in Education", 12, "Achievement 12"),
        ("  creativity ", 1, "Creativity 1"),
        ("The Award", 5, "The 5"),
        ("", 9, "Nomination 9"),
    ],
)
def test_neutral_label(category, number, expected):
    assert neutral_label(category, number) == expected


def test_neutral_label_does_not_carry_a_name():
    label = neutral_label("Education", 7)
    assert redact(label, ["Alfie"]) == label
    assert "Alfie" not in label


# --- the forms people really write (issue 14), for a young person the matcher knows in full ------

ZOE = SimpleNamespace(legal_first_name="Zoë", legal_last_name="O'Neill-Hughes", preferred_name="Zo", chosen_name="")


@pytest.mark.parametrize(
    ("text", "panel_sees"),
    [
        ("Zoë did brilliantly.", "[name] did brilliantly."),  # as written
        ("ZOE and zoe and Zoe.", "[name] and [name] and [name]."),  # case and accents
        ("Zo always helps.", "[name] always helps."),  # the preferred name
        ("Zoe's friends and Zoë’s.", "[name]'s friends and [name]’s."),  # possessives
        ("Mrs ONeill-Hughes rang.", "Mrs [name] rang."),  # the apostrophe left out
        ("The ONeill family.", "The [name] family."),
        ("O'Neill was there.", "[name] was there."),  # each part of a double-barrelled name
        ("Hughes scored.", "[name] scored."),
        ("Z. Hughes and Z Hughes.", "[name] and [name]."),  # an initial and the surname
        ("Z.O'Neill-Hughes too.", "[name] too."),
        ("#ZoeHughes #ZoOneill", "#[name] #[name]"),  # hashtags and joined-up names
        ("Follow @zoe_hughes_art!", "Follow @[name]!"),  # handles
        ("Write to zoe.oneill@school.example.", "Write to [name]."),  # e-mail addresses
        ("zoe2011@mail.example said so.", "[name] said so."),
        ("Zoe O'Neill-Hughes, in full.", "[name], in full."),
        ("Zoology and hughesian words stay.", "Zoology and hughesian words stay."),  # not a name
        ("Contact office@school.example.", "Contact office@school.example."),  # no name in it
    ],
)
def test_redaction_catches_what_people_write(text, panel_sees):
    assert redact(text, name_forms(ZOE)) == panel_sees


def test_names_found_lists_the_words_that_name_the_person():
    assert names_found("Zo (Z. Hughes) wrote to zoe.oneill@school.example.", name_forms(ZOE)) == [
        "zoe.oneill@school.example", "Zo", "Z. Hughes"
    ]
