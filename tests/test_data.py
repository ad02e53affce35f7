"""Built-in data: determinism, NER name splits and ambiguity, sentiment rule, corpora, translation,
plus the tokenizer, vocabulary and splitting helpers."""
import datetime
import json
import re
from collections import Counter, defaultdict

import pytest
from num2words import num2words

from rnn.data import (AMBIGUOUS_WORDS, CORPORA, MINIMAL_PAIRS, TRANSLATION_SETS, DataFormatError,
                      Vocab, ambiguous_indices, build_ner, build_sentiment, build_translation,
                      detokenize, join_tokens, load_corpus, split_user_data, tokenize_words)
from rnn.data import sentiment as S
from rnn.data.ner import name_pools
from rnn.data.translation import MONTHS, WEEKDAYS, english_number, french_number


@pytest.fixture(scope="module")
def ner():
    return build_ner(seed=0)


# --------------------------------------------------------------------------- tokenizer
@pytest.mark.parametrize("text, tokens", [
    ('He said, "Teddy bears are on sale!"',
     ["He", "said", ",", '"', "Teddy", "bears", "are", "on", "sale", "!", '"']),
    ("Dr. O'Neill's well-known café costs 3.50 €.",
     ["Dr.", "O'Neill's", "well-known", "café", "costs", "3.50", "€", "."]),
    ("don’t stop -- now", ["don’t", "stop", "-", "-", "now"]),
    ("नमस्ते दुनिया। 東京", ["नमस्ते", "दुनिया", "।", "東京"]),
    ("quatre-vingt-dix-neuf", ["quatre-vingt-dix-neuf"]),
    ("  \n\t ", []),
])
def test_tokenize_words(text, tokens):
    assert tokenize_words(text) == tokens


def test_detokenize_round_trips_plain_sentences():
    for text in ['He said, "Teddy bears are on sale!"', "Why did Anna leave Acme?"]:
        assert detokenize(tokenize_words(text)) == text


# --------------------------------------------------------------------------- vocab and splits
def test_vocab_specials_encode_decode_and_json():
    vocab = Vocab(["a", "b", "a", "<unk>"], specials=("<pad>", "<unk>", "<bos>", "<eos>"))
    assert vocab.itos == ["<pad>", "<unk>", "<bos>", "<eos>", "a", "b"] and len(vocab) == 6
    assert (vocab.pad_id, vocab.unk_id, vocab.bos_id, vocab.eos_id) == (0, 1, 2, 3)
    assert vocab.encode(["a", "zzz"], add_bos=True, add_eos=True) == [2, 4, 1, 3]
    assert vocab.decode([2, 4, 1, 3, 5], skip_specials=True) == ["a", "b"]
    assert vocab.decode([4, 3, 5], stop_at_eos=True) == ["a"]
    again = Vocab.from_json(json.loads(json.dumps(vocab.to_json())))
    assert again == vocab and again.encode(["b"]) == [5]
    with pytest.raises(ValueError):
        Vocab(["a"]).encode(["a"], add_bos=True)
    with pytest.raises(ValueError):
        Vocab(["a"], specials=("<unk>", "<pad>"))


def test_vocab_build_orders_by_frequency_and_caps():
    seqs = [["x", "y", "y", "z"], ["y", "x", "w"]]
    assert Vocab.build(seqs).itos[2:] == ["y", "x", "z", "w"]
    assert Vocab.build(seqs, min_freq=2).itos[2:] == ["y", "x"]
    assert Vocab.build(seqs, max_size=3).itos == ["<pad>", "<unk>", "y"]


def test_split_user_data_sizes_determinism_and_too_small():
    splits = split_user_data(list(range(100)), seed=1)
    assert splits.sizes() == {"train": 80, "val": 10, "test": 10}
    assert sorted(splits.train + splits.val + splits.test) == list(range(100))
    assert split_user_data(list(range(100)), seed=1) == splits
    assert split_user_data(list(range(100)), seed=2) != splits
    tiny = split_user_data(list(range(10)))
    assert min(tiny.sizes().values()) >= 1
    with pytest.raises(DataFormatError, match="need at least 10 examples.*got 4"):
        split_user_data([1, 2, 3, 4], name="mine.tsv")


# --------------------------------------------------------------------------- NER
def test_ner_is_deterministic():
    a = build_ner(seed=5)
    assert a.sizes() == {"train": 4000, "val": 500, "test": 500}
    assert build_ner(seed=5) == a
    assert build_ner(seed=6).train != a.train


