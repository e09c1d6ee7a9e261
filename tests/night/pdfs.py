"""Reading the PDFs the app makes, for the tests: each page's text, and the structure tree's
alternative texts (what a screen reader says for an image, such as the no-photographs mark)."""

import io
import re

from pypdf import PdfReader


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(content: bytes) -> list[str]:
    """Each page's text without white space (text extraction guesses spaces from glyph positions,
    and puts one in "Certif icate" as readily as it leaves one out between paragraphs)."""
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def structure(content: bytes) -> list[tuple[str, str]]:
    """The structure tree in reading order: (tag, alternative text or "")."""
    reader = PdfReader(io.BytesIO(content))
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            found.append((str(node["/S"])[1:], str(node.get("/Alt", ""))))
        kids = node.get("/K") if isinstance(node, dict) else None
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid_object = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid_object, dict) and "/S" in kid_object:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def alts(content: bytes) -> list[str]:
    return [alt for _tag, alt in structure(content) if alt]


def body(response) -> bytes:
    return b"".join(response.streaming_content)
