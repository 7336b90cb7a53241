"""Does the chosen tool do what the request asks? A check of the action verbs, after the head.

Sentence embeddings place "subscribe me to the newsletter" next to ``unsubscribeFromNewsletter`` and
"update my voicemail settings" next to ``getVoicemailSettings``: they encode the topic and barely the
action. When the only tool near a request does the opposite, or only reads where the request wants a
change, the head can be confident and wrong, and the proxy would run that tool. This module reads the
verb that opens the tool's name (after a namespace: ``shopping__getShippingOptions``; never a one-word or
``...Tool`` name, where it is a noun; a name that opens with no verb may end with its action as a noun:
``AppointmentRegistration`` registers, ``HotelBooking`` books) and the verbs of the last user turn, and names a conflict:

- opposite actions: the name's verb is one of a pair (``unsubscribe``, ``disable``, ``cancel``), the
  request says the other and not this one;
- a read-only tool (``get``, ``list``, ``search`` ...) for a request that asks for a change (``update``,
  ``delete``, ``book`` ...) and has no read verb or question word anywhere ("check X and update it" reads),
  unless it looks up an identifier or a secret (``GetUserToken``, ``getAccountIdFromNumber``): the change may
  need it first (``router.prerequisite``);
- a tool that changes something for a request that asks for nothing to change and opens as a question
  or a request for information ("What are my voicemail settings?" -> ``updateVoicemailSettings``).

Verbs count bare or with -s/-es, not -ing ("my booking"), -ed ("is roaming enabled?") or inside a
hyphenated word ("auto-pay"); a request that chains steps ("... and then ...") is left alone. A yes/no
question ("Is VoLTE enabled on my number?") asks for information.

On a conflict the router answers NONE (no offered tool does what was asked) with half the tool's
confidence, below any calibrated threshold, so the LLM decides (with the tools). The word lists are
plain English verbs, not taken from any eval set.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from router.encoder import split_identifier


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ACTION_CONFLICT_FACTOR = 0.5  # a conflicting route keeps half its confidence: below any calibrated threshold
# in the ranking, a tool that contradicts the request keeps 1/20 of its score: the check flags 76 of 46,086 gold
# calls of ../shared/data (0.16%, evals/actions_report.py) and a far larger share of wrong routes, so a flagged
# tool is rarely the right one
CLASH_SCORE_FACTOR = 0.05

OPPOSITES = (
    ("subscribe", "unsubscribe"),
    ("enable", "disable"),
    ("activate", "deactivate"),
    ("add", "remove"),
    ("create", "delete"),
    ("lock", "unlock"),
    ("block", "unblock"),
    ("follow", "unfollow"),
    ("mute", "unmute"),
    ("install", "uninstall"),
    ("increase", "decrease"),
    ("deposit", "withdraw"),
    ("buy", "sell"),
    ("upload", "download"),
    ("encrypt", "decrypt"),
    ("book", "cancel"),
    ("renew", "cancel"),
    ("reserve", "cancel"),
    ("order", "cancel"),
    ("start", "stop"),
    ("open", "close"),
    ("accept", "decline"),
    ("approve", "reject"),
    ("archive", "unarchive"),
    ("pause", "resume"),
    ("connect", "disconnect"),
    ("join", "leave"),
    ("register", "unregister"),
    ("hide", "unhide"),
    ("pin", "unpin"),
    ("star", "unstar"),
    ("like", "unlike"),
    ("attach", "detach"),
    ("assign", "unassign"),
)
READ = _words(
    "get list search find fetch retrieve show view check lookup look query read display browse "
    "describe count compare estimate calculate convert translate summarize analyze track monitor"
)
WRITE = _words(
    "create update change modify edit delete remove cancel reserve buy purchase pay send submit "
    "upload register subscribe unsubscribe enable disable turn apply redeem increase decrease reset assign "
    "select initiate terminate lock unlock block unblock rename move archive install uninstall approve "
    "reject accept decline renew activate deactivate replace upgrade downgrade extend book withdraw "
    "transfer refund revoke grant invite share mute unmute follow unfollow pause resume close open set"
)
# ("add" is not in WRITE: "What is 2+2?" -> add_numbers; it still pairs with "remove" above)
# questions and requests for information: a request with one of these asks to read, not (only) to change
# (left out: read verbs that are also common nouns, "track", "list", "count", and "get" / "find", which
# often mean "obtain": "get me a table for two")
ASKING = _words(
    "what which when where who whom whose why whether details detail status available availability eligible "
    "recommend suggest provide give know fetch retrieve show search lookup look check describe summarize "
    "estimate calculate convert translate analyze browse read tell"
)
# a yes/no question opens with an auxiliary ("Is roaming enabled on my number?", "Am I registered to vote?")
YES_NO = _words("is are am was were do does did has have")
READ_HINTS = ASKING | READ  # any sign that the request (also) reads
DETERMINERS = _words("a an the my your our their his her its this that these those each every any some no")
LINKS = _words("to and or then please not also just")  # "the user to update ...": what follows is a verb again
IDENTIFIERS = _words("id ids token tokens key credentials identifier")  # what a lookup before a change reads
# an action named by its noun at the end of a name that opens with none ("AppointmentRegistration")
NOMINAL = {
    "registration": "register", "reservation": "reserve", "booking": "book", "cancellation": "cancel",
    "deletion": "delete", "creation": "create", "modification": "modify", "subscription": "subscribe",
    "renewal": "renew", "removal": "remove", "activation": "activate", "deactivation": "deactivate",
}
GENERIC = _words("tool tools api plugin service app bot helper assistant")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")  # "auto-pay", "check-in": one word, a noun rather than a verb
_CASED_WORD = re.compile(r"[A-Za-z]+")
OPENING = 5  # words that say what kind of request it is ("Can you give me ...", "What are ...")
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in OPPOSITES:  # "cancel" undoes several actions: book, renew, reserve, order
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)


def _verb(word: str, verbs: Collection[str]) -> str | None:
    """``word`` as one of ``verbs``, bare or with -s / -es: "-ing" is mostly a noun ("my booking") and
    "-ed" a state ("is roaming enabled?")."""
    if word in verbs:
        return word
    for suffix in ("es", "s"):
        stem = word[: -len(suffix)] if word.endswith(suffix) else ""
        if len(stem) > 2 and stem in verbs:
            return stem
    return None


def _verbs(words: list[str], verbs: Collection[str]) -> set[str]:
    return {v for v in (_verb(w, verbs) for w in words) if v}


def _said_verbs(words: list[str], verbs: Collection[str]) -> set[str]:
    """``verbs`` said in the request as verbs: a word right after a determiner, or after a determiner and one
    more word, is a noun ("details of my wire transfer", "the booking", "a quick transfer")."""
    out = set()
    for i, word in enumerate(words):
        if (i >= 1 and words[i - 1] in DETERMINERS) or (
            i >= 2 and words[i - 2] in DETERMINERS and words[i - 1] not in LINKS
        ):
            continue
        verb = _verb(word, verbs)
        if verb:
            out.add(verb)
    return out


def conflict(request: str, tool_name: str) -> str | None:
    """Why ``tool_name`` contradicts ``request`` (one short phrase), or None."""
    said = _WORD.findall(request.lower())
    if not said:
        return None
    words = _action_words(tool_name)
    if words is None:
        return None
    verb = words[0]
    if words[-1] in NOMINAL and not any(_verb(verb, kind) for kind in (READ, WRITE, _OPPOSITE)):
        verb = NOMINAL[words[-1]]  # "AppointmentRegistration" registers, "HotelBooking" books
    if verb == "check" and words[1] in ("in", "out"):  # checkIn / checkOut: a phrasal verb that changes a stay
        return None
    action = _verb(verb, _OPPOSITE)
    if action is not None:
        asked = _verbs(said, _OPPOSITE)
        others = sorted(_OPPOSITE[action] & asked)
        if others and action not in asked:
            return f"the request asks to {others[0]}, {tool_name} would {action}"
    if not (verb in READ or verb in WRITE) or "then" in said:  # "a quote, then buy it": the first step may read
        return None
    changes = _said_verbs(said, WRITE)
    lookup = not IDENTIFIERS.isdisjoint(words[1:])  # GetUserToken, getAccountIdFromNumber: a first step to a change
    if verb in READ and verb not in WRITE and changes and not lookup and not _verbs(said, READ_HINTS):
        return f"the request asks to {sorted(changes)[0]}, {tool_name} only reads"
    if verb in WRITE and not changes and (_verbs(_opening(request), ASKING) or _yes_no(request)):
        return f"the request asks for information, {tool_name} would {verb}"
    return None


def _action_words(tool_name: str) -> list[str] | None:
    """The name's words after any namespace ("shopping__getShippingOptions"), lower-cased, when the first may be
    its verb and later ones its objects ("RateBook", "users_for_reqres_dont_change"); None for a one-word or
    ``...Tool`` name ("BookTool", "resume": a noun, not an action)."""
    words = split_identifier(re.split(r"__|\.", tool_name)[-1]).lower().split()
    return None if len(words) < 2 or words[1] in GENERIC else words


def reads_only(tool_name: str) -> bool:
    """The tool's name opens with a verb that only reads (``get_weather``, ``searchFlights``): running it
    once more changes nothing."""
    words = _action_words(tool_name)
    verb = _verb(words[0], READ) if words else None
    return verb is not None and verb not in WRITE


def _yes_no(request: str) -> bool:
    """A question that opens with an auxiliary and ends with a question mark."""
    words = [w.lower() for w in _CASED_WORD.findall(request)[:3]]
    if not words or words[0] not in YES_NO or not request.rstrip().endswith("?"):
        return False
    return words[1:3] not in (["there", "a"], ["there", "any"], ["it", "possible"])  # "Is there a way to ...?" asks for it


def _opening(request: str) -> list[str]:
    """The first words, lower-cased; a capitalised word inside the text is a name ("the Get Going playlist")."""
    words = _CASED_WORD.findall(request)[:OPENING]
    return [w.lower() for i, w in enumerate(words) if i == 0 or not w[0].isupper() or w == "I"]