def test_ner_sentences_are_well_formed(ner):
    for s in ner.train + ner.val + ner.test:
        assert len(s.tokens) == len(s.tags) == len(s.ambiguous) > 0
        assert set(s.tags) <= {0, 1}
        assert all(tokenize_words(tok) == [tok] for tok in s.tokens)
    # capital letters alone do not mean "name": many capitalised words are tagged 0
    capitalised_non_names = {t for s in ner.train for t, g in zip(s.tokens, s.tags)
                             if g == 0 and t[:1].isupper()}
    assert {"London", "Monday", "January", "France", "Acme", "Sony"} <= capitalised_non_names


def test_ner_test_names_unseen_in_train_and_val(ner):
    def names(sentences):
        return {t for s in sentences for t, g in zip(s.tokens, s.tags)
                if g == 1 and t not in AMBIGUOUS_WORDS}
    seen = names(ner.train) | names(ner.val)
    test = names(ner.test)
    assert len(test) > 300 and not test & seen
    assert not names(ner.val) & names(ner.train)


def test_ner_names_come_from_many_languages():
    train_pool, _, test_pool = name_pools(0)
    assert len(train_pool) >= 20 and len(test_pool) >= 20


def test_ner_ambiguous_words_balanced_in_both_senses(ner):
    assert len(AMBIGUOUS_WORDS) >= 20
    senses = defaultdict(Counter)
    for s in ner.train:
        for tok, tag, amb in zip(s.tokens, s.tags, s.ambiguous):
            assert amb == (tok in AMBIGUOUS_WORDS)   # ambiguous words appear only where flagged
            if amb:
                senses[tok][tag] += 1
    assert set(senses) == set(AMBIGUOUS_WORDS)
    for word, count in senses.items():
        assert count[0] > 10 and count[1] > 10, word
        assert abs(count[1] / (count[0] + count[1]) - 0.5) <= 0.05, (word, count)


def test_ner_words_before_an_ambiguous_word_do_not_decide(ner):
    """Every left context seen with one sense is seen with the other one too."""
    contexts = {0: set(), 1: set()}
    for s in ner.train:
        for i, amb in enumerate(s.ambiguous):
            if amb:
                contexts[s.tags[i]].add(tuple(s.tokens[:i]))
    assert len(contexts[0]) >= 5 and contexts[0] == contexts[1]


def test_ner_teddy_example(ner):
    tokens = tokenize_words("Teddy bears are on sale.")
    assert ambiguous_indices(tokens) == [0]
    assert ambiguous_indices(tokenize_words("Teddy Roosevelt was a great President.")) == [0]
    teddy = [s for s in ner.train if "Teddy" in s.tokens]
    bears = [s for s in teddy if s.tokens[s.tokens.index("Teddy") + 1] == "bears"]
    named = [s for s in teddy if s.tags[s.tokens.index("Teddy")] == 1]
    assert bears and named
    for s in bears:
        i = s.tokens.index("Teddy")
        assert s.tags[i] == 0 and s.ambiguous[i] and sum(s.ambiguous) == 1
    for s in named:
        assert s.ambiguous[s.tokens.index("Teddy")]


def test_minimal_pairs_differ_only_after_the_ambiguous_word():
    assert MINIMAL_PAIRS[0] == ("Teddy bears are on sale.", "Teddy Roosevelt was a great President.")
    assert len(MINIMAL_PAIRS) >= 10
    for a, b in MINIMAL_PAIRS:
        ta, tb = tokenize_words(a), tokenize_words(b)
        idx = ambiguous_indices(ta)
        assert idx and idx == ambiguous_indices(tb)
        i = idx[0]
        assert ta[:i + 1] == tb[:i + 1] and ta[i + 1:] != tb[i + 1:]


# --------------------------------------------------------------------------- sentiment
NEGATIONS = {"not", "never"}


def _clause_polarity(words):
    """Polarity of one clause: its opinion word, flipped by a negation (not / never / ...n't)."""
    opinion = {**{w: 1 for w in S.POSITIVE}, **{w: 0 for w in S.NEGATIVE}, "better": 1, "worse": 0}
    for pol, verbs in S.VERBS.items():
        for past, base in verbs:
            opinion[past] = opinion[base] = pol
    found = [opinion[w] for w in words if w in opinion]
    assert len(found) == 1, words
    negated = any(w in NEGATIONS or w.endswith("n't") for w in words)
    return 1 - found[0] if negated else found[0]



