"""Word lists behind the C/A/R labels: what problems, actions and outcomes sound like in answers.

Each cue is a regular expression over lowercase text with a weight. They are written to work on
recognizer output too: no punctuation, numbers spoken as words.
"""

from __future__ import annotations

import functools
import re

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion half double doubled triple tripled "
    "quarter third fifth percent percentage dozen dozens"
).split()
NUM = r"(?:\d[\d,.]*|" + "|".join(NUMBER_WORDS) + r")"

# --- challenge: trouble, pressure, constraint, what was at stake ------------------------------
CHALLENGE = [
    (2.0, r"\b(problems?|challeng\w*|difficult\w*|struggl\w*|crisis|issues? (with|was|were))\b"),
    (1.5, r"\b(deadline|behind schedule|over budget|under pressure|pressure|urgent|at stake|tight)\b"),
    (1.5, r"\b(complain\w*|threaten\w*|furious|angry|unhappy|frustrat\w*|upset|worried|stress\w*|"
          r"dissatisfied|disappointed|morale)\b"),
    (1.5, r"\b(fail\w*|crash\w*|outages?|broke|broken|down for|went down|errors?|mistakes?|bugs?|"
          r"defects?|damaged|contaminat\w*|incidents?|near.misses|accidents?|injur\w*|wrong|incorrect\w*)\b"),
    (1.5, r"\b(losing|lost|leaving|left the|quit|quitting|turnover|churn\w*|cancel\w*|gave up|giving up|"
          r"drop(ped)? out|walk(ed)? away|take it elsewhere)\b"),
    (1.2, r"\b(late|delay\w*|slow\w*|waiting|waited|backlog|bottleneck|stuck|blocked|overdue|behind)\b"),
    (1.2, r"\b(short of|shortage|understaffed|short.staffed|no budget|budget (was )?cut|cut (by|from)|"
          r"lowest|below|only had|only \w+ (of|out)|almost empty|ran out|running out|out of stock)\b"),
    (1.2, r"\b(conflict|argument|disagree\w*|tension|blam\w*|dispute|stopped (talking|answering|growing)|"
          r"disrupt\w*|chaotic|chaos|mess|overwhelm\w*|confus\w*)\b"),
    (1.0, r"\b(risk\w*|threat|danger\w*|serious|critical|severe|expensive|costly|cost us|wast\w*|"
          r"throwing away|inefficien\w*|manual\w*|outdated|missing|missed|never reached|nobody|no one|"
          r"not ready|wasn'?t|weren'?t|didn'?t|couldn'?t|could not|did not|was not|were not|had no|"
          r"lack\w*|gaps?|inherited|merged|too (slow|long|many|much|few|late))\b"),
    (1.0, r"\b(kept (breaking|failing|crashing|missing|getting|running|coming)|came back \w+ times|"
          r"every (few )?(days|week)|almost (an? )?(hour|week|month|fifth|third|half|seventy|empty))\b"),
    (1.2, rf"\b(only (a |an |about )?({NUM}|few|one|a handful)|(getting|receiving|handling|had) (about |over |almost |"
          rf"more than |up to )?{NUM} (\w+ ){{1,4}}(a|per|every) (day|week|month)|very small|small budget|limited|"
          r"very little|cutting it|cut it|shut (it )?down|close (it|down)|went on leave|on leave|extra (cases|work)|"
          r"on top of|(had )?(dropped|fallen|fell|declined|decreased|slipped) (to|by|below)|thinking of cutting|"
          r"up to a week|took (about |almost |over )?{NUM} (days|weeks|hours|months))\b"),
    (1.2, r"\b(breach\w*|exposed|hack\w*|attack\w*|leak\w*|fraud|theft|stolen|recall\w*|lawsuit|"
          r"not (be )?renew\w*|pulled out|withdr[ae]w\w*|dropped us|lost (their |our |the )?trust|"
          r"(didn'?t|did not|don'?t) (really )?trust|sceptic\w*|skeptic\w*|upside down|by mistake|"
          r"took (the whole|all|an entire|a whole|most of the) (day|afternoon|morning|week|evening)|"
          r"(an|one|two|three) hours? of|so (long|slow|many|much|bad) that|instead of|rather than|"
          r"given up|gave up on|had already given up|nobody knew|no one knew|didn'?t know|unclear|"
          r"concern\w*|scared|nervous|anxious|agitated|confused|lost our|failing)\b"),
    (1.0, r"\b(i understand (that )?you|i know (that )?you|you('re| are) looking for|you may (be|think)|"
          r"you might (be|think)|you('re| are) (right|concerned)|i realize (that )?you)\b"),
    (1.0, r"\b(it is true|it's true|that is true|you mentioned|you're right|you are right|"
          r"i have not|i haven'?t|i had the same)\b"),
    (0.6, r"\b(needed to|had to|was asked to|were asked to|tasked|my (job|task|role|goal) was|goal was|"
          r"the (situation|context|task) was)\b"),
]

