"""Contracts of rnn/lessons/questions/course.toml (the course's own questions,
``rnn.lessons.course.OWN``): one function per question, named by its ``contract``, returning an
``Outcome`` (tests/contracts/common.py).

Each runs the experiment its question is about, on the shipped checkpoints or a model built exactly
as the page builds it. All are cheap (no training): a few forward passes. Where the answer is a
choice the measurement decides ("Exactly one", "Many-to-one"), the contract checks that choice too.
"""
from __future__ import annotations

import torch

from rnn.lessons import course

from .common import Outcome, outcome


def _shipped(name: str):
    from rnn.experiment import Experiment
    from rnn.pretrained import checkpoint_path

    return Experiment.load(checkpoint_path(name))


def onehot() -> Outcome:
    """x⟨t⟩ has one 1; E·x⟨t⟩ is the embedding lookup (on the shipped tagger's vocabulary)."""
    from rnn.diagrams import one_hot_matrix, sentence_vocab

    tokens = "a cat and a dog sat on a mat".split()
    vocab = sentence_vocab(tokens, ("the", "is"), max_size=20)
    x = one_hot_matrix(tokens, vocab)                                   # |V| rows of T
    ones_per_column = [sum(1 for row in x if row[t] != 0) for t in range(len(tokens))]
    exp = _shipped("ner-rnn")
    table = exp.model.encoder.embedding.weight.detach()                # (|V|, d): E transposed
    words = exp.vocabs["words"]
    ids = [words.stoi[w] for w in ("a", "the", "and") if w in words.stoi]
    one_hot = torch.zeros(len(ids), table.shape[0])
    one_hot[torch.arange(len(ids)), torch.tensor(ids)] = 1.0          # rows: x⟨t⟩ᵀ
    product = one_hot @ table                                          # (x⟨t⟩ᵀ Eᵀ) = (E x⟨t⟩)ᵀ
    lookup = exp.model.encoder.embedding(torch.tensor(ids)).detach()
    same = bool(ids) and torch.allclose(product, lookup)
    holds = (ones_per_column == [1] * len(tokens) and same and table.shape[0] > 1000
             and len(ids) == 3 and course.ONEHOT.right_choice == "Exactly one")
    return outcome(holds, {"ones_per_column": ones_per_column, "vocab_size": int(table.shape[0]),
                           "words_checked": len(ids), "product_equals_lookup": same})


def parameter_sharing(lengths=(5, 50), seed: int = 0) -> Outcome:
    """Unroll the shipped vanilla RNN's recurrence by hand with its one W_aa, W_ax, b_a."""
    exp = _shipped("ner-rnn")
    rnn = exp.model.rnn.fused                                            # torch.nn.RNN, tanh
    W_ax, W_aa = rnn.weight_ih_l0.detach(), rnn.weight_hh_l0.detach()   # PyTorch's names
    b_a = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach()
    n_params = sum(p.numel() for p in exp.model.parameters())
    gen = torch.Generator().manual_seed(seed)
    worst = {}
    for T in lengths:
        x = torch.randn(1, T, rnn.input_size, generator=gen)
        with torch.no_grad():
            out, _ = rnn(x)                                              # (1, T, D*H)
        a = torch.zeros(rnn.hidden_size)
        errors = []
        for t in range(T):
            a = torch.tanh(W_aa @ a + W_ax @ x[0, t] + b_a)
            errors.append(float((a - out[0, t, :rnn.hidden_size]).abs().max()))
        worst[T] = max(errors)
    after = sum(p.numel() for p in exp.model.parameters())
    holds = (rnn.nonlinearity == "tanh" and all(e < 1e-4 for e in worst.values())
             and max(worst) >= 50 and after == n_params)          # a long unroll (T = 50) too
    return outcome(holds, {"max_abs_error": worst, "parameters": n_params,
                           "nonlinearity": rnn.nonlinearity})


def taxonomy(lengths=(3, 7, 15)) -> Outcome:
    """Outputs per input: one per review (sentiment), one per word (named entities)."""
    from rnn.models.features import Batch

    sent = _shipped("sentiment-rnn")
    ner = _shipped("ner-rnn")
    gen = torch.Generator().manual_seed(0)
    sentiment_outputs, ner_outputs = {}, {}
    vocab = sent.model.encoder.embedding.num_embeddings
    for T in lengths:
        words = torch.randint(4, vocab, (2, T), generator=gen)
        with torch.no_grad():
            logits = sent.model(Batch(words=words, lengths=torch.tensor([T, T])))
        sentiment_outputs[T] = int(logits.reshape(2, -1).shape[1])      # outputs per review
        text = " ".join(["Harry", "met", "Anna", "in", "the", "old", "town"] * 3)
        tokens = text.split()[:T]
        ner_outputs[T] = len(ner.predict(" ".join(tokens))["probs"])
    holds = (sorted(sentiment_outputs) == sorted(lengths)
             and all(v == 1 for v in sentiment_outputs.values())
             and all(ner_outputs[T] == T for T in lengths)
             and course.TAXONOMY.right_choice == "Many-to-one")
    return outcome(holds, {"sentiment_outputs": sentiment_outputs, "ner_outputs": ner_outputs})


