"""A real excerpt of the 广东 catalogue and policies that name its items: the build tests' corpus."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from indexer.catalogue.formats import read_catalogue
from indexer.documents import Document
from indexer.importer import ImportReport
from tests.factories import SAMPLE_DOCUMENTS, policy
from tests.shared_data import shared_path


def write_excerpt(folder: Path, items: int = 300) -> Path:
    """The first `items` real 广东 items with their guides, as an import file in `folder`."""
    source = shared_path("data/service_items/guangdong.jsonl")
    path = folder / "items.jsonl"
    with source.open(encoding="utf-8") as lines:
        path.write_text("".join(islice(lines, items)), encoding="utf-8")
    return path


def policies_naming_items(catalogue: Path, every: int) -> list[Document]:
    """The sample documents and a policy for every `every`-th of the first 300 items, naming it in
    title and body, so that the name and object rules of the linker are used."""
    names = [i.item.name for i in islice(read_catalogue(catalogue, ImportReport()), 0, 300, every)]
    made = (
        policy(f"关于{n}的通知", f"粤测〔2026〕{k}号", f"申请人可以办理{n}。请于十日内{n}。")
        for k, n in enumerate(names)
    )
    return [*SAMPLE_DOCUMENTS, *made]