# --- action: what the speaker (or the team) did -----------------------------------------------
ACTION_VERBS = (
    r"\w+ed|built|wrote|rewrote|led|met|took|made|ran|set|began|brought|sat|spoke|went|drew|gave|got|"
    r"found|chose|taught|thought|told|put|sent|kept|held|dug|broke|split|cut|did|sought|pulled|"
    r"stepped|reached|called|asked|tried|focused|created|decided|started|worked|talked|proposed|"
    r"organi[sz]ed|designed|introduced|suggested|reviewed|analy[sz]ed|trained|negotiated|coached|"
    r"mapped|moved|rebuilt|fixed|stayed|sketched|shadowed|volunteered|spent|pushed|let|read|sold|"
    r"won|bought|hired|fought|handed|knew|saw|heard|dealt|lent|paid|laid|learned|learnt|swapped|"
    r"ranked|matched|booked|paired|visited|recorded|tested|walked|watched|interviewed|offered|"
    r"escalated|apologi[sz]ed|followed|replaced|ordered|traced|sorted|drafted|collected|reorgani[sz]ed|"
    r"renegotiated|weighed|changed|added|removed|automated|compressed|redesigned|launched"
)
NOT_ACTIONS = (
    r"was|were|had|am|is|have|think|thought|guess|believe|like|liked|love|loved|enjoy|enjoyed|want|"
    r"wanted|need|needed|felt|feel|hope|hoped|know|knew|mean|meant|remember|noticed|realized|realised|"
    r"learned that|saw that|found that|would|could|should|can|will|used to|got (\w+ )?(upset|angry|stressed)|"
    r"learned a lot|learnt a lot|read (your|about|that|the news)|started my career|grew up"
)
ADVERB = r"(?:\w+ly |then |also |first |finally |quickly |immediately |personally |myself |actually |just |even )"
PERFECT = r"(?:have |had |'ve )?"
I_DID = re.compile(rf"\b(i|myself)\s+{ADVERB}{{0,2}}{PERFECT}(?!(?:{NOT_ACTIONS})\b)({ACTION_VERBS})\b")
I_DO = re.compile(r"\bi (\w+ly |also |still |then |just )?(coordinate|manage|lead|run|handle|organi[sz]e|build|train|"
                  r"mentor|teach|plan|write|oversee|supervise|review|design|negotiate|present|analy[sz]e|test|"
                  r"call|drive|go|convince|start|set up|ask|tell|talk to|send|make|take|decide|sit down|move|"
                  r"pull|put|fix|grab|email|phone|book|schedule|rewrite|explain|offer|help|pick|walk)\b")
RELATIVE = re.compile(r"\b(where|when|that|which|who|whom) (i|we) (\w+ )?(worked|work|was|were|lived|studied|started|joined)\b")
GENERIC = re.compile(r"\b(in the end|at the end of the day) (it is|it's|its|everything is)\b|\b(it is|it's) (all )?about\b")
WE_DID = re.compile(rf"\b(we|our team|the team|together we)\s+{ADVERB}{{0,2}}{PERFECT}(?!(?:{NOT_ACTIONS})\b)({ACTION_VERBS})\b")
VERB_ONLY = re.compile(rf"(?!(?:{NOT_ACTIONS})$)({ACTION_VERBS})")
ACTION_PHRASES = re.compile(
    r"\b(what i did|my (approach|plan|solution|idea|first step) was|i (decided|chose) to|i (started|began) by|"
    r"i made sure|i worked (with|on|closely)|i took (the lead|ownership|charge|over)|i set up|i reached out|"
    r"i sat down|i put together|i came up with|i suggested|i proposed|i volunteered|step one|"
    r"the first thing i (did|do)|i went (to|through|back)|i stepped in|without being asked)\b"
)

