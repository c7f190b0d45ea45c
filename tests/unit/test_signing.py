"""The sandbox's signer is Slack's v0 scheme: it reproduces the documented test vector."""

from __future__ import annotations

from slack_sdk.signature import SignatureVerifier

from sandbox.slack_side import sign

# shared/SLACK-FACTS.md §1 (Slack's "verifying requests" page; slack_sdk's own tests use it too)
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TIMESTAMP = "1531420618"
BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class FrozenClock:
    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


def _verifier(now: float) -> SignatureVerifier:
    return SignatureVerifier(SECRET, clock=FrozenClock(now))


def test_sign_reproduces_slacks_test_vector():
    assert sign(SECRET, TIMESTAMP, BODY) == EXPECTED


def test_slack_sdk_verifier_accepts_the_sandbox_signature():
    headers = {"x-slack-request-timestamp": TIMESTAMP, "x-slack-signature": sign(SECRET, TIMESTAMP, BODY)}
    assert _verifier(int(TIMESTAMP) + 10).is_valid_request(BODY, headers)


def test_verifier_refuses_a_changed_body_a_wrong_secret_and_an_old_timestamp():
    sig = sign(SECRET, TIMESTAMP, BODY)
    now = int(TIMESTAMP) + 10
    assert not _verifier(now).is_valid(BODY.replace("text=", "text=x"), TIMESTAMP, sig)
    assert not _verifier(now).is_valid(BODY, TIMESTAMP, sign("another-secret", TIMESTAMP, BODY))
    assert not _verifier(int(TIMESTAMP) + 360).is_valid(BODY, TIMESTAMP, sig)
