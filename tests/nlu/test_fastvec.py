"""nlu.fastvec gives scikit-learn's TF-IDF numbers without scikit-learn (which only trains)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from nlu.classifier import make_features
from nlu.fastvec import DENSE_CELLS, Analyzer, FeatureMajor, Tfidf, l2_normalised

DOCS = [
    "厨房水管漏水了 qqlkrepair",
    "  My   toilet's blocked\tagain, can't flush ",
    "电梯困人！！ help",
    "a",
    "",
    "it's the 3rd time qqnum qqunit this week, the landlord's door",
    "ＦＵＬＬ width 全角 and Ünïcode",
    "x y z x y z x y z",
    "好",
]


@pytest.mark.parametrize("vectorizer", [v for _, v in make_features().transformer_list])
def test_the_model_analyzers_split_text_as_scikit_learn_does(vectorizer):
    ours = Analyzer(vectorizer.analyzer, vectorizer.ngram_range, vectorizer.token_pattern)
    theirs = vectorizer.build_analyzer()
    for doc in DOCS:
        assert ours(doc) == theirs(doc), doc


@pytest.mark.parametrize(
    ("analyzer", "sklearn_kwargs"),
    [
        (Analyzer("char_wb", (1, 3)), {"analyzer": "char_wb", "ngram_range": (1, 3)}),
        (
            Analyzer("word", (1, 2), r"[a-z][a-z']+"),
            {"token_pattern": r"[a-z][a-z']+", "ngram_range": (1, 2)},
        ),
    ],
)
def test_fit_and_transform_match_scikit_learn(analyzer, sklearn_kwargs):
    corpus = [d for d in DOCS if d.strip()]
    ours = Tfidf.fit(analyzer, corpus)
    theirs = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **sklearn_kwargs)
    rows = theirs.fit_transform(corpus).toarray()
    assert ours.vocab == theirs.vocabulary_
    np.testing.assert_array_equal(np.float32(ours.idf), theirs.idf_)
    for doc, row in zip(corpus, rows, strict=True):
        idx, val = ours.transform_one(doc)
        dense = np.zeros(ours.size)
        dense[idx] = val
        np.testing.assert_allclose(dense, row, atol=1e-7)


def test_pre_tokenised_documents_without_norm_match_scikit_learn():
    docs = [["qcgas", "qcfee", "qcgas"], ["qcfee"], ["qcpark", "qcgas"], []]
    ours = Tfidf.fit(Analyzer("tokens"), docs, norm=None)
    theirs = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, dtype=np.float32, norm=None)
    rows = normalize(theirs.fit(docs).transform(docs[:3])).toarray()
    assert ours.vocab == theirs.vocabulary_
    for doc, row in zip(docs, rows, strict=False):
        idx, val = l2_normalised(ours.transform_one(doc))
        np.testing.assert_allclose(row[idx], val, atol=1e-7)
        assert np.count_nonzero(row) == len(idx)


def test_unknown_words_give_an_empty_row():
    vec = Tfidf.fit(Analyzer("char_wb", (2, 2)), ["abc"])
    idx, val = vec.transform_one("xyz")
    assert len(idx) == len(val) == 0


@pytest.mark.parametrize("n_features", [50, DENSE_CELLS // 3 + 1])  # dense, then sparse
def test_feature_major_rows_give_the_dot_products_of_the_full_matrix(n_features):
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(3):
        idx = np.sort(rng.choice(n_features, size=20, replace=False))
        rows.append((idx, rng.random(20)))
    full = np.zeros((3, n_features))
    for r, (idx, val) in enumerate(rows):
        full[r, idx] = val
    stored = FeatureMajor(rows, n_features)
    assert (stored.dense is None) == (n_features * 3 > DENSE_CELLS)
    q_idx = np.concatenate([rows[0][0][:10], rows[2][0][:5], [n_features - 1]])
    q_val = rng.random(len(q_idx))
    np.testing.assert_allclose(stored.dot(q_idx, q_val), full[:, q_idx] @ q_val, rtol=1e-6)
    np.testing.assert_array_equal(stored.dot(q_idx[:0], q_val[:0]), np.zeros(3))
