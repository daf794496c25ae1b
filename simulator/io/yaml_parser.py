"""The YAML parser adsim reads with: safe, bounded, libyaml-fast where available.

Parsing goes event parser -> our composer -> nodes; ``yaml_build`` turns nodes into data.
The event parser is libyaml's (``CParser``, ~3x faster on a 1 MB file) when PyYAML was built
with it, else PyYAML's pure-Python one; the composer is always PyYAML's Python one with two
bounds added, because libyaml's own composer recurses in C without a depth limit:

- nesting depth (a file of 10,000 ``[`` exhausted Python's stack: "maximum recursion");
- alias uses.

Resolution is PyYAML's safe one except: dates stay text (the schema parses them with one
rule), and ``1e5`` is a number, as in JSON and YAML 1.2 (YAML 1.1 reads it as text, which
made a JSON split with ``1e5`` bad input).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from simulator.io.yaml_build import MAX_ALIASES, MAX_DEPTH, LimitError

try:
    from yaml._yaml import CParser

    HAVE_LIBYAML = True
except ImportError:  # PyYAML built without libyaml
    HAVE_LIBYAML = False


class _Resolver(Resolver):
    """Safe resolution without timestamps, with ``1e5`` as a float."""


_Resolver.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(  # tried after int (which never matches 1e5), before text
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


class _BoundedComposer(Composer):
    """PyYAML's composer with a depth bound and an alias-use bound, each located."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # Composer is a mixin: peek_event comes from the Loader's Parser, which the stub omits
        event = self.peek_event()  # type: ignore[attr-defined]
        at = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise LimitError(at, f"more than {MAX_ALIASES:,} aliases")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise LimitError(at, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class PyLoader(Reader, Scanner, Parser, _BoundedComposer, SafeConstructor, _Resolver):
    """Pure-Python events; positions of reader errors count characters."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)


LOADER: Any = PyLoader
POSITION_IN_BYTES = False  # where a reader error's position counts UTF-8 bytes

if HAVE_LIBYAML:

    class CLoader(_BoundedComposer, CParser, SafeConstructor, _Resolver):
        """libyaml's events under our composer; reader error positions count UTF-8 bytes."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)

    LOADER = CLoader
    POSITION_IN_BYTES = True


def new_loader(text: str) -> Any:
    """A loader over ``text``: call ``get_single_node()``, then ``dispose()``."""
    return LOADER(text)


def line_at(text: str, position: int) -> int:
    """The 1-based line of a reader error's ``position`` in ``text``."""
    if POSITION_IN_BYTES:
        return text.encode("utf-8", "replace")[: max(position, 0)].count(b"\n") + 1
    return text[: max(position, 0)].count("\n") + 1