# --- result: outcome, change, measure, recognition, lesson ------------------------------------
RESULT = [
    (2.5, r"\b(as a result|in the end|the result was|the outcome was|which meant that|ended up|"
          r"by the end of|since then|from then on|ever since)\b"),
    (1.5, r"\b(eventually|ultimately|afterwards|after that|within (a|an|one|\w+) (days?|weeks?|months?|years?|"
          r"quarter)|(days?|weeks?|months?|years?) later|(?<!in )the (next|following) \w+ (days?|weeks?|months?|years?)|"
          r"over the next)\b"),
    (1.5, r"\b(dropped|fell|went (up|down|from)|came down|rose|grew|increased|decreased|improved|reduced|"
          r"halved|doubled|tripled|saved|raised|cut (it|the|our|costs|time)|shrank|climbed|jumped|"
          r"went back up|got better|disappeared|stopped almost|never came back|no longer)\b"),
    (1.5, r"\b(on time|ahead of schedule|before the deadline|early|under budget|on budget|met (the|our) "
          r"(deadline|target|goal)|hit (the|our) (target|goal)|exceed\w*|(three|two|\d+) times (our|the) goal|"
          r"of (the |our )?target)\b"),
    (1.2, r"\b(renewed|stayed|retained|kept the|accepted|adopted|approved|promoted|praised|thanked|"
          r"thank.you|award\w*|recogni[sz]\w*|rated|rating|passed|won|got the (highest|best)|"
          r"(the )?highest (in|ever|score|rating|grade|number)|record (high|year|number|sales)|good press|feedback was|asked me to (present|lead|share|train)|"
          r"used (by|as an example)|now (use|uses|used)|(uses|use) it (every|daily|each)|now the \w+( \w+)? (uses|use|has|is)|still (use|uses|with|active|running)|"
          r"became part of|is now|are now|now runs|has not had|have not (had|missed)|haven'?t (had|missed)|"
          r"no (incidents?|errors?|outages?|complaints?|findings|contamination|missed)|"
          r"without (a single|any|help|problems)|went without|went the next|everything was ready|"
          r"finished|delivered|submitted|shipped|launched|handed (it|the building|\w+) over|went live|"
          r"brought in|signed|closed|solved|resolved|fixed the)\b"),
    (1.2, r"\b(it worked|worked (well|out)|paid off|ends? up|ended up|to zero|went to (zero|nothing)|"
          r"(didn'?t|did not|never) miss(ed)? a|not a single|still with (us|the)|"
          r"(got|became|were|was|are|is|felt|seemed) (\w+ly |a lot |much |far |a bit )?(\w{3,}er|more \w+|less \w+)\b|"
          r"(contained|restored|recovered|closed the case|without a fine|made it (the )?standard))\b"),
    (1.2, r"\b(i learned|i learnt|taught me|lesson|i realized|i realised|since then i|now i always|"
          r"i now)\b"),
    (0.8, r"\b(success\w*|achiev\w*|happier|happy with|satisfied|satisfaction|confident|"
          r"reliable|faster|fewer|less|more than|lower|higher|better|smoother|stable)\b"),
    (0.5, r"\b(now|today|still)\b"),
]
MEASURE = re.compile(rf"\b{NUM}\b|%|\b(from \w+ (\w+ )?to \w+)\b")
GOAL_CONTEXT = re.compile(r"\b(needed to|had to|wanted to|goal was to|asked to|trying to|try to|hoped to|"
                          r"was supposed to|in order to|would have|threatening to|planned to)\b")


def compile_weighted(cues: list[tuple[float, str]]) -> tuple[tuple[float, re.Pattern], ...]:
    """Compile (weight, pattern) pairs (a tuple, so a reading can be cached by it)."""
    return tuple((w, re.compile(p)) for w, p in cues)


CHALLENGE_RE = compile_weighted(CHALLENGE)
RESULT_RE = compile_weighted(RESULT)


@functools.lru_cache(maxsize=4096)
def weighted_hits(text: str, cues: tuple[tuple[float, re.Pattern], ...]) -> float:
    """Sum of the weights of the cue groups that occur in `text` (each group counted once).
    Cached: each clause is read by the rules and by the model, and the live end-of-answer check
    reads the same clauses again as the answer grows."""
    return sum(w for w, p in cues if p.search(text))
