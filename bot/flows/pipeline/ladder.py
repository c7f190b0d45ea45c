"""The 965531 ladder (SPEC §2): a deal's probability is earned by the milestones it has met, in order.

Each stage's milestone carries its probability in the stage file (``StageDef.probability``), and a
stage may carry a checkpoint that earns its own on the way (stage 5's "negotiation under way", 80%).
A deal stands on the last rung it met **with every earlier milestone met**: forcing past a milestone
moves the stage, not the probability; recording the skipped milestone later raises it. A deal with no
rung, a failed qualification or at lower contact is below the funnel (0%, outside the forecast).

``refresh`` keeps ``Deal.earned_rung`` and ``Deal.qualification_failed`` up to date; every weighted
figure is then computed from them in one SQL expression (``storage.repo.funnel.figures``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.process.schema import StageSet, Text
from storage.models import Deal
from storage.repo import pipeline as repo

CHECKPOINT_SEP = "~"
AUTO_GATES = ("interview_passed", "coach_and_decision_maker")


@dataclass(frozen=True)
class Rung:
    key: str  # the stage key (its milestone), or "<stage>~<checkpoint>"
    stage: str
    probability: int
    label: Text  # the milestone's (or checkpoint's) own words
    checkpoint: str | None = None


def rungs(stages: StageSet) -> tuple[Rung, ...]:
    """The ladder in order: each stage's checkpoint (if any), then its milestone."""
    out: list[Rung] = []
    for s in stages.stages:
        if s.checkpoint is not None:
            key = f"{s.key}{CHECKPOINT_SEP}{s.checkpoint.key}"
            out.append(Rung(key, s.key, s.checkpoint.probability, s.checkpoint.name, s.checkpoint.key))
        out.append(Rung(s.key, s.key, s.probability, s.milestone))
    return tuple(out)


def probabilities(stages: StageSet) -> dict[str, int]:
    """Rung key -> the probability it earns (what the SQL weighting reads)."""
    return {r.key: r.probability for r in rungs(stages)}


def rung(stages: StageSet, key: str | None) -> Rung | None:
    return next((r for r in rungs(stages) if r.key == key), None)


def signed_stages(stages: StageSet) -> tuple[str, ...]:
    """Stages after the signing gate: a deal there is signed (achievement, SPEC §12), not forecast."""
    keys = [s.key for s in stages.stages]
    gate = next((i for i, s in enumerate(stages.stages) if s.gate == "signed"), len(keys) - 2)
    return tuple(keys[gate + 1 :])


def earned(stages: StageSet, met: set[str]) -> str | None:
    """The last rung met with every earlier milestone met (checkpoints count, but are not required)."""
    best = None
    for r in rungs(stages):
        if r.key in met:
            best = r.key
        elif r.checkpoint is None:  # a milestone not met: nothing above it counts
            break
    return best


def met_rungs(session: Session, deal: Deal, stages: StageSet, pass_line: int) -> tuple[set[str], bool]:
    """Rung keys the deal has met, and whether its qualification failed.

    A recorded milestone (or checkpoint) counts; an automatic gate (interview passed; coach and met
    decision-maker) counts while its checks hold — the qualification gate only then, so a redone and
    failed interview takes the deal below the funnel.
    """
    from bot.flows.pipeline.stage import gate_checks  # stage.py imports this module

    recorded = {
        f"{m.stage}{CHECKPOINT_SEP}{m.checkpoint}" if m.checkpoint else m.stage
        for m in repo.milestones_of(session, team_id=deal.team_id, deal_id=deal.id)
    }
    met: set[str] = set()
    failed = False
    for s in stages.stages:
        if s.gate in AUTO_GATES:
            checks = {c.key: c.ok for c in gate_checks(session, deal, s, pass_line)}
            ok = all(checks.values())
            if s.gate == "interview_passed":
                failed = checks.get("interview_done", False) and not checks.get("interview_passed", True)
                recorded.discard(s.key)  # the live check decides
            if ok:
                met.add(s.key)
    return met | recorded, failed


def refresh(session: Session, deal: Deal, stages: StageSet, pass_line: int) -> bool:
    """Recompute the deal's rung and failed mark; True when either changed (saved, not versioned)."""
    met, failed = met_rungs(session, deal, stages, pass_line)
    new = earned(stages, met)
    if (deal.earned_rung, deal.qualification_failed) == (new, failed):
        return False
    deal.earned_rung, deal.qualification_failed = new, failed
    session.add(deal)
    session.flush()
    return True