def rule_label(tokens):
    """An independent reading of the documented rule, applied to the words of a review."""
    text = " ".join(tokens).lower().rstrip(" .")
    for lead in S.LEADS:
        if lead and text.startswith(lead.lower() + " "):
            text = text[len(lead) + 1:]
    for connective in (" , but ", " ; however , ", " , yet ", " but "):
        if connective in text:
            return _clause_polarity(text.split(connective)[-1].split())
    if text.startswith("although "):
        return _clause_polarity(text.split(" , ", 1)[1].split())
    for connective in (" , although ", " , even though "):
        if connective in text:
            return _clause_polarity(text.split(connective)[0].split())
    clauses = text.split(" and ")
    polarities = {_clause_polarity(c.split()) for c in clauses}
    assert len(polarities) == 1, text
    return polarities.pop()


@pytest.mark.parametrize("text, label", [
    ("Good acting but a dull plot.", 0),
    ("A dull plot but good acting.", 1),
    ("Although the plot was dull, the acting was superb.", 1),
    ("The acting was superb, although the plot was dull.", 1),
    ("The plot was not bad at all.", 1),
    ("The plot was never boring.", 1),
    ("The plot was not very good.", 0),
    ("The food was extremely good.", 1),
    ("I didn't enjoy the food; however, the service was great.", 1),
])
def test_rule_reader_agrees_with_the_documented_examples(text, label):
    assert rule_label(tokenize_words(text)) == label


def test_sentiment_labels_follow_the_rule_and_are_balanced():
    splits = build_sentiment(seed=0)
    assert splits.sizes() == {"train": 4000, "val": 500, "test": 500}
    everything = splits.train + splits.val + splits.test
    for example in everything:
        assert example.label == rule_label(example.tokens), detokenize(example.tokens)
    assert sum(e.label for e in splits.train) == 2000
    texts = [" ".join(e.tokens) for e in everything]
    assert len(set(texts)) == len(texts)
    joined = " ".join(texts)
    for phrase in (" but ", "although", "not", "never", "n't", "very", "extremely", "at all"):
        assert phrase in joined
    assert build_sentiment(seed=0) == splits and build_sentiment(seed=1) != splits


def _polarity_or_none(words):
    """A clause's polarity, or None for a neutral one ("the plot was long")."""
    opinion = {*S.POSITIVE, *S.NEGATIVE, "better", "worse"} | {v for vs in S.VERBS.values() for p in vs for v in p}
    return _clause_polarity(words) if any(w in opinion for w in words) else None


def test_sentiment_order_matters():
    """Both orders of the same two clauses around "but" occur, with opposite labels when the two
    clauses have opposite polarities."""
    labels = {}
    for e in build_sentiment(seed=0).train:
        text = " ".join(e.tokens).rstrip(" .")
        if " , but " in text and not text.startswith(tuple(l for l in S.LEADS if l)):
            a, b = text.split(" , but ")
            labels[(a.lower(), b.lower())] = e.label
    flipped = [(k, v) for k, v in labels.items() if (k[1], k[0]) in labels
               and {_polarity_or_none(k[0].split()), _polarity_or_none(k[1].split())} == {0, 1}]
    assert all(labels[(b, a)] != v for (a, b), v in flipped)


def test_sentiment_losing_clause_gives_nothing_away():
    """Issue 25: in "A , but B" the label cannot be read off A: "not A" is right about half the
    time, and all four polarity combinations (and neutral first clauses) occur."""
    combos, not_a = {}, []
    for e in build_sentiment(seed=0).train:
        text = " ".join(e.tokens).lower().rstrip(" .")
        for lead in S.LEADS:
            if lead and text.startswith(lead.lower() + " "):
                text = text[len(lead) + 1:]
        if " , but " in text:
            a, b = text.split(" , but ")
            pa = _polarity_or_none(a.split())
            combos[(pa, e.label)] = combos.get((pa, e.label), 0) + 1
            if pa is not None:
                not_a.append(e.label == 1 - pa)
    assert {(1, 1), (1, 0), (0, 1), (0, 0), (None, 0), (None, 1)} <= set(combos)
    assert 0.45 < sum(not_a) / len(not_a) < 0.7


