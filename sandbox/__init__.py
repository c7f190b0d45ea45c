"""A local imitation of the Slack Web API subset dealbot calls, and a signed request sender.

Runs in its own thread (tests) or beside the bot in one process (`dealbot run` without credentials).
It records every call and rejects what real Slack rejects (see sandbox/checks.py).
"""
