"""Message catalogs: every user-facing text, in en and zh-Hans.

Catalogs are YAML files under ``bot/i18n/<locale>/``, one file per feature (help.yaml, errors.yaml,
...). Nested keys flatten to dotted names: ``help.deal.title``. Values use ``str.format`` fields.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LOCALES = ("en", "zh-Hans")
DEFAULT_LOCALE = "en"
_DIR = Path(__file__).parent
log = logging.getLogger(__name__)


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = str(node)


@cache
def catalog(locale: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((_DIR / locale).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _flatten("", data, out)
    return out


def normalize_locale(slack_locale: str | None, fallback: str = DEFAULT_LOCALE) -> str:
    """Slack's ``zh-CN``/``zh-TW``/... map to zh-Hans, anything else to en (SPEC §11)."""
    if not slack_locale:
        return fallback
    return "zh-Hans" if slack_locale.lower().startswith("zh") else "en"


def t(key: str, locale: str = DEFAULT_LOCALE, /, **values: Any) -> str:
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    text = catalog(locale).get(key)
    if text is None:
        log.error("missing catalog key %s for %s", key, locale)
        text = catalog(DEFAULT_LOCALE).get(key, key)
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalog(DEFAULT_LOCALE)
