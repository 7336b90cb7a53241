"""Generated requests an assistant answers itself: NONE rows for training, whatever tools are offered.

The corpora's own NONE rows are short chit-chat ("yes", "thanks", "tell me a joke"); what a chat
application sends far more often is writing, explaining, coding help and advice, which a tool router
must leave to the LLM even when a topically close tool is offered (a poem about rain next to
``get_weather``). These rows are made from templates and word lists written for this module
(``random.Random(seed)``, deterministic), in five kinds: ``creative``, ``explain``, ``coding``,
``advice`` and ``opinion``. Kinds that real tools serve (recipes, translation, arithmetic, web
search, rewriting) are left out on purpose so that no row is a tool request in disguise.

The small-talk prompts of ``evals/encoder_report.py`` and ``evals/assistant_chat.jsonl`` are not
here: the same kinds of request, but other topics and wording, so those checks stay held out.
"""

from __future__ import annotations

import random

from router.data import TrainSet, _example, _user

GROUP = "general_requests"

FORMS = [
    "sonnet", "short story", "free-verse poem", "rap verse", "wedding toast", "bedtime story",
    "riddle", "song chorus", "acrostic poem", "fable", "diary entry", "monologue", "ballad",
    "short scene", "motivational speech", "eulogy", "children's rhyme", "flash fiction piece",
]
TOPICS = [
    "a lighthouse keeper", "the first snowfall", "a lost umbrella", "friendship", "the ocean at night",
    "a robot learning to paint", "growing old", "a dragon who is afraid of fire", "city lights",
    "a grandmother's kitchen", "starting a new job", "the moon", "a broken clock", "summer vacation",
    "a soldier coming home", "coffee", "a haunted library", "time travel", "the last tree on earth",
    "a fox in the snow", "a marathon runner", "an old bicycle", "learning to swim", "a train journey",
    "the desert", "a violinist", "forgiveness", "a tiny village", "the mountains", "hope",
]
WRITE = [
    "Write a {form} about {topic}", "Can you write me a {form} about {topic}?",
    "Compose a {form} about {topic}.", "I'd love a {form} about {topic}",
    "Please draft a {form} on the theme of {topic}", "Give me a {form} about {topic}",
    "could you come up with a {form} about {topic}",
]
CONCEPTS = [
    "photosynthesis", "black holes", "inflation", "the French Revolution", "recursion",
    "compound interest", "plate tectonics", "natural selection", "the theory of relativity",
    "supply and demand", "the immune system", "blockchain", "the water cycle", "game theory",
    "the Renaissance", "entropy", "machine learning", "the Cold War", "DNA replication",
    "the placebo effect", "opportunity cost", "impressionism", "stoicism", "the greenhouse effect",
    "how vaccines work", "the Big Bang", "cognitive dissonance", "the stock market", "irony",
    "the electoral college", "quantum computing", "the Pythagorean theorem", "existentialism",
]
EXPLAIN = [
    "Explain {c} like I'm five", "Can you explain {c} in simple terms?", "What is {c}?",
    "Give me a short overview of {c}", "Help me understand {c}", "Explain {c} to a high-school student",
    "What's the main idea behind {c}?", "summarize what {c} is about",
]
WHY = [
    "Why is the sky blue?", "Why do cats purr?", "Why do we dream?", "Why does ice float?",
    "Why do leaves change color?", "Why did the Roman Empire fall?", "Why is sleep important?",
    "Why do onions make you cry?", "Why do we have leap years?", "Why do birds migrate?",
    "Who invented the printing press?", "Who was Cleopatra?", "Who composed The Four Seasons?",
    "What caused World War I?", "How do airplanes stay in the air?", "How does the heart pump blood?",
    "What's the difference between a virus and a bacterium?", "What's the difference between weather and climate?",
    "How did the pyramids get built?", "What is the meaning of the word serendipity?",
]
LANGUAGES = ["Python", "JavaScript", "Java", "C++", "Rust", "Go", "SQL", "TypeScript", "Bash", "Ruby"]
CODE_TASKS = [
    "reverse a string", "read a file line by line", "sort a list of dictionaries by a key",
    "remove duplicates from a list", "write a unit test", "handle exceptions properly",
    "parse a JSON string", "define a class with inheritance", "use a hash map", "write a recursive function",
    "merge two sorted arrays", "check if a number is prime", "format a date", "make an HTTP request",
    "split a string by commas", "write a for loop", "use async and await", "create a linked list",
]
CODE = [
    "How do I {t} in {lang}?", "Show me how to {t} in {lang}", "What's the best way to {t} in {lang}?",
    "Write {lang} code to {t}", "Can you help me {t} in {lang}?",
]
CODE_MISC = [
    "What does a segmentation fault mean?", "Explain the difference between a process and a thread",
    "What is a race condition?", "Why is my recursive function causing a stack overflow?",
    "What are design patterns?", "Explain big O notation", "What's the difference between git merge and git rebase?",
    "How should I structure a REST API?", "What is dependency injection?", "Review this idea: caching everything in memory",
]
GOALS = [
    "be more productive", "sleep better", "prepare for a job interview", "make new friends in a new city",
    "stay motivated to exercise", "learn a new language faster", "deal with stress at work",
    "save money each month", "become a better public speaker", "stop procrastinating",
    "write a good resume", "negotiate a raise", "be a better listener", "keep houseplants alive",
    "study for exams", "improve my handwriting", "start journaling", "get over a breakup",
]
ADVICE = [
    "How can I {g}?", "Any tips to {g}?", "Give me advice on how to {g}", "What should I do to {g}?",
    "I want to {g}. Where do I start?", "what are some ways to {g}",
]
OPINION = [
    "What do you think about pineapple on pizza?", "Is it better to rent or to buy a home?",
    "Which is better, cats or dogs?", "What's the meaning of life?", "Do you have a favorite book?",
    "What would you do with a million dollars?", "Is it worth learning Latin?", "Are you conscious?",
    "What makes a good friend?", "Should I learn guitar or piano first?", "What's your favorite color?",
    "Is social media good or bad for society?", "What's the best way to spend a rainy Sunday?",
    "Can you recommend a good fantasy novel?", "What's a fun name for a goldfish?",
    "Suggest a theme for my sister's birthday party", "What's a good gift idea for a coworker?",
    "Tell me something interesting", "Let's play twenty questions", "Do you like music?",
]


