"""Every file the app hands out (spreadsheets, JSON exports), from pages and the API alike, goes
through these two helpers, so each is sent the same way: as an attachment, streamed from a
temporary file (memory does not grow with rows), and `Cache-Control: private, no-store`, because
each holds personal data that no browser or proxy cache may keep. tests/test_downloads.py fails if
any download answers without it.

Here, in the leftmost app that exports (nominations), as its exporters' safe cell writer is."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpResponse

from .spreadsheets import safe_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_STORE = "private, no-store"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def xlsx_response(exporter) -> FileResponse:
    """An exporter's workbook as a download."""
    spool = tempfile.TemporaryFile()
    exporter.write(spool)
    spool.seek(0)
    return _private(FileResponse(spool, as_attachment=True, filename=exporter.filename(), content_type=XLSX))


def file_response(content: str | bytes, *, stem: str, extension: str, content_type: str) -> HttpResponse:
    """Content made in memory (a JSON export) as a download named `stem.extension`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(stem, extension=extension)}"'
    return _private(response)


PDF = "application/pdf"


def pdf_response(write, *, filename: str, inline: bool = False) -> FileResponse:
    """A PDF written by `write(file)` into a temporary file (memory does not grow with pages), as a
    download, or `inline` to be shown in the browser (a preview): private and not stored either way."""
    spool = tempfile.TemporaryFile()
    write(spool)
    spool.seek(0)
    return _private(FileResponse(spool, as_attachment=not inline, filename=safe_filename(filename, extension="pdf"), content_type=PDF))
