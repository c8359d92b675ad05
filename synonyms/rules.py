"""The one definition of a synonym rule, as read from a dictionary file."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

RuleKind = Literal["one_way", "equivalent"]

MAX_TERM_LENGTH = 30


class SynonymRule(BaseModel):
    """One line of a synonym file.

    ``one_way``: each term of ``terms_from`` (what a citizen may type) expands to every term of
    ``terms_to`` (the official wording); the typed word is kept. ``equivalent``: ``terms_to`` is
    empty and every member of ``terms_from`` expands to all the others.
    Terms are stored normalised (``indexer.analysis.normalize``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: RuleKind = Field(description="one_way 单向扩展 或 equivalent 等价组")
    terms_from: tuple[str, ...] = Field(description="群众可能输入的说法")
    terms_to: tuple[str, ...] = Field(default=(), description="单向规则的规范用语；等价组为空")
    comment: str = Field(default="", description="行尾注释：为什么这样扩展")
    owner: str = Field(default="", description="负责人或负责小组（文件中的 @owner 行）")
    category: str = Field(default="", description="类别（文件中的 @category 行）")
    origin: str = Field(
        default="",
        description="群众说法的出处（@origin 行）：目录日常用语/简称、群众留言、名称变更…",
    )
    weight: float = Field(default=1.0, gt=0, le=1, description="扩展词权重：人工审核规则为 1，通用词林层更低")
    source: str = Field(default="", description="规则位置 file:line")

    @model_validator(mode="after")
    def _sides_fit_kind(self) -> SynonymRule:
        if self.kind == "one_way":
            if not self.terms_from or not self.terms_to:
                raise ValueError("a one_way rule needs terms on both sides")
        else:
            if self.terms_to:
                raise ValueError("an equivalent rule keeps all its terms in terms_from")
            if len(self.terms_from) < 2:
                raise ValueError("an equivalence group needs at least two terms")
        return self

    def targets(self, term: str) -> tuple[str, ...]:
        """The terms ``term`` (one of ``terms_from``) expands to under this rule."""
        if self.kind == "one_way":
            return tuple(t for t in self.terms_to if t != term)
        return tuple(t for t in self.terms_from if t != term)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """Every (typed term, added term) pair this rule defines."""
        return tuple((term, target) for term in self.terms_from for target in self.targets(term))