def prompts(seed: int = 0, per_kind: int = 240) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs, at most ``per_kind`` of each templated kind, deterministic for ``seed``."""
    rng = random.Random(seed)

    def sample(items: list[str], n: int) -> list[str]:
        unique = sorted(set(items))
        return rng.sample(unique, min(n, len(unique)))

    creative = [t.format(form=f, topic=p) for t in WRITE for f in FORMS for p in TOPICS]
    explain = [t.format(c=c) for t in EXPLAIN for c in CONCEPTS] + WHY * 3
    coding = [t.format(t=task, lang=lang) for t in CODE for task in CODE_TASKS for lang in LANGUAGES]
    coding += CODE_MISC * 3
    advice = [t.format(g=g) for t in ADVICE for g in GOALS]
    out = [("creative", s) for s in sample(creative, per_kind)]
    out += [("explain", s) for s in sample(explain, per_kind)]
    out += [("coding", s) for s in sample(coding, per_kind)]
    out += [("advice", s) for s in sample(advice, per_kind)]
    out += [("opinion", s) for s in OPINION]
    return out


def load_general_requests(seed: int = 0, per_kind: int = 240) -> TrainSet:
    """The generated rows as NONE examples of their own group (no tools of their own)."""
    examples = []
    for _, text in prompts(seed, per_kind):
        ex = _example(_user(text), None, GROUP, [], [])  # offered nothing of its own
        if ex is not None:
            examples.append(ex)
    return TrainSet(tools={}, examples=examples, catalogues={})
