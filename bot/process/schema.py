"""Pydantic schemas of company configuration files, and a loader that reports file, line and reason."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.process import ProcessFileError


class Text(BaseModel):
    """A text in both languages."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    en: str
    zh: str

    def __init__(self, **data: Any) -> None:
        if "zh-Hans" in data:
            data["zh"] = data.pop("zh-Hans")
        super().__init__(**data)

    def get(self, locale: str) -> str:
        return self.zh if locale == "zh-Hans" else self.en


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A YAML loader that remembers the line of every mapping key (for error messages). libyaml's parser
    where PyYAML has it (ten times faster: the process files cost 0.27 s at every start in pure Python)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {loader.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value}
    mapping_with_lines = _LineDict(mapping)
    mapping_with_lines.lines = lines
    mapping_with_lines.line = node.start_mark.line + 1
    return mapping_with_lines


class _LineDict(dict):
    lines: dict
    line: int


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(data: Any, loc: tuple) -> int | None:
    line, node = None, data
    for part in loc:
        if isinstance(node, _LineDict):
            line = node.lines.get(part, node.line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, _LineDict):
                line = node.line
        else:
            break
    return line


def load_yaml_model(path: Path, model: type[BaseModel]) -> Any:
    """Parse and validate ``path``; any problem raises ProcessFileError naming file, line and reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ProcessFileError(f"{path}: cannot read the file ({e.strerror})") from e
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else "line ?"
        raise ProcessFileError(f"{path}, {line}: not valid YAML ({getattr(e, 'problem', e)})") from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        line = _line_of(data, tuple(err["loc"]))
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        raise ProcessFileError(f"{path}, line {line or '?'}: {where}: {err['msg']}") from e


class Checkpoint(BaseModel):
    """A step inside a stage that earns its own probability before the stage's milestone (SPEC §2: the
    six-stage set's "negotiation under way", 80%, inside stage 5)."""

    model_config = ConfigDict(extra="forbid")
    key: str
    name: Text
    probability: int

    @field_validator("probability")
    @classmethod
    def _pct(cls, v: int) -> int:
        if not 0 <= v <= 100:
            raise ValueError("probability must be between 0 and 100")
        return v


class StageDef(BaseModel):
    """A stage. ``probability`` is what its milestone earns once met (the 965531 ladder, SPEC §2), not
    what sitting in the stage is worth; ``checkpoint`` optionally earns its own on the way."""

    model_config = ConfigDict(extra="forbid")
    key: str
    name: Text
    buying_step: Text
    work: Text
    milestone: Text
    checklist: list[Text] = []
    probability: int
    checkpoint: Checkpoint | None = None
    duration_days: int
    gate: str = "record"  # record | interview_passed | coach_and_decision_maker | signed | paid

    @property
    def work_items(self) -> list[Text]:
        """The stage's work as a to-do list: ``work`` split at semicolons (the same count in both
        languages, else the whole text as one item)."""
        en, zh = (
            [x.strip() for x in re.split(r"[;；]", text) if x.strip()]
            for text in (self.work.en, self.work.zh)
        )
        if len(en) != len(zh) or not en:
            return [self.work]
        return [Text(en=a[:1].upper() + a[1:], zh=b) for a, b in zip(en, zh, strict=True)]

    @field_validator("probability")
    @classmethod
    def _pct(cls, v: int) -> int:
        if not 0 <= v <= 100:
            raise ValueError("probability must be between 0 and 100")
        return v

    @field_validator("duration_days")
    @classmethod
    def _days(cls, v: int) -> int:
        if v < 1:
            raise ValueError("duration_days must be at least 1")
        return v

    @field_validator("gate")
    @classmethod
    def _gate(cls, v: str) -> str:
        if v not in {"record", "interview_passed", "coach_and_decision_maker", "signed", "paid"}:
            raise ValueError(f"unknown gate {v!r}")
        return v


class StageSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: Text
    stages: list[StageDef]

    @field_validator("stages")
    @classmethod
    def _unique(cls, v: list[StageDef]) -> list[StageDef]:
        keys = [s.key for s in v]
        if len(v) < 2:
            raise ValueError("a stage set needs at least two stages")
        if len(set(keys)) != len(keys):
            raise ValueError(f"stage keys must be unique: {keys}")
        return v

    def index(self, key: str) -> int:
        return next(i for i, s in enumerate(self.stages) if s.key == key)

    def get(self, key: str) -> StageDef:
        return self.stages[self.index(key)]

    def next(self, key: str) -> StageDef | None:
        i = self.index(key)
        return self.stages[i + 1] if i + 1 < len(self.stages) else None

    @property
    def first(self) -> StageDef:
        return self.stages[0]

    @property
    def last(self) -> StageDef:
        return self.stages[-1]
