"""Every catalog key is text: YAML 1.1 reads a bare `yes:` / `no:` / `on:` as a boolean, and the
user then sees the raw key (`followups.checkin.yes`) instead of "Yes"."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CATALOGS = sorted((Path(__file__).resolve().parents[2] / "bot" / "i18n").glob("*/*.yaml"))


def keys(node, path=()):  # noqa: ANN001, ANN201
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*path, k)
            yield from keys(v, (*path, k))


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_catalog_key_is_a_string(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    bad = [".".join(map(str, k)) for k in keys(data) if not isinstance(k[-1], str)]
    assert bad == [], f"quote these keys in {path.name}: {bad}"
