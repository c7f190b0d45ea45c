"""One voice in Chinese (issue 17, item 4): every zh-Hans catalog string uses the glossary's one term per
concept and full-width punctuation next to Chinese. The test reads the catalog files themselves, so a key
added later is held to the same rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from bot.i18n import catalog
from bot.i18n.glossary import concepts, problems

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "bot" / "i18n" / "zh-Hans"
PROCESS = ROOT / "bot" / "process"


def _flatten(prefix: str, node: object, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = str(node)


def zh_strings() -> dict[str, str]:
    """Every zh-Hans string, as ``file:key`` → text, read from the YAML files (not from a list)."""
    out: dict[str, str] = {}
    for path in sorted(ZH.glob("*.yaml")):
        flat: dict[str, str] = {}
        _flatten("", yaml.safe_load(path.read_text(encoding="utf-8")) or {}, flat)
        out.update({f"{path.name}:{k}": v for k, v in flat.items()})
    return out


def _zh_values(node: object, where: str, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "zh-Hans" and isinstance(v, str):
                out[where] = v
            else:
                _zh_values(v, f"{where}.{k}", out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _zh_values(v, f"{where}[{i}]", out)


def process_zh_strings() -> dict[str, str]:
    """The zh-Hans text of the method's own files (questions, stages): the interview speaks the same voice."""
    out: dict[str, str] = {}
    for path in sorted(PROCESS.glob("*.yaml")):
        _zh_values(yaml.safe_load(path.read_text(encoding="utf-8")), path.name, out)
    return out


def test_the_catalog_files_are_all_read() -> None:
    strings = zh_strings()
    assert len(strings) == len(catalog("zh-Hans"))
    assert len(strings) > 500


def test_every_zh_hans_string_speaks_the_one_voice() -> None:
    bad = {where: p for where, text in zh_strings().items() if (p := problems(text))}
    report = "\n".join(f"{where}: {'; '.join(p)}\n    {zh_strings()[where]}" for where, p in bad.items())
    assert not bad, f"{len(bad)} zh-Hans strings break the glossary or the punctuation rules:\n{report}"


def test_the_questions_and_stages_speak_the_same_voice() -> None:
    strings = process_zh_strings()
    assert len(strings) > 150  # questions.yaml, stages.yaml, stages_eight_step.yaml
    bad = {where: (p, text) for where, text in strings.items() if (p := problems(text))}
    assert not bad, bad


def test_the_glossary_is_consistent() -> None:
    for c in concepts():
        assert c.term and c.forbidden, c.key
        assert not problems(c.term), (c.key, problems(c.term))  # the term passes its own test
        for bad in c.forbidden:
            assert bad not in (c.term, c.short), c.key


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("这个商机已经关闭。", "deal"),
        ("设定任务额", "quota"),
        ("本期销售指标", "quota"),
        ("项目已接触程度降低", "lower_contact"),
        ("继续降低接触", "lower_contact"),
        ("风险警示（3）", "red_flag"),
        ("风险信号", "red_flag"),
        ("项目已暂停", "hold"),
        ("需求：疼痛", "pain_gain"),
        ("先找内线", "coach"),
        ("记录里程碑", "milestone"),
        ("各节点所需项目数", "milestone"),
        ("是 (利润率 15%（平均 20%）)", "half-width"),
        ("价格 0, 满足需求 1", "half-width"),
        ("*关键节点:* 已签约", "half-width"),
        ("你确定吗?", "half-width"),
        ("修改某个答案…", "ellipsis"),
        ("17/14 d", "English unit"),
    ],
)
def test_the_check_catches_a_bad_string(text: str, why: str) -> None:
    found = problems(text)
    assert any(p.startswith(why) for p in found), (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "降低接触级别（{n}）",
        "教练（内线）",
        "一票否决项不合格",
        "已影响客户的采购指标（有记录）",
        "关键节点已记录。",
        "`/funnel quota @wang 5000000 2027-Q1` 设定销售任务",
        "周报时间，例如 09:00",
        "<@U123>: {deal}",
        "17/14 天 · ¥300万 · 2026年12月2日",
        "请输入金额，例如 3,000,000、3m 或 300万。",
    ],
)
def test_good_strings_pass(text: str) -> None:
    assert problems(text) == []


def test_a_string_added_later_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test reads whatever YAML is in the folder: a new file with a bad string fails it."""
    (tmp_path / "new_feature.yaml").write_text('new:\n  line: "商机已暂停, 请稍后"\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ZH", tmp_path)
    bad = {w: problems(s) for w, s in zh_strings().items()}
    assert bad["new_feature.yaml:new.line"]
    with pytest.raises(AssertionError, match="new_feature.yaml:new.line"):
        test_every_zh_hans_string_speaks_the_one_voice()
