"""Text of attachment files: PDF (pypdf), DOCX (python-docx), XLSX (openpyxl), XLS (xlrd), and
legacy Word .doc (olefile + our piece-table reader in word97.py).

The format is recognised from the file's first bytes, not from the URL or the Content-Type, which
government sites often get wrong.
Table rows come out one per line with tab-separated cells, like tables in pages.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from crawler.extract.common import clean_lines
from crawler.extract.word97 import doc_text

MAX_ATTACHMENT_CHARS = 200_000  # enough for any policy; bounds the index entry of a huge spreadsheet
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class AttachmentError(ValueError):
    """A file that could not be read; the message says why."""


def file_format(content: bytes) -> str:
    """'pdf', 'docx', 'xlsx', 'xls', 'doc' or '' from the first bytes (and zip member names)."""
    if content.startswith(b"%PDF"):
        return "pdf"
    if content.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return ""
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return ""
    if content.startswith(_OLE_MAGIC):
        return "xls" if _has_workbook(content) else "doc"
    return ""


def _has_workbook(content: bytes) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            return bool(ole.exists("Workbook") or ole.exists("Book"))
    except Exception:  # olefile raises OSError, ValueError … for damaged containers
        return False


def _cell(value: object) -> str:
    """Spreadsheet numbers are floats in .xls files: 1.0 is shown as 1."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_text(rows: Iterable[Iterable[object]]) -> list[str]:
    lines = []
    for row in rows:
        cells = [_cell(cell) for cell in row]
        if any(cells):
            lines.append("\t".join(cells).rstrip("\t"))
    return lines


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(_rows_text([cell.text for cell in row.cells] for row in table.rows))
    return "\n".join(lines)


def _xlsx_text(content: bytes) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    lines: list[str] = []
    for sheet in workbook.worksheets:
        lines.append(str(sheet.title))
        lines.extend(_rows_text(sheet.iter_rows(values_only=True)))
    workbook.close()
    return "\n".join(lines)


def _xls_text(content: bytes) -> str:
    import xlrd

    book = xlrd.open_workbook(file_contents=content)
    lines: list[str] = []
    for sheet in book.sheets():
        lines.append(str(sheet.name))
        lines.extend(_rows_text(sheet.row_values(index) for index in range(sheet.nrows)))
    return "\n".join(lines)


_READERS = {"pdf": _pdf_text, "docx": _docx_text, "xlsx": _xlsx_text, "xls": _xls_text, "doc": doc_text}


def attachment_text(content: bytes) -> str:
    """The readable text of an attachment; AttachmentError for unknown, unsupported or broken files."""
    kind = file_format(content)
    reader = _READERS.get(kind)
    if reader is None:
        raise AttachmentError(f"unsupported attachment format: {kind or 'unknown'}")
    try:
        text = reader(content)
    except Exception as exc:  # each library has its own exception tree for corrupt files
        raise AttachmentError(f"cannot read {kind}: {type(exc).__name__}: {exc}") from exc
    return clean_lines(text)[:MAX_ATTACHMENT_CHARS]
