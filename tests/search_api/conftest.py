"""One index of the shared corpus (Guangdong items, the 四川 广安区 catalogue, the 60 State Council pages;
title vectors) for every engine test that only reads it: building it took ~15 s, once per module before."""

from __future__ import annotations

import pytest

from govsearch.cli import main
from govsearch.settings import Settings
from indexer.vectors import MODELS
from tests.shared_data import shared_path


@pytest.fixture(scope="session")
def shared_corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    items = shared_path("data/service_items/guangdong.jsonl")
    catalogue = shared_path("data/catalogue/sichuan_guangan.csv")
    pages = shared_path("data/pages/govcn_2019")
    data = tmp_path_factory.mktemp("shared-corpus")
    gs = ["--data-dir", str(data)]
    assert main([*gs, "import-items", str(items), "--no-index"]) == 0
    assert main([*gs, "import-items", str(catalogue), "--no-index"]) == 0
    assert main([*gs, "crawl", "govcn_2019", "--mirror-dir", str(pages), "--delay", "0"]) == 0
    assert main([*gs, "index"]) == 0
    settings = Settings(data_dir=data, log_queries=False, anonymous_rate="", anonymous_suggest_rate="")
    assert all((data / MODELS[model].file).exists() for model in settings.models)  # the default models
    return settings
