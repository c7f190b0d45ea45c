"""The stage set: the shipped six stages (SPEC §2), the eight-step variant, or DEALBOT_STAGES_FILE."""

from __future__ import annotations

from pathlib import Path

from bot.process.schema import StageSet, load_yaml_model

HERE = Path(__file__).parent
SHIPPED = {"six-stage": HERE / "stages.yaml", "eight-step": HERE / "stages_eight_step.yaml"}


def load_stage_set(path: str | Path | None = None) -> StageSet:
    return load_yaml_model(Path(path) if path else SHIPPED["six-stage"], StageSet)
