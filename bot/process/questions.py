"""The qualification question set (SPEC §3): shipped default or DEALBOT_QUESTIONS_FILE, validated at start."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from bot.process.schema import Text, load_yaml_model

HERE = Path(__file__).parent
DEFAULT_FILE = HERE / "questions.yaml"
KINDS = ("choice", "yes_no", "amount", "date", "number", "percent", "text", "person")
DEAL_FIELDS = ("expected_close", "amount")


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str
    label: Text
    score: int | None = None

    @field_validator("score")
    @classmethod
    def _score(cls, v: int | None) -> int | None:
        if v is not None and v not in (0, 1, 2):
            raise ValueError("an option scores 2, 1 or 0")
        return v


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    kind: Literal["choice", "yes_no", "amount", "date", "number", "percent", "text", "person"]
    short: Text
    text: Text
    help: Text
    options: list[Option] = []
    item: int | None = None  # scorecard row; set = a scored question
    weight: int = 1
    knockout: bool = False  # scoring 0 on this item fails the prospect
    knockout_when: list[str] = []  # option values that fail the prospect
    vetting: int | None = None  # which of the nine vetting questions it answers
    deal_field: Literal["expected_close", "amount"] | None = None
    min: float | None = None
    max: float | None = None
    # who in the buying organisation could tell, when it is still to find out (people roles)
    who_can_tell: list[Literal["coach", "gatekeeper", "decision_maker", "user"]] = ["coach"]

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not v.replace("_", "").isalnum() or not v.isascii() or len(v) > 40:
            raise ValueError("a key is up to 40 ASCII letters, digits and underscores")
        return v

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: int) -> int:
        if not 1 <= v <= 10:
            raise ValueError("weight must be between 1 and 10")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"{self.key}: option values must be unique")
        if self.kind in ("choice", "yes_no") and len(self.options) < 2:
            raise ValueError(f"{self.key}: a {self.kind} question needs at least two options")
        if self.item is not None:
            if self.kind != "choice":
                raise ValueError(f"{self.key}: only a choice question can score a scorecard item")
            if any(o.score is None for o in self.options) or 0 not in {o.score for o in self.options}:
                raise ValueError(f"{self.key}: every option of a scored question needs a score (2/1/0)")
        elif self.knockout:
            raise ValueError(f"{self.key}: knockout needs a scorecard item; use knockout_when instead")
        unknown = set(self.knockout_when) - set(values)
        if unknown:
            raise ValueError(f"{self.key}: knockout_when names unknown answers {sorted(unknown)}")
        if self.kind == "yes_no" and set(values) != {"yes", "no"}:
            raise ValueError(f"{self.key}: a yes_no question has exactly the options 'yes' and 'no'")
        return self

    @property
    def scored(self) -> bool:
        return self.item is not None

    def option(self, value: str | None) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


class GradeRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: Literal["A", "B", "C"]
    min_above_pass: int = 0  # score >= pass line + this
    within_months: int | None = None  # expected close within this many months (None: any time)


class QuestionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: Text
    pass_line: int
    average_margin: float | None = None
    max_unknown: int = 2  # more unknown scored items than this (or any unknown knock-out): incomplete
    grades: list[GradeRule]
    questions: list[Question]

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: list[Question]) -> list[Question]:
        keys = [q.key for q in v]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"question keys must be unique: {dupes}")
        if not any(q.scored for q in v):
            raise ValueError("a question set needs at least one scored question")
        fields = [q.deal_field for q in v if q.deal_field]
        if len(set(fields)) != len(fields):
            raise ValueError("each deal_field may be filled by one question only")
        return v

    @field_validator("grades")
    @classmethod
    def _grades(cls, v: list[GradeRule]) -> list[GradeRule]:
        if not any(r.min_above_pass <= 0 and r.within_months is None for r in v):
            raise ValueError("the grade rules need a catch-all (min_above_pass: 0, no within_months)")
        return v

    @model_validator(mode="after")
    def _pass_line(self) -> QuestionSet:
        if not 0 < self.pass_line <= self.max_score:
            raise ValueError(f"pass_line must be between 1 and the maximum score {self.max_score}")
        return self

    @property
    def max_score(self) -> int:
        return sum(2 * q.weight for q in self.questions if q.scored)

    def get(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def index(self, key: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.key == key)

    @property
    def keys(self) -> list[str]:
        return [q.key for q in self.questions]


def load_question_set(path: str | Path | None = None) -> QuestionSet:
    return load_yaml_model(Path(path) if path else DEFAULT_FILE, QuestionSet)
