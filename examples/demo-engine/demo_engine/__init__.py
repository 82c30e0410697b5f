"""demo_engine: a tiny OpenAI-compatible text "engine" (Python stdlib only) that stands in for vLLM.

It produces tokens with a fixed per-token delay (speed.py), so a commit that lowers the delay is
measurably faster, and it can fail on purpose (DEMO_FAULT) the way real engines fail.
"""
__version__ = "0.1.0"
