"""The API's parsers: DRF's, refusing what the rest of the stack cannot take, as a 400 naming the
problem (config.api answers it): JSON nested so deeply that Python's parser would exhaust its
recursion (a 500), and a NUL character in a JSON string or key or a form field, which PostgreSQL
cannot store or even compare (a 503, where SQLite answered 404). settings.REST_FRAMEWORK names them
as the default; a view that names its own parsers takes them from here."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper than any request of this API (a party's guest's food needs are 4 deep): refused before anything walks it.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"The JSON is nested more than {MAX_JSON_DEPTH} deep."
NUL_IN_JSON = "The JSON has a NUL control character (U+0000){where}, which cannot be stored; please remove it."
NUL_IN_FORM = "The form has a NUL control character (U+0000) in the field {name}, which cannot be stored; please remove it."


class BadJSON(ParseError):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def json_problem(data) -> BadJSON | None:
    """What is wrong with parsed JSON, walked without recursion: nesting deeper than MAX_JSON_DEPTH,
    or a NUL character in a key or a string (its place named, as `nominee.legal_first_name`)."""
    pending = [(data, 1, "")]
    while pending:
        value, depth, where = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return BadJSON(TOO_DEEP)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                place = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and "\x00" in key:
                    return BadJSON(NUL_IN_JSON.format(where=" in a key"))
                pending.append((item, depth + 1, place))
        elif isinstance(value, str) and "\x00" in value:
            return BadJSON(NUL_IN_JSON.format(where=f" in {where}" if where else ""), field=where or None)
    return None


def form_problem(data) -> BadJSON | None:
    """A NUL character in a form field's name or value (files are not looked at)."""
    for key, values in data.lists():
        if "\x00" in key or any(isinstance(value, str) and "\x00" in value for value in values):
            name = key.replace("\x00", "")
            return BadJSON(NUL_IN_FORM.format(name=name), field=name)
    return None


class JSONParser(parsers.JSONParser):
    """DRF's, refusing JSON nested too deeply (Python's parser would raise RecursionError, a 500)
    and NUL characters (PostgreSQL refuses them, which would be a 503)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise BadJSON(TOO_DEEP) from None
        problem = json_problem(data)
        if problem is not None:
            raise problem
        return data


class FormParser(parsers.FormParser):
    """DRF's, refusing a NUL character in a field."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        problem = form_problem(data)
        if problem is not None:
            raise problem
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's, refusing a NUL character in a field (a file may hold anything)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        problem = form_problem(parsed.data)
        if problem is not None:
            raise problem
        return parsed


PARSERS = [JSONParser, FormParser, MultiPartParser]
