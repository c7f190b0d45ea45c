"""What the sandbox reads from the app's manifest.yaml, where Slack would take it from the installed app:
the bot token's scopes (``oauth_config.scopes.bot``) and each slash command's ``should_escape``.

A test may hand the sandbox another manifest (a scope taken away, escaping turned off) with
``AppManifest.load(path)`` or ``AppManifest.default().without_scope(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yaml"


@dataclass(frozen=True)
class AppManifest:
    bot_scopes: frozenset[str]
    should_escape: dict[str, bool] = field(default_factory=dict)  # "/deal" -> True

    @classmethod
    def load(cls, path: Path = MANIFEST) -> AppManifest:
        return cls.parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def parse(cls, data: dict) -> AppManifest:
        scopes = ((data.get("oauth_config") or {}).get("scopes") or {}).get("bot") or []
        commands = (data.get("features") or {}).get("slash_commands") or []
        # Slack's default for should_escape is false
        return cls(frozenset(scopes), {c["command"]: bool(c.get("should_escape", False)) for c in commands})

    @classmethod
    def default(cls) -> AppManifest:
        return cls.load(MANIFEST)

    def escapes(self, command: str) -> bool:
        return self.should_escape.get(command, False)

    def without_scope(self, *scopes: str) -> AppManifest:
        return replace(self, bot_scopes=self.bot_scopes - set(scopes))

    def with_scope(self, *scopes: str) -> AppManifest:
        return replace(self, bot_scopes=self.bot_scopes | set(scopes))

    def with_escape(self, command: str, on: bool) -> AppManifest:
        return replace(self, should_escape={**self.should_escape, command: on})
