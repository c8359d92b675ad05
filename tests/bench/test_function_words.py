"""The packaged question and function words are what `bench/function_words.py` derives from the
citizens' messages: the list keeps its provenance and cannot drift from its source."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from indexer.analysis import query_stopwords
from tests.shared_data import shared_path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "function_words.py"


def test_the_packaged_function_words_are_derived_from_citizens_messages() -> None:
    folder = shared_path("data/messages/queries_from_message_titles.tsv").parent
    spec = importlib.util.spec_from_file_location("function_words", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("function_words", module)
    spec.loader.exec_module(module)
    derived = module.function_words(folder)
    assert {word for word, _kind, _count in derived} == set(query_stopwords())
    kinds = {word: kind for word, kind, _count in derived}
    assert kinds["吗"] == "语气词" and kinds["有没有"] == "疑问词" and kinds["可以"] == "能愿动词"
    assert "社保" not in query_stopwords() and "办理" not in query_stopwords()
    assert "可不可以" in query_stopwords() and "会不会" in query_stopwords()  # any A-not-A question
