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


def in_order(text: str, phrases: list[str]) -> bool:
    """Whether `phrases` occur in `text` one after the other (white space aside)."""
    at = 0
    for phrase in phrases:
        found = text.find(squash(phrase), at)
        if found == -1:
            return False
        at = found + len(squash(phrase))
    return True


def alts(content: bytes) -> list[str]:
    return [alt for _tag, alt in structure(content) if alt]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def reading_orders(content: bytes) -> list[list[tuple[str, float]]]:
    """For each page, its text in the order of the structure tree (what a screen reader reads):
    each marked-content item's text, with the height on the page where it starts (points from the
    bottom). Figures are left out: a screen reader reads their alternative text instead."""
    reader = PdfReader(io.BytesIO(content))
    page_index = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    by_structure: list[list[int]] = [[] for _ in reader.pages]

    def walk(node, page):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/Pg" in node:
            page = page_index[node.raw_get("/Pg").idnum]
        if node.get("/S") == "/Figure":
            return  # an image (the logo's own lettering too) is read by its alternative text
        if node.get("/Type") == "/MCR":
            by_structure[page].append(int(node["/MCID"]))
            return
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                by_structure[page].append(int(kid))
            else:
                walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    orders = []
    for number, page in enumerate(reader.pages):
        texts: dict[int, list] = {}
        stack: list = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else {}
                properties = properties.get_object() if hasattr(properties, "get_object") else properties
                stack.append(int(properties["/MCID"]) if isinstance(properties, dict) and "/MCID" in properties else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, texts=texts):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and value.strip():
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                entry = texts.setdefault(mcid, ["", y])
                entry[0] += value

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        orders.append([(squash(texts[m][0]), texts[m][1]) for m in by_structure[number] if m in texts])
    return orders


def document_facts(content: bytes) -> dict:
    """What the catalog and metadata say: language, tagged, title shown, title, pages."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode() if "/Metadata" in root else ""
    return {
        "lang": str(root.get("/Lang", "")),
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "title": str(reader.metadata.get("/Title", "")) if reader.metadata else "",
        "xmp_ua": "pdfuaid:part" in xmp,
        "pages": len(reader.pages),
        "struct_parents": all("/StructParents" in page for page in reader.pages),
    }
