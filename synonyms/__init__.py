"""Synonyms: citizens' everyday words → the official terms government documents use."""

from synonyms.expansion import SynonymMatch, SynonymSet, default_synonym_paths, load_default_synonyms
from synonyms.loader import SynonymFileError, load_synonym_files, parse_synonyms
from synonyms.rules import SynonymRule

__all__ = [
    "SynonymFileError",
    "SynonymMatch",
    "SynonymRule",
    "SynonymSet",
    "default_synonym_paths",
    "load_default_synonyms",
    "load_synonym_files",
    "parse_synonyms",
]
