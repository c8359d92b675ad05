"""Text of legacy Word 97–2003 `.doc` files, read from the piece table ([MS-DOC] 2.4.1).

olefile opens the OLE container; the FIB at the start of the WordDocument stream says which table
stream (0Table/1Table) holds the Clx, whose piece table maps character positions to UTF-16LE (or,
when compressed, 8-bit cp1252) runs of the WordDocument stream. Only the main text is read (the first
ccpText characters): headers, footnotes and comments follow it. Encrypted files are refused.
Tested on files built to the specification by the tests, not on a corpus of Word-produced files.
"""

from __future__ import annotations

import io
import re
import struct

FIB_IDENT = 0xA5EC
_FLAGS, _CCP_TEXT, _FC_CLX = 0x000A, 0x004C, 0x01A2
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200
_COMPRESSED, _FC_MASK = 0x40000000, 0x3FFFFFFF
_FIELD_CODE = re.compile("\x13[^\x13\x14\x15]*\x14?")  # field instruction, up to its result
_CONTROL = str.maketrans(
    {"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x07": "\t", "\x15": None, "\x01": None, "\x08": None}
)


class DocFormatError(ValueError):
    """Not a readable Word 97–2003 document."""


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> tuple[list[int], list[int]]:
    """Character positions and file offsets (with the compressed flag) of the piece table."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc entries (formatting) come first
        (size,) = struct.unpack_from("<H", clx, pos + 1)
        pos += 3 + size
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise DocFormatError("no piece table")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    count = (lcb - 4) // 12
    if count <= 0 or len(plc) < lcb:
        raise DocFormatError("damaged piece table")
    positions = list(struct.unpack_from(f"<{count + 1}I", plc, 0))
    offsets = [struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0] for i in range(count)]
    return positions, offsets


def doc_text(content: bytes) -> str:
    """The main text of a .doc file, paragraphs on their own lines, table cells tab-separated."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            word = ole.openstream("WordDocument").read()
            (ident,) = struct.unpack_from("<H", word, 0)
            (flags,) = struct.unpack_from("<H", word, _FLAGS)
            if ident != FIB_IDENT:
                raise DocFormatError("not a Word 97–2003 document")
            if flags & _ENCRYPTED:
                raise DocFormatError("encrypted document")
            table = ole.openstream("1Table" if flags & _TABLE_1 else "0Table").read()
    except (OSError, struct.error) as exc:
        raise DocFormatError(f"damaged document: {exc}") from exc
    (ccp_text,) = struct.unpack_from("<I", word, _CCP_TEXT)
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FC_CLX)
    positions, offsets = _pieces(table, fc_clx, lcb_clx)
    parts = []
    for start, end, fc in zip(positions, positions[1:], offsets, strict=False):
        if start >= ccp_text:
            break
        length = min(end, ccp_text) - start
        if fc & _COMPRESSED:
            offset = (fc & _FC_MASK) // 2
            parts.append(word[offset : offset + length].decode("cp1252", "replace"))
        else:
            offset = fc & _FC_MASK
            parts.append(word[offset : offset + 2 * length].decode("utf-16-le", "replace"))
    # a cell ends with \x07 and a row with one more: rows on their own lines, cells tab-separated
    return _FIELD_CODE.sub("", "".join(parts)).replace("\x07\x07", "\n").translate(_CONTROL)
