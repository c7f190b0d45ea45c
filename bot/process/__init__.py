"""Company process configuration as data: the stage set and the question set (YAML + pydantic schemas).

``load_process(settings)`` validates both once, at start (the composition root); an invalid file stops
the bot with the file, line and reason. The result travels as ``Deps.process`` and, to deal-hook
listeners, in their ``HookContext``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.process.questions import QuestionSet
    from bot.process.schema import StageSet


class ProcessFileError(ValueError):
    """An invalid company file: the message names the file, the line and the reason."""


@dataclass(frozen=True)
class Process:
    """The company's stage set and question set, loaded and validated at start."""

    stages: StageSet
    questions: QuestionSet


def load_process(settings: Settings) -> Process:
    from bot.process.questions import load_question_set
    from bot.process.stages import load_stage_set

    questions = load_question_set(settings.dealbot_questions_file)  # checked first, as before
    return Process(stages=load_stage_set(settings.dealbot_stages_file), questions=questions)
