"""Indexer: shared document models, text analysis, the store of record and the search backends."""
