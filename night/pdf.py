"""Tagged, print-ready PDFs from HTML templates (WeasyPrint), written in batches.

Every PDF the night makes (certificates, letters, badges, place cards, table cards, the
photographer's sheet) is one template rendered by WeasyPrint as PDF/UA-1: a structure tree in
the order of the page, a title shown as the window title, the language, text as text.

A document of many pages (1,000 certificates, 5,000 badges) is laid out in batches of a few dozen
items, each batch a tagged PDF of its own, then copied into the one output file object by object:
each batch's objects renumbered after those before it, its pages hung on one page tree, its
structure elements on one Document element, its marked-content keys (StructParents) moved up so
one parent tree covers every page. Between batches only what the end of the file needs is kept
(page and structure references, object offsets: a few integers a page), so memory is that of one
batch however many pages there are. WeasyPrint's own bookmarks (outlines) are left out.

Laying out is most of the time (about 85% for badges), and one process lays out one batch at a
time on one core. A document of several batches is therefore laid out by PROUD_PDF_PROCESSES
processes (default: one a core), a few batches ahead of the writer and never more, each batch
copied into the file in order as it comes back. The processes are started fresh ("spawn"), not
forked: a forked child shares the request's database connection, and closing it on exit would
break the parent's."""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO

import django
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger(__name__)

# Items (certificates, letters, sheets of badges …) laid out at once: memory is that of one batch.
BATCH_SIZE = 40
LANGUAGE = "en-GB"


@dataclass
class Batches:
    """What a long document is made of: the template, the context every batch shares, and the items,
    rendered `per_batch` at a time. The template receives `items` (this batch's) and the shared
    context, and must make the same <title> and lang for every batch."""

    template: str
    items: Iterable
    context: dict = field(default_factory=dict)
    per_batch: int = BATCH_SIZE

    def html(self) -> Iterator[str]:
        template = get_template(self.template)  # once, not once a batch (no cached loader in development)
        batch = []
        for item in self.items:
            batch.append(item)
            if len(batch) >= self.per_batch:
                yield template.render({**self.context, "items": batch})
                batch = []
        if batch:
            yield template.render({**self.context, "items": batch})


def _configured_files() -> frozenset[str]:
    """The council's own files named by an absolute path in the settings (its logo, signatures)."""
    named = [settings.PROUD_LOGO, *(s.get("signature", "") for s in settings.PROUD_SIGNATORIES)]
    return frozenset(path for path in named if path.startswith("/"))


class StaticFetcher(URLFetcher):
    """What a PDF template may load: files of the app's own static folders (the logo, the
    signatures), named `static:<path>`, never anything over the network or elsewhere on disk.
    `configured`: the council's files named by an absolute path, read from the settings of the
    process that asked for the document (a layout process is given them, see _LayoutPool)."""

    def __init__(self, configured: frozenset[str] | None = None):
        super().__init__()
        self.configured = _configured_files() if configured is None else configured

    def fetch(self, url, headers=None):
        prefix = "static:"
        if not url.startswith(prefix):
            raise URLFetchingError(f"PDF templates load only the app's own files (static:…), not {url[:60]}")
        name = url[len(prefix):]
        path = name if name in self.configured else finders.find(name.lstrip("/"))
        if not path:
            raise URLFetchingError(f"No static file {url[len(prefix):]}")
        with open(path, "rb") as file:
            body = file.read()
        kind = "image/svg+xml" if path.endswith(".svg") else "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})


class _Render:
    """WeasyPrint with what every batch of one document shares (fonts, images)."""

    def __init__(self, configured: frozenset[str] | None = None):
        self.fonts = FontConfiguration()
        self.cache: dict = {}
        self.fetcher = StaticFetcher(configured)

    def __call__(self, html: str) -> bytes:
        document = HTML(string=html, url_fetcher=self.fetcher)
        return document.write_pdf(font_config=self.fonts, cache=self.cache, pdf_variant="pdf/ua-1")


def processes() -> int:
    """How many processes lay out a long document (PROUD_PDF_PROCESSES; default one a core)."""
    configured = getattr(settings, "PROUD_PDF_PROCESSES", None)
    return max(1, int(configured) if configured else (os.cpu_count() or 1))


# A document of fewer batches than this is laid out in the asking process: starting a process
# (importing Django and WeasyPrint) costs about a second, a batch of badges about a quarter.
POOL_FROM_BATCHES = 4
_layout: _Render | None = None  # one a layout process, made by _layout_start


def _layout_start(configured: frozenset[str]) -> None:
    django.setup()
    global _layout
    _layout = _Render(configured)


def _layout_batch(html: str) -> bytes:
    assert _layout is not None, "a layout process starts with _layout_start"
    return _layout(html)


