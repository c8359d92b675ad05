"""Statements compiled once, for the few calls `Database.rows`/`Database.run` send straight to the
SQLite driver (see there for why).

A statement is compiled per set of parameter names and per length of each IN list, into a SQL string
and where each positional value comes from: a caller's parameter, one element of an IN list, or a
value the statement binds itself (a literal `withdrawn = 0` is a parameter too). A call then only
builds a tuple. Only statements whose values need no type processing qualify (TEXT and INTEGER
columns); anything else fails loudly here instead of being sent wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

_Key = tuple[int, tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class _Plan:
    statement: Executable  # kept so that an id() is never taken for another statement's
    sql: str
    sources: tuple[tuple[str, int], ...]  # (parameter, index in its IN list or -1), in SQL order
    own_values: dict[str, Any]  # values the statement binds itself


class CompiledStatements:
    """Safe to share between threads: two threads compiling the same statement store equal plans."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._plans: dict[_Key, _Plan] = {}

    def expand(self, statement: Executable, params: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
        """The SQL text and positional values to execute `statement` with `params`."""
        plan = self._plan_for(statement, params)
        own = plan.own_values
        return plan.sql, tuple(
            params[name][index] if index >= 0 else params[name] if name in params else own[name]
            for name, index in plan.sources
        )

    def expand_many(
        self, statement: Executable, rows: Sequence[Mapping[str, Any]]
    ) -> tuple[str, list[tuple[Any, ...]]]:
        """The SQL text and each row's positional values, for rows with the same keys and plain (not list)
        values: the plan is looked up once, not per row."""
        plan = self._plan_for(statement, rows[0])
        if any(index >= 0 for _name, index in plan.sources):
            raise ValueError("expand_many takes rows of plain values, not lists to expand")
        own = plan.own_values
        names = [name for name, _index in plan.sources]
        return plan.sql, [tuple(row[n] if n in row else own[n] for n in names) for row in rows]

    def _plan_for(self, statement: Executable, params: Mapping[str, Any]) -> _Plan:
        shape = tuple((k, len(v) if isinstance(v, list | tuple) else -1) for k, v in sorted(params.items()))
        plan = self._plans.get((id(statement), shape))
        if plan is None or plan.statement is not statement:
            plan = self._plans[(id(statement), shape)] = _plan(statement, self.dialect, params)
        return plan


def _plan(statement: Executable, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
    element = cast(ClauseElement, statement)
    compiled = cast(SQLCompiler, element.compile(dialect=dialect, column_keys=sorted(params)))
    state = compiled.construct_expanded_state(params)
    if state.processors:
        raise ValueError("the hot path takes statements without type processing")
    origin = {
        expanded: (name, index)
        for name, names in state.parameter_expansion.items()
        for index, expanded in enumerate(names)
    }
    sources = tuple(origin.get(name, (name, -1)) for name in state.positiontup or ())
    own = {name: state.parameters[name] for name, index in sources if index < 0 and name not in params}
    return _Plan(statement, state.statement, sources, own)
