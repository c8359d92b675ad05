"""Attachments are parsed in a child process within a time and a memory limit: a zip bomb costs the
crawler nothing but an error line."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest

from crawler.extract.attachments import AttachmentError
from crawler.parse_worker import attachment_text_limited
from tests.crawler.files import make_docx

PARAGRAPH = b"<w:p><w:r><w:t>" + b"\xe5\x8a\x9e" * 200 + b"</w:t></w:r></w:p>"


def docx_bomb(paragraphs: int) -> bytes:
    """A small DOCX whose document.xml unpacks to `paragraphs` × 620 bytes."""
    template = zipfile.ZipFile(io.BytesIO(make_docx(["x"], [["x"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in template.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, template.read(item))
        with bomb.open("word/document.xml", "w", force_zip64=True) as xml:
            xml.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/')
            xml.write(b'wordprocessingml/2006/main"><w:body>')
            for _ in range(paragraphs // 1000):
                xml.write(PARAGRAPH * 1000)
            xml.write(b"</w:body></w:document>")
    return out.getvalue()


def test_a_normal_attachment_is_read_in_the_worker() -> None:
    content = make_docx(["关于做好社会保障卡服务的通知"], [["事项", "时限"]])
    assert "社会保障卡" in asyncio.run(attachment_text_limited(content))


def test_a_zip_bomb_is_stopped_by_the_memory_limit() -> None:
    bomb = docx_bomb(200_000)  # about 120 MB of XML
    assert len(bomb) < 1_000_000
    with pytest.raises(AttachmentError):
        asyncio.run(attachment_text_limited(bomb, memory=400 * 2**20))


def test_parsing_past_the_time_limit_is_stopped() -> None:
    with pytest.raises(AttachmentError, match="longer than"):
        asyncio.run(attachment_text_limited(docx_bomb(20_000), seconds=0.05))
