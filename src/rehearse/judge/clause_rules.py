"""The hand-written reading of one clause: how strongly it sounds like a challenge, an action or a result.
The learned C/A/R reader (car_model.py) takes these scores as features; analysis.py's rule baseline labels by them.
Pure, over the vocabulary's cues."""

from __future__ import annotations

from rehearse.judge.vocabulary import (
    ACTION_PHRASES,
    CHALLENGE_RE,
    GENERIC,
    GOAL_CONTEXT,
    I_DID,
    I_DO,
    MEASURE,
    PREAMBLE,
    RELATIVE,
    RESULT_RE,
    SETTING,
    WE_DID,
    weighted_hits,
)


def score_clause(text: str, position: float) -> dict[str, float]:
    """How strongly a clause reads as challenge, action and result."""
    t = RELATIVE.sub("", text.lower())  # "the hotel where i worked" is a setting, not an action
    challenge = weighted_hits(t, CHALLENGE_RE)
    result = weighted_hits(t, RESULT_RE)
    action = 0.0
    if I_DID.search(t):
        action += 2.0
    if WE_DID.search(t):
        action += 1.2
    if ACTION_PHRASES.search(t):
        action += 1.5
    if I_DO.search(t):
        action += 1.5
    lead = I_DID.match(t) or I_DID.match(t, t.find(" ") + 1)
    if lead:
        action += 1.0  # a clause that opens with "I did" is about doing, whatever else it mentions
    if result and MEASURE.search(t):
        result += 0.8
    if GOAL_CONTEXT.search(t):
        result *= 0.3  # "we needed to cut costs" states a goal, not an outcome
    if GENERIC.search(t):
        result *= 0.2  # "in the end it is about people" is an opinion
    if position < 0.35 and not action and SETTING.search(t) and not PREAMBLE.search(t):
        challenge += 0.5  # an opening that sets a scene is the situation the story answers
    # Where a clause sits matters: setups come first and outcomes last.
    challenge *= 1.4 if position < 0.35 else (1.0 if position < 0.6 else 0.5)
    result *= 1.3 if position > 0.6 else (0.9 if position > 0.35 else 0.4)
    return {"challenge": challenge, "action": action, "result": result}
