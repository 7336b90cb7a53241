"""The catalogue classifier: words and embedding to a tool, its probabilities over offered tools, storage."""

from __future__ import annotations

import numpy as np
import pytest

from router.classifier import CatalogueClassifier, offered_prior
from router.model import CANDIDATE_FEATURES, Memory, candidate_features, normalize

VOTE = CANDIDATE_FEATURES.index("knn_vote_weight")
ROWS = [
    ("refund my order please", "refunds"),
    ("I want a refund for order 12", "refunds"),
    ("money back for the broken lamp, refund it", "refunds"),
    ("track my parcel", "tracking"),
    ("where is my parcel right now", "tracking"),
    ("track order 12 delivery status", "tracking"),
    ("change my password", "account"),
    ("reset the account password", "account"),
    ("update my account email", "account"),
]


def fitted(vectors: np.ndarray | None = None) -> CatalogueClassifier:
    texts = [t for t, _ in ROWS]
    vecs = np.zeros((len(ROWS), 4), dtype=np.float32) if vectors is None else vectors
    clf = CatalogueClassifier.fit(texts, vecs, [label for _, label in ROWS], seed=0)
    assert clf is not None
    return clf


def test_words_decide_when_the_embedding_says_nothing() -> None:
    clf = fitted()
    zero = np.zeros(4, dtype=np.float32)
    for text, want in (("refund the lamp", "refunds"), ("where is the parcel", "tracking"), ("new password", "account")):
        prior = clf.prior(text, zero, ["tracking", "refunds", "account"])
        assert prior is not None
        assert ["tracking", "refunds", "account"][int(np.argmax(prior))] == want, (text, prior)
        assert prior.sum() == pytest.approx(1.0, abs=1e-5)


def test_the_embedding_counts_too() -> None:
    # texts without shared words; each tool's rows point one way in embedding space
    direction = {"refunds": [1, 0, 0, 0], "tracking": [0, 1, 0, 0], "account": [0, 0, 1, 0]}
    vectors = np.array([direction[label] for _, label in ROWS], dtype=np.float32)
    clf = fitted(vectors)
    prior = clf.prior("zzz qqq", np.array([0, 0.9, 0.1, 0], dtype=np.float32), ["refunds", "tracking", "account"])
    assert prior is not None and int(np.argmax(prior)) == 1


def test_unknown_tools_are_nan_and_none_known_is_none() -> None:
    clf = fitted()
    zero = np.zeros(4, dtype=np.float32)
    prior = clf.prior("refund it", zero, ["refunds", "get_weather", "tracking"])
    assert prior is not None and np.isnan(prior[1]) and np.nansum(prior) == pytest.approx(1.0, abs=1e-5)
    assert clf.prior("refund it", zero, ["get_weather"]) is None
    assert offered_prior(np.array([1.0, 2.0]), [-1, -1]) is None


def test_one_tool_trains_nothing_and_two_tools_keep_both_rows() -> None:
    assert CatalogueClassifier.fit(["a b", "c d"], np.zeros((2, 4)), ["x", "x"]) is None
    two = [(t, label) for t, label in ROWS if label != "account"]
    clf = CatalogueClassifier.fit([t for t, _ in two], np.zeros((len(two), 4)), [label for _, label in two])
    assert clf is not None and clf.coef.shape[0] == 2
    margins = clf.margins(["refund please", "track the parcel"], np.zeros((2, 4), dtype=np.float32))
    assert [clf.tools[i] for i in margins.argmax(1)] == ["refunds", "tracking"]


def test_round_trip_through_arrays() -> None:
    clf = fitted()
    again = CatalogueClassifier.from_arrays(clf.to_arrays())
    assert again is not None and again.tools == clf.tools and again.vocabulary == clf.vocabulary
    vecs = np.zeros((2, 4), dtype=np.float32)
    np.testing.assert_allclose(again.margins(["refund", "parcel"], vecs), clf.margins(["refund", "parcel"], vecs), atol=2e-3)
    assert CatalogueClassifier.from_arrays({}) is None


def test_prior_moves_the_vote_of_known_tools_only() -> None:
    rng = np.random.default_rng(0)
    tools = normalize(rng.normal(size=(3, 8)).astype(np.float32))
    query = normalize(rng.normal(size=8).astype(np.float32))
    memory = Memory.build(normalize(rng.normal(size=(4, 8)).astype(np.float32)), np.array([0, 0, 1, 1]), 3)
    scores = memory_scores = np.zeros(4, dtype=np.float32)
    plain = candidate_features(query, tools, memory, memory_scores)
    prior = np.array([0.0, 1.0, np.nan], dtype=np.float32)
    moved = candidate_features(query, tools, memory, scores, prior=prior)
    vote = {int(i): float(v) for i, v in zip(plain.index, plain.features[:, VOTE], strict=True)}
    after = {int(i): float(v) for i, v in zip(moved.index, moved.features[:, VOTE], strict=True)}
    assert after[1] > vote[1] and after[0] < vote[0]
    assert after[2] == vote[2]  # not known to the classifier


@pytest.mark.parametrize(
    "text",
    ["Refund my order, REFUND it!", "track track the parcel 12", "é café naïve refund", "a b c", "", "order-12 status"],
)
def test_serving_tf_idf_matches_the_fitted_vectorizer(text: str) -> None:
    """Serving computes TF-IDF without scikit-learn; it must equal the vectorizer the SVM was fitted on."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    clf = fitted()
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                vocabulary={t: i for i, t in enumerate(clf.vocabulary)})
    reference.idf_ = clf.idf.astype(np.float64)
    row = reference.transform([text]).tocsr()
    expected = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    terms, weights = clf._tfidf(text)
    assert dict(zip(terms.tolist(), weights.tolist(), strict=True)) == pytest.approx(expected, rel=1e-5)
    if "refund" in text.lower():
        assert expected  # the case is not vacuous: known terms were found
