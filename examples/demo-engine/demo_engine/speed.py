"""How fast the demo engine generates: the knob an optimizing commit turns."""

# Seconds the engine spends on each generated token (decode step).
TOKEN_DELAY_S = 0.012

# Seconds the engine spends per prompt token before the first generated token (prefill).
PREFILL_DELAY_S_PER_TOKEN = 0.00005
