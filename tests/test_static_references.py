"""Every `{% static %}` in the templates names a file that exists. With DEBUG off the manifest storage
refuses any other name with a 500 (the door page once asked for `{% static '' %}`: every door phone
got a server error in production, and nothing in the DEBUG-on test run could see it)."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[1]
STATIC_TAG = re.compile(r"\{%\s*static\s+(?P<arg>[^%]*?)\s*(?:as\s+\w+\s*)?%\}")


def static_references() -> list[tuple[str, str]]:
    found = []
    for template in sorted(ROOT.glob("**/templates/**/*.html")):
        if ".venv" in template.parts:
            continue
        for match in STATIC_TAG.finditer(template.read_text()):
            found.append((str(template.relative_to(ROOT)), match.group("arg")))
    return found


def test_every_static_reference_is_a_file_the_manifest_will_have():
    references = static_references()
    assert len(references) >= 7
    problems = [
        f"{template}: {{% static {arg} %}}"
        for template, arg in references
        if not re.fullmatch(r"'[^']+'|\"[^\"]+\"", arg) or finders.find(arg[1:-1]) is None
    ]
    assert problems == [], "a literal path of an existing static file, or get_static_prefix for the prefix"