def deep_rnn(hidden: int = 16, seed: int = 0) -> Outcome:
    """A 2-layer tagger as the Named-entities page builds it (ner_layers = 2)."""
    from rnn.experiment import Experiment
    from rnn.models.config import ModelConfig

    torch.manual_seed(seed)
    exp = Experiment.create("ner", ModelConfig(arch="rnn", hidden=hidden, layers=2,
                                               bidirectional=False))
    rnn = exp.model.rnn.fused
    shapes = {k: tuple(v.shape) for k, v in rnn.state_dict().items()}
    w_aa = sorted(k for k in shapes if k.startswith("weight_hh"))
    layer2_input = shapes["weight_ih_l1"][1]
    # layer 2 reads layer 1's activations: replace them and its output changes
    x = torch.randn(1, 6, rnn.input_size)
    layer1 = torch.nn.RNN(rnn.input_size, hidden, batch_first=True)
    layer2 = torch.nn.RNN(hidden, hidden, batch_first=True)
    with torch.no_grad():
        for l, layer in ((0, layer1), (1, layer2)):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(layer, f"{name}_l0").copy_(getattr(rnn, f"{name}_l{l}"))
        full, _ = rnn(x)
        a1, _ = layer1(x)
        a2, _ = layer2(a1)
        a2_other, _ = layer2(a1.flip(1))
    stacked = float((full - a2).abs().max())
    changed = float((a2_other - a2).abs().max())
    holds = (w_aa == ["weight_hh_l0", "weight_hh_l1"] and layer2_input == hidden
             and stacked < 1e-5 and changed > 1e-3
             and course.DEEP.state == {"ner_layers": 2})        # the Try button builds this model
    return outcome(holds, {"w_aa": w_aa, "layer2_input_columns": int(layer2_input),
                           "hidden": hidden, "stacked_equals_layer2_of_layer1": stacked,
                           "change_when_layer1_changes": changed})


def _score(model, src, lengths, ids: list[int], bos: int, eos: int, alpha: float) -> float:
    """Beam search's score of an output: log p(ids, <eos> | src) / len ** alpha (rnn.models.beam)."""
    from torch.nn import functional as F

    memory = model.encode(src, lengths)
    state, prev, logp = memory["state"], bos, 0.0
    for token in list(ids) + [eos]:
        logits, state, _ = model.step(torch.tensor([prev]), memory, state)
        logp += float(F.log_softmax(logits[0], dim=-1)[token])
        prev = token
    return logp / max(1, len(ids) + 1) ** alpha


@torch.no_grad()
def beam_search(n: int = 150, width: int = 5, alpha: float = 0.7,
                name: str = "translation-rnn") -> Outcome:
    """Greedy vs beam (k = ``width``) on the shipped translator's first ``n`` test inputs, both
    scored as beam search scores a hypothesis."""
    from rnn.models.beam import beam_search as beam

    exp = _shipped(name)
    model = exp.model.eval()
    src_vocab, tgt = exp.vocabs["src"], exp.vocabs["tgt"]
    items = exp.ensure_data().test[:n]
    changed, worse, gains = [], 0, []
    for item in items:
        ids = torch.tensor([src_vocab.encode(list(item.src))])
        lengths = torch.tensor([ids.shape[1]])
        greedy_ids, _ = model.greedy(ids, lengths, tgt.bos_id, tgt.eos_id, 40)
        greedy_ids = [int(t) for t in greedy_ids[0]]
        if tgt.eos_id in greedy_ids:
            greedy_ids = greedy_ids[:greedy_ids.index(tgt.eos_id)]
        beam_ids, _ = beam(model, ids, lengths, tgt.bos_id, tgt.eos_id, width, 40, alpha)
        g = _score(model, ids, lengths, greedy_ids, tgt.bos_id, tgt.eos_id, alpha)
        b = _score(model, ids, lengths, list(beam_ids), tgt.bos_id, tgt.eos_id, alpha)
        worse += b < g - 1e-6
        if list(beam_ids) != greedy_ids:
            changed.append(" ".join(item.src))
            gains.append(b - g)
    # the example the hint names, and the Try button opens, is one that beam search changes
    example = course.BEAM.state.get("tr_source")
    holds = (len(items) == n and worse == 0 and 1 <= len(changed) <= 0.1 * n
             and all(gain > 0 for gain in gains)
             and example == "one thousand one hundred" and example in changed)
    return outcome(holds, {"inputs": len(items), "changed": changed, "beam_worse": int(worse),
                           "gains_where_changed": gains, "try_example": example})