def _laid_out(html_batches: Iterable[str], workers: int) -> Iterator[bytes]:
    """Each batch as a PDF, in order. Short documents, or one process: here, one batch at a time.
    Long ones: `workers` processes, at most two batches a process ahead of the writer (memory stays
    that of a few batches)."""
    batches = iter(html_batches)
    first = []
    for html in batches:
        first.append(html)
        if len(first) >= POOL_FROM_BATCHES:
            break
    if workers <= 1 or len(first) < POOL_FROM_BATCHES:
        render = _Render()
        yield from (render(html) for html in chain(first, batches))
        return
    source = chain(first, batches)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_layout_start,
                             initargs=(_configured_files(),)) as pool:
        pending: deque[list] = deque()  # [html, its future], in the order of the document

        def ahead(count: int) -> None:
            for html in islice(source, count):
                pending.append([html, None])  # kept before submitting: a refused submit loses nothing
                pending[-1][1] = pool.submit(_layout_batch, html)

        try:
            ahead(workers * 2)
            while pending:
                laid_out = pending[0][1].result()
                pending.popleft()
                yield laid_out
                ahead(1)
        except BrokenProcessPool:
            # A layout process died (killed, out of memory): the batches not yet written are laid
            # out here instead, so the document is still whole and in order.
            logger.warning("A PDF layout process stopped; laying out the rest of the document in this process.")
            render = _Render()
            yield from (render(html) for html, _ in pending)
            yield from (render(html) for html in source)


def _ref(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)  # type: ignore[arg-type]


class _Merger:
    """Writes the batches' objects into `out` as they come, then one page tree, structure tree,
    catalog and cross-reference table."""

    def __init__(self, out: IO[bytes], title: str):
        self.out = out
        self.title = title
        # What the end of the file needs, kept as machine integers (8 bytes each, not a Python object
        # each): memory for 5,000 badges is then a few megabytes, not tens.
        self.offsets = array("q", [0])  # by object number
        self.count = 0
        self.pages_num = self._reserve()
        self.struct_num = self._reserve()
        self.document_num = self._reserve()
        self.page_refs = array("q")
        self.document_kids = array("q")  # object numbers of the Document element's kids
        self.parent_tree_keys = array("q")
        self.parent_tree_objects = array("q")
        self.next_key = 0
        self.catalog_extras: dict = {}
        self.role_map = None
        self.start = out.tell()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _reserve(self) -> int:
        self.count += 1
        self.offsets.append(0)
        return self.count

    def _write(self, number: int, obj: PdfObject) -> None:
        self.offsets[number] = self.out.tell() - self.start
        self.out.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def _numbered(self, obj, new_number, remap) -> int:
        """The object number of a structure element in the output: its own, renumbered, or a new
        one for an element the batch held directly."""
        if isinstance(obj, IndirectObject):
            return new_number(obj.idnum)
        number = self._reserve()
        self._write(number, remap(obj))
        return number

    def _parent(self, key: int, number: int) -> None:
        self.parent_tree_keys.append(key)
        self.parent_tree_objects.append(number)

    def add(self, data: bytes) -> None:
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
        struct_ref = root.raw_get("/StructTreeRoot")
        struct = struct_ref.get_object()
        mapping: dict[int, int] = {root.raw_get("/Pages").idnum: self.pages_num, struct_ref.idnum: self.struct_num}
        queue: list[int] = []

        def new_number(old: int) -> int:
            if old not in mapping:
                mapping[old] = self._reserve()
                queue.append(old)
            return mapping[old]

        def remap(obj):
            if isinstance(obj, IndirectObject):
                return _ref(new_number(obj.idnum))
            if isinstance(obj, (DictionaryObject, StreamObject)):
                for key in list(obj.keys()):
                    obj[NameObject(key)] = remap(obj.raw_get(key))
            elif isinstance(obj, ArrayObject):
                for index, value in enumerate(obj):
                    obj[index] = remap(value)
            return obj

        # The batch's Document element is replaced by the one of the whole file.
        top = struct.raw_get("/K")
        tops = list(top) if isinstance(top, ArrayObject) else [top]
        for element_ref in tops:
            element = element_ref.get_object()
            if element.get("/S") == "/Document":
                mapping[element_ref.idnum] = self.document_num
                kids = element.raw_get("/K")
                for kid in kids if isinstance(kids, ArrayObject) else [kids]:
                    self.document_kids.append(self._numbered(kid, new_number, remap))
            else:
                self.document_kids.append(self._numbered(element_ref, new_number, remap))
        if self.role_map is None and "/RoleMap" in struct:
            self.role_map = remap(struct.raw_get("/RoleMap"))
        # The parent tree: each key moved up past the keys of the batches before.
        offset = self.next_key
        highest = -1
        for key, value in _number_tree(struct["/ParentTree"]):
            highest = max(highest, key)
            if isinstance(value, IndirectObject):
                self._parent(key + offset, new_number(value.idnum))
            else:
                number = self._reserve()
                self._write(number, remap(value))
                self._parent(key + offset, number)
        self.next_key = offset + max(highest + 1, int(struct.get("/ParentTreeNextKey", 0)))
        if not self.catalog_extras:
            for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
                if key in root:
                    self.catalog_extras[key] = remap(root.raw_get(key))
            if "/Metadata" in root:
                self.catalog_extras["/Metadata"] = remap(root.raw_get("/Metadata"))
        for page_ref in reader.trailer["/Root"]["/Pages"].get_object().raw_get("/Kids") or []:
            self.page_refs.append(new_number(page_ref.idnum))
        while queue:
            old = queue.pop()
            obj = reader.get_object(old)
            if isinstance(obj, DictionaryObject):
                if obj.get("/Type") == "/Page":
                    obj[NameObject("/Parent")] = _ref(self.pages_num)
                    if "/StructParents" in obj:
                        obj[NameObject("/StructParents")] = NumberObject(int(obj["/StructParents"]) + offset)
                if "/StructParent" in obj:
                    obj[NameObject("/StructParent")] = NumberObject(int(obj["/StructParent"]) + offset)
            self._write(mapping[old], remap(obj))

    def finish(self) -> None:
        self._write(self.pages_num, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject(_ref(n) for n in self.page_refs),
            NameObject("/Count"): NumberObject(len(self.page_refs)),
        }))
        parent_tree = self._reserve()
        nums = ArrayObject()
        for key, number in sorted(zip(self.parent_tree_keys, self.parent_tree_objects, strict=True)):
            nums += [NumberObject(key), _ref(number)]
        self._write(parent_tree, DictionaryObject({NameObject("/Nums"): nums}))
        struct = DictionaryObject({
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): _ref(self.document_num),
            NameObject("/ParentTree"): _ref(parent_tree),
            NameObject("/ParentTreeNextKey"): NumberObject(self.next_key),
        })
        if self.role_map is not None:
            struct[NameObject("/RoleMap")] = self.role_map
        self._write(self.struct_num, struct)
        self._write(self.document_num, DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): _ref(self.struct_num),
            NameObject("/K"): ArrayObject(_ref(n) for n in self.document_kids),
        }))
        catalog = self._reserve()
        self._write(catalog, DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): _ref(self.pages_num),
            NameObject("/StructTreeRoot"): _ref(self.struct_num),
            **{NameObject(k): v for k, v in self.catalog_extras.items()},
        }))
        info = self._reserve()
        self._write(info, DictionaryObject({
            NameObject("/Title"): TextStringObject(self.title),
            NameObject("/Producer"): TextStringObject("PROUD (WeasyPrint)"),
        }))
        xref = self.out.tell() - self.start
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (self.count + 1))
        for number in range(1, self.count + 1):
            self.out.write(b"%010d 00000 n \n" % self.offsets[number])
        identifier = hashlib.md5(f"{self.title}{len(self.page_refs)}{xref}".encode(), usedforsecurity=False).hexdigest()
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (self.count + 1, catalog, info, identifier.encode(), identifier.encode(), xref)
        )


