"""Task models: shapes, masking, sampling filters, decoding."""
import pytest
import torch

from rnn.models import Classifier, LanguageModel, ModelConfig, Seq2Seq, Tagger, filtered_distribution
from rnn.models.beam import beam_search
from rnn.models.features import Batch, make_word_batch, pad_ids, word_ngrams, word_shape


class TinyVocab:
    def __init__(self, words):
        self.stoi = {w: i + 2 for i, w in enumerate(words)}

    def encode(self, tokens):
        return [self.stoi.get(t, 1) for t in tokens]


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_tagger_padding_does_not_change_a_sentence(arch, bidirectional):
    torch.manual_seed(0)
    vocab = TinyVocab(["Teddy", "Roosevelt", "was", "great", "."])
    model = Tagger(ModelConfig(arch=arch, hidden=8, embed=6, bidirectional=bidirectional), 10).eval()
    short = ["Teddy", "was", "."]
    alone = model(make_word_batch([short], vocab, True))
    padded = model(make_word_batch([short, ["Teddy", "Roosevelt", "was", "great", "."]], vocab, True))
    assert torch.allclose(alone[0], padded[0, :3], atol=1e-5)


def test_tagger_loss_ignores_padding():
    torch.manual_seed(0)
    vocab = TinyVocab(["a", "b"])
    model = Tagger(ModelConfig(hidden=8, embed=6), 10)
    batch = make_word_batch([["a"], ["a", "b"]], vocab, True)
    batch.targets = torch.tensor([[1, 0], [1, 0]])
    base = model.loss(batch)
    batch.targets = torch.tensor([[1, 1], [1, 0]])     # changes only a padded position
    assert torch.allclose(model.loss(batch), base)


def test_spelling_features_are_stable_and_informative():
    assert word_ngrams("Rose") == word_ngrams("rose")           # case lives in the shape features
    assert word_ngrams("Rose") != word_ngrams("Ross")
    assert word_shape("Rose")[0] == 1.0 and word_shape("rose")[0] == 0.0
    assert word_shape(".")[4] == 1.0


def test_classifier_uses_both_directions_final_states():
    torch.manual_seed(0)
    model = Classifier(ModelConfig(arch="gru", hidden=5, embed=4, bidirectional=True, layers=2), 12).eval()
    words, lengths = pad_ids([[2, 3, 4], [5, 6]])
    batch = Batch(words=words, lengths=lengths)
    assert model.summary(batch).shape == (2, 10)
    single = model(Batch(*pad_ids([[5, 6]])))
    assert torch.allclose(model(batch)[1], single[0], atol=1e-5)


def test_filtered_distribution_top_k_top_p_temperature():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    p = filtered_distribution(logits, top_k=2)
    assert torch.allclose(p, torch.tensor([0.625, 0.375, 0.0, 0.0]))
    p = filtered_distribution(logits, top_p=0.7)          # 0.5 + 0.3 reaches 0.7
    assert (p[:2] > 0).all() and (p[2:] == 0).all()
    cold = filtered_distribution(logits, temperature=0.1)
    hot = filtered_distribution(logits, temperature=10.0)
    assert cold[0] > 0.99 and hot.max() < 0.3
    assert torch.allclose(filtered_distribution(logits, top_p=0.01), torch.tensor([1.0, 0, 0, 0]))


def test_language_model_sampling_is_seeded_and_greedy_is_argmax():
    torch.manual_seed(0)
    lm = LanguageModel(ModelConfig(arch="lstm", hidden=8, embed=4), 6)
    decode = str
    a = lm.sample([2, 3], decode, length=10, seed=3)
    b = lm.sample([2, 3], decode, length=10, seed=3)
    assert [s.token for s in a] == [s.token for s in b]
    g = lm.sample([2, 3], decode, length=5, greedy=True)
    assert all(s.token == s.top[0][0] for s in g)
    stop = lm.sample([2, 3], decode, length=50, greedy=True, stop_id=int(g[0].token))
    assert len(stop) == 1


@pytest.mark.parametrize("attention", ["none", "dot", "additive"])
@pytest.mark.parametrize("arch", ["gru", "lstm"])
def test_seq2seq_trains_on_a_copy_task(attention, arch):
    torch.manual_seed(0)
    cfg = ModelConfig(arch=arch, hidden=32, embed=16, attention=attention, bidirectional=True)
    model = Seq2Seq(cfg, 8, 8)                         # ids: 0 pad, 1 unk, 2 bos, 3 eos, 4..7 words
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    src = [[4, 5, 6], [7, 4], [5, 5, 7, 6], [6, 7]]
    words, lengths = pad_ids(src)
    targets, _ = pad_ids([[2, *s, 3] for s in src])
    batch = Batch(words=words, lengths=lengths, targets=targets)
    first = model.loss(batch).item()
    for _ in range(150):
        opt.zero_grad()
        model.loss(batch).backward()
        opt.step()
    assert model.loss(batch).item() < 0.2 * first
    out, attn = model.greedy(words, lengths, bos=2, eos=3)
    assert out == src
    if attention != "none":
        assert attn[0].shape == (4, 3)                 # 3 words + <eos>, 3 source positions
        assert abs(attn[0].sum(1) - 1).max() < 1e-5
        assert attn[1].shape[1] == 2 and abs(attn[1].sum(1) - 1).max() < 1e-5   # padding gets none
    ids, beam_attn = beam_search(model, words[:1, : lengths[0]], lengths[:1], 2, 3, width=3)
    assert ids == src[0]
