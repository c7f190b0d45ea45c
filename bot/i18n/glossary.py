"""One voice in Chinese: the zh-Hans glossary (glossary.yaml) and the checks every zh-Hans string is held to.

``problems(text)`` lists what is wrong with one zh-Hans string: a forbidden variant of a glossary concept
(outside an occurrence of the concept's own term or allowed words), half-width punctuation next to Chinese,
a lone ``…``, or an English unit after a number ("17 d"). tests/unit/test_glossary.py runs it over every
catalog string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_PATH = Path(__file__).parent / "glossary.yaml"

HALF_WIDTH = ",;:()!?"
# Ideographs and CJK/full-width punctuation count as "Chinese" for the neighbour test.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”]")
# Things that are not prose: code spans, Slack tokens (<@U1>, <#C1>, <!date^…|…>, links).
_NOT_PROSE = re.compile(r"`[^`]*`|<[^<>\s][^<>]*>")
_FIELD = re.compile(r"\{[^{}]*\}")
_SKIP = " *_~\t\n"  # spaces and mrkdwn markers between a mark and its neighbour
_EN_UNIT = re.compile(r"\d\s?(?:d|h|hrs?|wk|days?|weeks?|months?|mins?)\b")
_LONE_ELLIPSIS = re.compile(r"(?<!…)…(?!…)|\.\.\.")


@dataclass(frozen=True)
class Concept:
    key: str
    en: str
    term: str
    short: str | None
    forbidden: tuple[str, ...]
    allow: tuple[str, ...]


@cache
def concepts() -> tuple[Concept, ...]:
    data = yaml.safe_load(_PATH.read_text(encoding="utf-8"))["concepts"]
    return tuple(
        Concept(
            key=k,
            en=str(v["en"]),
            term=str(v["term"]),
            short=str(v["short"]) if v.get("short") else None,
            forbidden=tuple(str(x) for x in v.get("forbidden") or ()),
            allow=tuple(str(x) for x in v.get("allow") or ()),
        )
        for k, v in data.items()
    )


def _spans(text: str, word: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(word)) for m in re.finditer(re.escape(word), text)]


def term_problems(text: str, glossary: tuple[Concept, ...] | None = None) -> list[str]:
    out: list[str] = []
    for c in glossary if glossary is not None else concepts():
        good = [s for w in (c.term, c.short, *c.allow) if w for s in _spans(text, w)]
        for bad in c.forbidden:
            if any(not any(ga <= a and b <= gb for ga, gb in good) for a, b in _spans(text, bad)):
                out.append(f"{c.key}: “{bad}” → “{c.term}”")
                break  # one finding per concept
    return out


def _neighbour(text: str, i: int, step: int) -> str:
    i += step
    while 0 <= i < len(text) and text[i] in _SKIP:
        i += step
    return text[i] if 0 <= i < len(text) else ""


def punctuation_problems(text: str) -> list[str]:
    prose = _FIELD.sub("X", _NOT_PROSE.sub(" ", text))
    out: list[str] = []
    for i, ch in enumerate(prose):
        if ch not in HALF_WIDTH:
            continue
        if ch == ":" and prose[i - 1 : i].isdigit() and prose[i + 1 : i + 2].isdigit():
            continue  # 09:00
        if any(_CJK.match(n) for n in (_neighbour(prose, i, -1), _neighbour(prose, i, 1))):
            out.append(f"half-width “{ch}” next to Chinese at {i}: …{prose[max(0, i - 8) : i + 8]}…")
    if _LONE_ELLIPSIS.search(prose) and _CJK.search(prose):
        out.append("ellipsis: use “……”, not “…” or “...”")
    for m in _EN_UNIT.finditer(prose):
        out.append(f"English unit in “{m.group(0)}”: use 天/周/小时")
    return out


def problems(text: str, glossary: tuple[Concept, ...] | None = None) -> list[str]:
    """Everything wrong with one zh-Hans string (empty: it speaks the one voice)."""
    return term_problems(text, glossary) + punctuation_problems(text)
