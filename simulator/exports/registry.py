"""An export kind is one entry; a registry picks it by the path's suffix and writes it.

A kind says how one subject (a plan, a search's best split, a Pareto front) becomes the
bytes of one file format: its suffixes (the first is the one written when adsim names the
file), mime type, label and render function. A registry holds the kinds of one subject.
Every ``--out``, the batch's per-run files and the studio's download buttons read the same
registry, so a new format is one new entry and shows up everywhere at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from simulator.io.errors import UsageError
from simulator.io.files import atomic_write

S = TypeVar("S")


@dataclass(frozen=True)
class ExportKind(Generic[S]):
    """One file format of one subject.

    ``render`` must be pure: it is called in the studio on every click and in batch workers
    on other machines, and a failure must leave any existing file untouched.
    """

    name: str
    suffixes: tuple[str, ...]
    mime: str
    label: str
    render: Callable[[S], bytes]

    @property
    def suffix(self) -> str:
        """The suffix adsim gives a file of this kind when it names the file itself."""
        return self.suffixes[0]


class Registry(Generic[S]):
    """The export kinds of one subject, in the order they are offered."""

    def __init__(self, subject: str, kinds: Iterable[ExportKind[S]]) -> None:
        self.subject = subject
        self._kinds: dict[str, ExportKind[S]] = {}
        self._by_suffix: dict[str, ExportKind[S]] = {}
        for kind in kinds:
            self.register(kind)

    def register(self, kind: ExportKind[S]) -> None:
        """Add ``kind``; a second kind of the same name or suffix is a programming error."""
        taken = [s for s in kind.suffixes if s in self._by_suffix]
        if kind.name in self._kinds or taken or not kind.suffixes:
            raise ValueError(f"{self.subject} export '{kind.name}': name or suffix taken {taken}")
        self._kinds[kind.name] = kind
        self._by_suffix.update({s: kind for s in kind.suffixes})

    def __iter__(self) -> Iterator[ExportKind[S]]:
        return iter(self._kinds.values())

    def __len__(self) -> int:
        return len(self._kinds)

    def __getitem__(self, name: str) -> ExportKind[S]:
        return self._kinds[name]

    @property
    def suffixes(self) -> list[str]:
        """Every accepted suffix, sorted (what an error message offers)."""
        return sorted(self._by_suffix)

    def for_path(self, path: str | Path, flag: str = "--out") -> ExportKind[S]:
        """The kind a path asks for by its suffix (any case).

        Raises:
            UsageError: an unknown or missing suffix; names the flag, the path and every
                allowed suffix (the CLI turns it into exit 2 before any work is done).
        """
        suffix = Path(path).suffix.lower()
        kind = self._by_suffix.get(suffix)
        if kind is None:
            allowed = ", ".join(self.suffixes)
            raise UsageError(
                f"{flag}: {path}: unknown export type '{suffix or '(none)'}'; "
                f"a {self.subject} is written as {allowed}"
            )
        return kind

    def write(self, path: str | Path, subject: S, flag: str = "--out") -> ExportKind[S]:
        """Render ``subject`` by the path's suffix and write it atomically.

        The bytes are rendered in full before the file is touched, so a failure in either
        step leaves the old file as it was.
        """
        kind = self.for_path(path, flag)
        atomic_write(path, kind.render(subject))
        return kind
