"""/deal help and /funnel help through the sandbox, over signed HTTP, in both languages."""


def _texts(reply) -> str:
    data = reply.json
    return (
        data["text"]
        + " "
        + " ".join(
            b.get("text", {}).get("text", "") for b in data["blocks"] if isinstance(b.get("text"), dict)
        )
    )


def test_deal_help_in_english_for_an_english_user(slack, sandbox):
    reply = slack.command("U0REP2", "/deal", "help")
    assert reply.status == 200
    text = _texts(reply)
    assert "/deal new <account> [amount]" in text
    assert "Register prospects" in text
    shown = sandbox.state.ephemerals("U0REP2")
    assert shown and shown[-1].text == "dealbot · /deal"


def test_deal_help_in_chinese_for_a_zh_cn_user(slack):
    text = _texts(slack.command("U0REP1", "/deal", "help"))
    assert "登记潜在客户" in text
    assert "Register prospects" not in text


def test_funnel_help_both_languages(slack):
    assert "quota @rep <amount> <period>" in _texts(slack.command("U0MGR", "/funnel", "help"))
    assert "设定销售任务" in _texts(slack.command("U0REP1", "/funnel", "help"))


def test_healthz(bot):
    import httpx

    r = httpx.get(f"{bot.url}/healthz")
    assert r.status_code == 200 and r.json() == {"ok": True}