def _number_tree(node) -> Iterator[tuple[int, PdfObject]]:
    node = node.get_object()
    nums = node.get("/Nums")
    if nums is not None:
        raw = nums.get_object()
        for index in range(0, len(raw), 2):
            yield int(raw[index]), raw.raw_get(index + 1) if hasattr(raw, "raw_get") else raw[index + 1]
    for kid in node.get("/Kids") or []:
        yield from _number_tree(kid)


def write_pdf(out: IO[bytes], title: str, html_batches: Iterable[str]) -> int:
    """Lay out each batch of HTML and write them as one tagged PDF to `out`; the number of pages."""
    merger = _Merger(out, title)
    for laid_out in _laid_out(html_batches, processes()):
        merger.add(laid_out)
    if not merger.page_refs:
        raise ValueError("A PDF needs at least one page.")
    merger.finish()
    return len(merger.page_refs)


def pdf_bytes(title: str, html_batches: Iterable[str]) -> bytes:
    out = io.BytesIO()
    write_pdf(out, title, html_batches)
    return out.getvalue()


def council() -> dict:
    """What the council set up for its documents (settings: PROUD_COUNCIL_NAME, PROUD_LOGO,
    PROUD_SIGNATORIES), with demo defaults."""
    return {
        "council_name": settings.PROUD_COUNCIL_NAME,
        "logo": settings.PROUD_LOGO,
        "signatories": settings.PROUD_SIGNATORIES,
    }


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    """`items` `size` at a time (the cards of one sheet)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