# --------------------------------------------------------------------------- corpora
def test_corpora_sizes_determinism_and_character():
    assert {"names", "prose", "python"} <= set(CORPORA)
    texts = {name: load_corpus(name) for name in CORPORA}
    for name, text in texts.items():
        assert 100_000 <= len(text.encode()) <= 300_000, name
        assert load_corpus(name) == text
    assert load_corpus("names", seed=1) != texts["names"]
    names = texts["names"].splitlines()
    assert len(names) > 10_000 and max(map(len, names)) < 30 and " " not in texts["names"]
    assert any(not n.isascii() for n in names)          # accents from many languages
    python, prose = texts["python"], texts["prose"]
    assert "def " in python and "import " in python and "return" in python
    assert "Beautiful is better than ugly." in prose and ">>>" not in prose

    def symbol_share(text):
        return sum(c in "()[]{}=_:#" for c in text) / len(text)
    assert symbol_share(python) > 3 * symbol_share(prose)
    with pytest.raises(KeyError):
        load_corpus("klingon")


# --------------------------------------------------------------------------- translation
def test_number_words():
    assert english_number(312) == "three hundred and twelve"
    assert french_number(312) == "trois cent douze"
    assert french_number(80) == "quatre-vingts" and french_number(71) == "soixante et onze"
    assert french_number(2000) == "deux mille"
    assert english_number(4523) == "four thousand five hundred and twenty-three"


def test_translation_numbers_splits_are_disjoint_and_correct():
    splits = build_translation("numbers", seed=0)
    assert splits.sizes() == {"train": 8000, "val": 1000, "test": 1000}
    spec = TRANSLATION_SETS["numbers"]
    number_of = {num2words(n).replace(",", ""): n for n in range(10_000)}
    sources = []
    for split in splits:
        sources.append({join_tokens(p.src, spec["src_join"]) for p in split})
        for p in split[:300]:
            src, tgt = join_tokens(p.src, spec["src_join"]), join_tokens(p.tgt, spec["tgt_join"])
            assert num2words(number_of[src], lang="fr") == tgt
            assert p.src == tokenize_words(src) and p.tgt == tokenize_words(tgt)
    train, val, test = sources
    assert not test & (train | val) and not val & train
    assert build_translation("numbers", seed=0, n_train=10, n_val=5, n_test=5).test == splits.test[:5]
    with pytest.raises(ValueError):
        build_translation("numbers", n_train=9000, n_val=1000, n_test=1000)


def test_translation_dates_are_correct_iso_dates():
    splits = build_translation("dates", seed=0, n_train=3000, n_val=300, n_test=300)
    assert TRANSLATION_SETS["dates"]["tgt_join"] == ""
    targets = [set(), set(), set()]
    for k, split in enumerate(splits):
        for p in split:
            src, iso = "".join(p.src), "".join(p.tgt)
            assert re.fullmatch(r"(19|20)\d\d-\d\d-\d\d", iso)
            year, month, day = map(int, iso.split("-"))
            assert str(year) in src and str(day) in src
            words = src.lower()
            if re.search(r"[a-z]{3}", words):
                assert MONTHS[month - 1][:3].lower() in words
            named_days = [d for d in WEEKDAYS if d[:3].lower() in words]
            if named_days:
                assert named_days == [WEEKDAYS[datetime.date(year, month, day).weekday()]]
            targets[k].add(iso)
    assert not targets[2] & (targets[0] | targets[1])
    sample = " | ".join("".join(p.src) for p in splits.train[:200])
    assert "," in sample and re.search(r"\d(st|nd|rd|th)", sample) and "." in sample


def test_share_strings_keeps_one_string_per_distinct_token():
    from rnn.data.splits import Splits, share_strings
    from rnn.data.translation import Pair

    def fresh(word):                          # a new string object each call (as generators make)
        return "".join(list(word))

    a, b = Pair([fresh("deux"), fresh("cents")], [fresh("two")]), Pair([fresh("deux")], [fresh("two")])
    assert a.src[0] is not b.src[0]
    splits = Splits(train=[a], val=[b], test=[])
    assert share_strings(splits) is splits
    assert a.src[0] is b.src[0] and a.tgt[0] is b.tgt[0]
    assert (a.src, a.tgt, b.src, b.tgt) == (["deux", "cents"], ["two"], ["deux"], ["two"])
    text = Splits(train="abc\n", val="d", test="e")               # text generation: strings
    assert share_strings(text).train == "abc\n"
