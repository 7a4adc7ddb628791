"""Round two against round one, pure: referring back to the first interview, and bringing new material
rather than retelling the same story. (Objection replies and one's own questions are judged by their
yardsticks in yardsticks.py, in either round.)"""

from __future__ import annotations

import re

from rehearse.judge.vocabulary import (
    FUNCTION_WORDS,
    NEW_EXAMPLE,
    REFER_BACK,
)

RETOLD_SIMILARITY = 0.45


def asks_for_new_example(question: str) -> bool:
    """Does the question ask for an example other than the one the person gave before?"""
    return bool(NEW_EXAMPLE.search(" ".join(question.lower().split())))


def refers_back(text: str) -> str | None:
    """The phrase with which an answer refers to the first interview, if any."""
    m = REFER_BACK.search(text.lower())
    return m.group(0) if m else None


def _content(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w']+", text.lower()) if w not in FUNCTION_WORDS and len(w) > 2]


def similarity(now: str, before: str) -> tuple[float, list[str]]:
    """How much of the same story is told again: overlap of content words (0 to 1), with the longest
    phrases of four or more words that both answers share."""
    a, b = set(_content(now)), set(_content(before))
    score = len(a & b) / len(a | b) if a | b else 0.0
    wa, wb = re.findall(r"[\w']+", now.lower()), re.findall(r"[\w']+", before.lower())
    grams_b = {tuple(wb[i : i + 4]) for i in range(len(wb) - 3)}
    shared, i = [], 0
    while i < len(wa) - 3:
        if tuple(wa[i : i + 4]) in grams_b:
            j = i + 4
            while j < len(wa) and tuple(wa[j - 3 : j + 1]) in grams_b:
                j += 1
            phrase = " ".join(wa[i:j])
            if not set(phrase.split()) <= FUNCTION_WORDS:
                shared.append(phrase)
            i = j
        else:
            i += 1
    shared.sort(key=len, reverse=True)
    return round(score, 3), shared[:5]


def second_round(now: dict, before: dict) -> dict:
    """Round-2 feedback against the round-1 answer to the same question."""
    sim, shared = similarity(now.get("transcript") or "", before.get("transcript") or "")
    # `car` also holds `reliable` and `reason` beside the three parts
    car_now = {k: v.get("covered", False) for k, v in (now.get("car") or {}).items() if isinstance(v, dict)}
    car_before = {k: v.get("covered", False) for k, v in (before.get("car") or {}).items() if isinstance(v, dict)}
    back = refers_back(now.get("transcript") or "")
    tips = round2_tips(sim, bool(back), bool(now.get("car")) and now.get("rubric", "car") == "car")
    return {
        "refers_back": back,
        "similarity": sim,
        "shared_phrases": shared,
        "retold": sim >= RETOLD_SIMILARITY,
        "round1": {"answer_s": before.get("answer_s"), "car": car_before, "wpm": before.get("wpm")},
        "change": {
            "answer_s": None if before.get("answer_s") is None else round((now.get("answer_s") or 0) - before["answer_s"], 1),
            "newly_covered": [k for k, v in car_now.items() if v and not car_before.get(k)],
            "now_missing": [k for k, v in car_now.items() if not v and car_before.get(k)],
        },
        "tips": tips,
    }


def round2_tips(similarity: float, refers_back: bool, story: bool, compared_with: dict | None = None) -> list[str]:
    """Round 2's own tips: a retold answer (a retold story, when the question asks for one; the
    round-1 question it answered, when the question asked for a different example, see
    `against_round1`), and no reference to the first interview."""
    tips = []
    if similarity >= RETOLD_SIMILARITY and compared_with is not None:
        asked = f' to "{compared_with["question"]}"' if compared_with.get("question") else ""
        tips.append(f"The question asks for a different example, but this is the story you told in round 1{asked} "
                    f"({similarity:.0%} the same words): choose another one.")
    elif similarity >= RETOLD_SIMILARITY:
        told = "story" if story else "answer"
        tips.append(f"This retells your first-interview {told} ({similarity:.0%} the same words): bring a "
                    "different accomplishment or new detail.")
    if not refers_back:
        tips.append("Refer back to the first interview (\"In our first interview I mentioned …\") and build on it.")
    return tips


def _told(answer: dict) -> str:
    """An answer's words with its follow-up reply's (the story may end in the reply)."""
    reply = ((answer.get("follow_up") or {}).get("answer") or {}).get("transcript") or ""
    return f"{answer.get('transcript') or ''} {reply}".strip()


def against_round1(now: dict, round1: list[dict]) -> dict | None:
    """Round-2 feedback for a question that asks for a different example, against the round-1 answer
    (of any question) it retells most; None when round 1 holds no answer with words."""
    told = [b for b in round1 if _told(b)]
    if not told:
        return None
    text = _told(now)
    best = max(told, key=lambda b: similarity(text, _told(b))[0])
    r = second_round({**now, "transcript": text}, {**best, "transcript": _told(best)})
    r["compared_with"] = {"question": best.get("question"), "answer_id": best.get("answer_id")}
    r["tips"] = round2_tips(r["similarity"], bool(r["refers_back"]), True, r["compared_with"])
    return r


def round_two(score: dict, before: dict | None, question: str | None = None,
              round1: list[dict] | None = None) -> dict | None:
    """An answer against round 1: against its own question's round-1 answer (`before`), or, for a
    question that asks for a different example, against every round-1 answer in `round1`; None when
    there is nothing to compare with."""
    r2 = against_round1(score, round1) if question and round1 and asks_for_new_example(question) else None
    if r2 is not None:
        return r2
    return second_round(score, before) if before is not None else None
