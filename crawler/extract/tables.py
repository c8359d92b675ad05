"""Data tables → readable text: one line per row, cells separated by a tab, merged cells filled in.

Word-pasted tables (MsoTableGrid, common on ministry sites) merge cells with rowspan/colspan; a
row printed on its own would lose the merged values, so each spanned value is repeated in every row
and column it covers. Paragraphs inside a cell are joined, since Word wraps long cells into lines.
"""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborNode

CELL_SEPARATOR = "\t"
MAX_SPAN = 100  # a guard against rowspan="9999" in broken markup


def _span(cell: LexborNode, name: str) -> int:
    value = (cell.attributes.get(name) or "1").strip()
    return min(int(value), MAX_SPAN) if value.isdigit() and int(value) > 0 else 1


def is_data_table(table: LexborNode) -> bool:
    """A table without nested tables; layout tables (tables of tables) are read as ordinary blocks."""
    return len(table.css("table")) == 1  # css() matches the node itself too


def table_grid(table: LexborNode, cell_text: Callable[[LexborNode], str]) -> list[list[str]]:
    """The table as a rectangular-ish grid of cell texts, rowspan/colspan values repeated."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
    for row in table.css("tr"):
        line: list[str] = []
        cells = [child for child in _element_children(row) if child.tag in ("td", "th")]
        column = 0
        for cell in cells:
            column = _fill_pending(line, pending, column)
            text = cell_text(cell)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for _ in range(colspan):
                if rowspan > 1:
                    pending[column] = (rowspan - 1, text)
                line.append(text)
                column += 1
        _fill_pending(line, pending, column, to_end=True)
        grid.append(line)
    return grid


def _fill_pending(
    line: list[str], pending: dict[int, tuple[int, str]], column: int, to_end: bool = False
) -> int:
    """Insert values of cells spanning from rows above into `line`, starting at `column`."""
    while column in pending or (to_end and any(c >= column for c in pending)):
        if column not in pending:
            line.append("")
            column += 1
            continue
        left, text = pending[column]
        line.append(text)
        if left <= 1:
            del pending[column]
        else:
            pending[column] = (left - 1, text)
        column += 1
    return column


def _element_children(node: LexborNode) -> list[LexborNode]:
    children = []
    child = node.first_child
    while child is not None:
        if child.is_element_node:
            children.append(child)
        child = child.next
    return children


def render_table(table: LexborNode, cell_text: Callable[[LexborNode], str]) -> str:
    """Rows on their own lines, cells tab-separated; empty rows dropped."""
    lines = []
    for row in table_grid(table, cell_text):
        if any(cell for cell in row):
            lines.append(CELL_SEPARATOR.join(row).rstrip(CELL_SEPARATOR))
    return "\n".join(lines)
