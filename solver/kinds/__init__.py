"""The puzzle kinds: one package per kind (solver/kinds/<name>/), and the registry that finds them.

Adding a kind is a new package whose `KIND` implements `solver.kinds.protocol.Kind`, plus one line
in `_PACKAGES`. A kind is imported the first time it is asked for, so importing this module
imports no kind and registers nothing as a side effect; the kinds never import each other
(an import-linter contract). `register` adds a kind defined elsewhere (the tests' Latin squares).
"""

from __future__ import annotations

import importlib

from solver.codec import TokenCodec
from solver.kinds.protocol import Augmentation, Kind, Record

__all__ = ["Augmentation", "Kind", "Record", "codec_for", "get", "kind_for", "names", "register", "sniff", "unregister"]

# name -> the package whose KIND it is; the order is the order of the window's tabs.
_PACKAGES: dict[str, str] = {
    "sudoku": "solver.kinds.sudoku",
    "maze": "solver.kinds.maze",
    "arc": "solver.kinds.arc",
}
_LOADED: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make a kind defined outside solver/kinds findable by its name; returns it."""
    if kind.name in _PACKAGES or (kind.name in _LOADED and _LOADED[kind.name] is not kind):
        raise ValueError(f"a puzzle kind named {kind.name!r} already exists")
    _LOADED[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget a kind added with `register` (the shipped kinds stay)."""
    if name in _PACKAGES:
        raise ValueError(f"{name!r} is a shipped kind; it cannot be unregistered")
    _LOADED.pop(name, None)


def names() -> tuple[str, ...]:
    """Every kind's name: the shipped ones first, in tab order, then registered ones."""
    return (*_PACKAGES, *(n for n in _LOADED if n not in _PACKAGES))


def get(name: str) -> Kind:
    """The kind called `name` (bound to its default codec); ValueError naming the known ones."""
    kind = _LOADED.get(name)
    if kind is None:
        package = _PACKAGES.get(name)
        if package is None:
            raise ValueError(f"unknown puzzle kind {name!r} (known: {', '.join(names())})")
        kind = importlib.import_module(package).KIND
        _LOADED[name] = kind
    return kind


def kind_for(name: str, codec_name: str) -> Kind:
    """The kind a model card names, bound to the card's codec; ValueError if they do not fit."""
    bound = get(name).with_codec(codec_name)
    if bound is None:
        owner = next((n for n in names() if get(n).with_codec(codec_name) is not None), None)
        if owner is not None:
            raise ValueError(f"codec {codec_name!r} is for {owner}, the model says {name}")
        raise ValueError(f"unknown token codec {codec_name!r} for {name}")
    return bound


def codec_for(codec_name: str) -> TokenCodec:
    """The codec called `codec_name`, whichever kind owns it; ValueError if none does."""
    for name in names():
        bound = get(name).with_codec(codec_name)
        if bound is not None:
            return bound.codec
    raise ValueError(f"unknown token codec {codec_name!r}")


def sniff(text: str, name: str) -> Kind:
    """The kind whose documents `text` most looks like; ValueError naming the formats tried."""
    scores = [(get(n).sniff(text, name), i, n) for i, n in enumerate(names())]
    best, _, winner = max(scores, key=lambda s: (s[0], -s[1]))
    if best <= 0.0:
        tried = "; ".join(f"{get(n).title}: {get(n).formats}" for n in names())
        raise ValueError(f"{name or 'the text'}: not a puzzle file of any kind this app reads (tried {tried})")
    return get(winner)
