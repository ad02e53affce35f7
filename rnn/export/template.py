"""The text of every exported train.py, with the parts each run needs marked.

``rnn.export.script`` keeps or drops marked lines for one run and fills in ``{{name}}``s:

* a line ending in ``  #@cond`` is kept only when ``cond`` holds (the tag is removed);
* lines between ``#@if cond`` and ``#@end`` are kept only when ``cond`` holds (blocks nest);
* ``cond`` is space-separated terms that must all hold; a term is a flag, ``a|b`` (either) or
  ``!a`` (not). Flags: the task (ner, textgen, sentiment, translation, agreement), the cell (rnn,
  leaky, esn, gru, lstm), ``vanilla`` (rnn/leaky/esn), ``bi``, ``dropout``, ``clip``, ``wd``,
  ``padded`` (tasks with padded batches), ``classifier`` (sentiment/agreement), ``carry``,
  ``char``/``word`` (textgen), ``attn``, ``dot``, ``additive``, ``tf`` (teacher forcing < 1),
  ``chars`` (NER spelling features), ``keepbest``, ``learnleak``, ``relu``, ``sgd``, ``stop``,
  ``higher`` (the monitored score is better when higher), ``lasteval`` (the run scored its
  last step), ``extraevals`` (it also scored other steps: a budget that ended, then "Continue");
* ``#%% Title`` starts a section: a notebook cell (``argv`` sections stay out of the notebook).

The code mirrors the engine (rnn/cells, rnn/layer.py, rnn/models, rnn/tasks, rnn/train) step for
step (same data order, same initialisation order, same batches, same optimizer and clipping, the
best validation score kept), so a run and its script reach the same validation loss; see
tests/test_export.py and bench/export.py.
"""

TEMPLATE = r'''
#%% Header
"""{{title}}: an RNN Playground run as plain PyTorch.

{{about}}
"""
import ast  #@argv
import json
import math
import random
import re  #@!textgen
import sys  #@argv
import unicodedata  #@ner chars
import zlib  #@ner chars
from collections import Counter
from pathlib import Path

import sacrebleu  #@translation
import torch
import torch.nn.functional as F
from torch import nn

#%% Settings
# ---------------------------------------------------------------------------- the run's settings
hidden = {{hidden}}  # H: units per layer and direction
embed = {{embed}}  # size of a token's vector e⟨t⟩
layers = {{layers}}  # stacked recurrent layers
directions = {{directions}}  # {{directions_note}}
dropout = {{dropout}}  # on e⟨t⟩, between layers and before the output (training only)  #@dropout
leak = {{leak}}  # α: the share of the old state a leaky unit keeps per step  #@leaky
spectral_radius = {{spectral_radius}}  # ρ: the largest |eigenvalue| of the frozen W_aa  #@esn
bptt = {{bptt}}  # tokens per training window (truncated backpropagation through time)  #@textgen
teacher_forcing = {{teacher_forcing}}  # chance of feeding the true previous word  #@tf
steps = {{steps}}  # optimizer steps
batch_size = {{batch_size}}
lr = {{lr}}  # learning rate ({{optimizer_name}})
weight_decay = {{weight_decay}}  #@wd
clip = {{clip}}  # the gradient's global norm is scaled down to at most this  #@clip
eval_every = {{eval_every}}  # score the validation set every this many steps
eval_items = {{eval_items}}  # validation items scored during training (all at the end)
seed = {{seed}}

#%% argv
for arg in sys.argv[1:]:  # python train.py --steps=50 --lr=0.001
    name, value = arg.removeprefix("--").split("=", 1)
    if name not in globals():
        sys.exit(f"error: unknown setting {name!r}")
    globals()[name] = ast.literal_eval(value)

#%% Data
# ---------------------------------------------------------------------------- data
#@if !textgen
def read_jsonl(name):  # one example per line, as the app generated it (tokens already split)
    with open(Path("data") / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


train_set, val_set = read_jsonl("train.jsonl"), read_jsonl("val.jsonl")
#@end
#@if textgen
def read_tokens(name):
    """The text of one split as a list of tokens (characters, or words separated by spaces)."""
    with open(Path("data") / name, encoding="utf-8", newline="") as f:
        return list(f.read())  #@char
        return f.read().split()  #@word


train_tokens, val_tokens = read_tokens("train.txt"), read_tokens("val.txt")
#@end


def build_vocab(sequences, min_freq=1, max_size=None, specials=("<pad>", "<unk>")):
    """Token -> id, most frequent first (ties: first seen); the specials take the first ids."""
    counts = Counter(token for seq in sequences for token in seq)
    kept = [t for t, n in counts.most_common() if n >= min_freq and t not in specials]
    itos = list(specials) + kept[: None if max_size is None else max_size - len(specials)]
    return {t: i for i, t in enumerate(itos)}, itos


stoi, itos = build_vocab([train_tokens]{{vocab_args}})  #@textgen
stoi, itos = build_vocab([x["tokens"] for x in train_set], min_freq=2, max_size=20000)  #@ner
stoi, itos = build_vocab(([w.lower() for w in x["tokens"]] for x in train_set), max_size=20000)  #@sentiment
stoi, itos = build_vocab((x["tokens"] for x in train_set), max_size=5000)  #@agreement
#@if translation
src_stoi, src_itos = build_vocab((x["src"] for x in train_set), max_size=20000)
tgt_stoi, tgt_itos = build_vocab((x["tgt"] for x in train_set), max_size=20000,
                                 specials=("<pad>", "<unk>", "<bos>", "<eos>"))
BOS, EOS = 2, 3
src_join, tgt_join = {{joiners}}  # how tokens join into text ("" for characters)
#@end


def encode(tokens, vocab=stoi):  #@!translation
def encode(tokens, vocab):  #@translation
    return [vocab.get(t, 1) for t in tokens]  # 1 = <unk>


#@if textgen
train_ids, val_ids = torch.tensor(encode(train_tokens)), torch.tensor(encode(val_tokens))
window = max(1, min(bptt, len(train_ids) - 1))
#@end
#@if padded


def pad(seqs):
    """Right-pad id lists with 0 (<pad>): ids (N, L) and true lengths (N,)."""
    lengths = [max(1, len(s)) for s in seqs]
    ids = torch.tensor([s + [0] * (max(lengths) - len(s)) for s in seqs], dtype=torch.long)
    return ids, torch.tensor(lengths)
#@end
#@if ner chars


def ngrams(word, buckets=4096, most=24):
    """The word's character 2-, 3- and 4-grams ("^Ro", "Ros"...), hashed to ids 1..buckets-1."""
    marked, ids = f"^{word.lower()}$", []
    for n in (2, 3, 4):
        for i in range(max(1, len(marked) - n + 1)):
            ids.append(1 + zlib.crc32(f"{n}:{marked[i:i + n]}".encode("utf-8")) % (buckets - 1))
    return ids[:most] + [0] * (most - len(ids[:most]))


def shape(word):
    """What the word looks like: Titlecase, ALL CAPS, lower, digits, punctuation, non-ASCII, hyphen."""
    letters = [ch for ch in word if ch.isalpha()]
    return [float(bool(letters) and word[:1].isupper() and word[1:] == word[1:].lower()),
            float(len(letters) > 1 and word.isupper()), float(bool(letters) and word.islower()),
            float(any(ch.isdigit() for ch in word)),
            float(bool(word) and all(unicodedata.category(ch).startswith("P") for ch in word)),
            float(any(ord(ch) > 127 for ch in letters)), float("-" in word)]
#@end
#@if ner


def make_batch(examples):
    """Word ids (N, L), lengths (N,), tags (N, L) (1 = part of a name)."""  #@!chars
    """Word ids (N, L), lengths, tags (N, L) (1 = part of a name), n-grams (N, L, 24), shapes (N, L, 7)."""  #@chars
    ids, lengths = pad([encode(x["tokens"]) for x in examples])
    tags, _ = pad([x["tags"] for x in examples])
    length = ids.shape[1]  #@chars
    grams = torch.tensor([[ngrams(w) for w in x["tokens"]] + [[0] * 24] * (length - len(x["tokens"]))  #@chars
                          for x in examples])  #@chars
    shapes = torch.tensor([[shape(w) for w in x["tokens"]] + [[0.0] * 7] * (length - len(x["tokens"]))  #@chars
                           for x in examples])  #@chars
    return ids, lengths, tags, grams, shapes  #@chars
    return ids, lengths, tags  #@!chars
#@end
#@if classifier


def make_batch(examples):
    """Word ids (N, L) (lower-cased words), true lengths (N,), labels (N,)."""
    ids, lengths = pad([encode([w.lower() for w in x["tokens"]]) for x in examples])
    return ids, lengths, torch.tensor([x["label"] for x in examples])
#@end
#@if translation


def make_batch(examples):
    """Source ids (N, S), source lengths (N,), target ids (N, T) = <bos> y⟨1⟩ ... y⟨n⟩ <eos>."""
    src, src_lengths = pad([encode(x["src"], src_stoi) for x in examples])
    tgt, _ = pad([[BOS] + encode(x["tgt"], tgt_stoi) + [EOS] for x in examples])
    return src, src_lengths, tgt
#@end
#@if !textgen


def batches(examples):
    """Endless batches in a new shuffled order every epoch (Python's random, seeded)."""
    rng = random.Random(seed)
    order = list(range(len(examples)))
    while True:
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            yield make_batch([examples[i] for i in order[start:start + batch_size]])
#@end
#@if textgen !carry


def batches(ids):
    """Endless batches of windows at random places; the targets are the inputs shifted by one."""
    rng = random.Random(seed)
    while True:
        starts = torch.tensor([rng.randrange(0, len(ids) - window) for _ in range(batch_size)])
        chunk = ids[starts[:, None] + torch.arange(window + 1)]  # (N, window + 1)
        yield chunk[:, :-1], chunk[:, 1:], True  # True: start from a zero state
#@end
#@if textgen carry


def batches(ids):
    """Endless batches of consecutive windows: the text cut into batch_size streams read left to
    right, each window starting from the state the previous one ended in. Each epoch starts from
    a zero state at a random offset, so the window boundaries move."""
    rng = random.Random(seed)
    while True:
        offset = rng.randrange(window)
        length = (len(ids) - 1 - offset) // batch_size
        inputs = ids[offset:offset + batch_size * length].view(batch_size, length)
        targets = ids[offset + 1:offset + 1 + batch_size * length].view(batch_size, length)
        for start in range(0, length - window + 1, window):
            yield inputs[:, start:start + window], targets[:, start:start + window], start == 0
#@end

#%% The cell
# ---------------------------------------------------------------------------- the cell
def init_weights(gates, input_size):
    """W_ax (G·H, D), W_aa (G·H, H), b_ax, b_aa (G·H,): the G gates' weights stacked in one matrix,
    drawn from U(−1/√H, 1/√H) in PyTorch's order, so a seed gives the app's initial weights."""
    k = 1 / math.sqrt(hidden)
    shapes = [(gates * hidden, input_size), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,)]
    return [nn.Parameter(torch.empty(s).uniform_(-k, k)) for s in shapes]


#@if rnn|esn
class Cell(nn.Module):
    """The vanilla RNN step:  a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)  #@!relu
    """The vanilla RNN step:  a⟨t⟩ = relu(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)  #@relu

    PyTorch keeps two biases, b_ax and b_aa; their sum is the course's b_a.  #@rnn
    An echo state network: W_ax, W_aa and the biases stay random (frozen, see Recurrent), W_aa  #@esn
    scaled so its largest |eigenvalue| is ρ; only what reads the states learns. PyTorch keeps  #@esn
    two biases, b_ax and b_aa; their sum is the course's b_a.  #@esn
    """

    def __init__(self, input_size):
        super().__init__()
        self.W_ax, self.W_aa, self.b_ax, self.b_aa = init_weights(1, input_size)

    def forward(self, wx, a):
        """wx = W_ax x⟨t⟩ + b_ax (N, H), a = a⟨t−1⟩ (N, H) -> a⟨t⟩."""
        return torch.tanh(wx + a @ self.W_aa.T + self.b_aa)  #@!relu
        return torch.relu(wx + a @ self.W_aa.T + self.b_aa)  #@relu
#@end
#@if leaky
class Cell(nn.Module):
    """The leaky unit: a vanilla RNN step blended into a running average of the state.

        v⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)          the new content  #@!relu
        v⟨t⟩ = relu(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a)          the new content  #@relu
        a⟨t⟩ = α * a⟨t−1⟩ + (1 − α) * v⟨t⟩                    keep α of the old state

    α is fixed per unit (1 − α is a fixed update gate Γ_u that ignores its input).  #@!learnleak
    α = σ(θ) is learned per unit (1 − α is a Γ_u that ignores its input).  #@learnleak
    """

    def __init__(self, input_size):
        super().__init__()
        self.W_ax, self.W_aa, self.b_ax, self.b_aa = init_weights(1, input_size)
        self.register_buffer("alpha", torch.full((hidden,), float(leak)))  #@!learnleak
        self.theta = nn.Parameter(torch.full((hidden,), math.log(leak / (1 - leak))))  #@learnleak

    def forward(self, wx, a):
        """wx = W_ax x⟨t⟩ + b_ax (N, H), a = a⟨t−1⟩ (N, H) -> a⟨t⟩."""
        alpha = torch.sigmoid(self.theta)  #@learnleak
        alpha = self.alpha  #@!learnleak
        v = torch.tanh(wx + a @ self.W_aa.T + self.b_aa)  #@!relu
        v = torch.relu(wx + a @ self.W_aa.T + self.b_aa)  #@relu
        return alpha * a + (1 - alpha) * v
#@end
#@if gru
class Cell(nn.Module):
    """The gated recurrent unit (GRU):

        Γ_r = σ(W_r [a⟨t−1⟩, x⟨t⟩] + b_r)                    relevance (reset) gate
        Γ_u = σ(W_u [a⟨t−1⟩, x⟨t⟩] + b_u)                    update gate
        c̃⟨t⟩ = tanh(W_c [Γ_r * a⟨t−1⟩, x⟨t⟩] + b_c)           candidate
        a⟨t⟩ = Γ_u * c̃⟨t⟩ + (1 − Γ_u) * a⟨t−1⟩

    Each W is split into W_ax (reads x⟨t⟩) and W_aa (reads a⟨t−1⟩), the three gates stacked in
    PyTorch's order r, z, c̃. Two details are PyTorch's: its update gate z is 1 − Γ_u (the share
    of the OLD state kept), and Γ_r multiplies W_aa a⟨t−1⟩ + b after the product.
    """

    def __init__(self, input_size):
        super().__init__()
        self.W_ax, self.W_aa, self.b_ax, self.b_aa = init_weights(3, input_size)

    def forward(self, wx, a):
        """wx = W_ax x⟨t⟩ + b_ax (N, 3H), a = a⟨t−1⟩ (N, H) -> a⟨t⟩."""
        wx_r, wx_z, wx_c = wx.chunk(3, dim=-1)
        wa_r, wa_z, wa_c = (a @ self.W_aa.T + self.b_aa).chunk(3, dim=-1)
        gamma_r = torch.sigmoid(wx_r + wa_r)
        z = torch.sigmoid(wx_z + wa_z)  # z = 1 − Γ_u
        c_tilde = torch.tanh(wx_c + gamma_r * wa_c)
        return (1 - z) * c_tilde + z * a  # Γ_u * c̃⟨t⟩ + (1 − Γ_u) * a⟨t−1⟩
#@end
#@if lstm
class Cell(nn.Module):
    """The long short-term memory (LSTM) step:

        Γ_u = σ(W_u [a⟨t−1⟩, x⟨t⟩] + b_u)                    update gate (PyTorch: input gate i)
        Γ_f = σ(W_f [a⟨t−1⟩, x⟨t⟩] + b_f)                    forget gate
        c̃⟨t⟩ = tanh(W_c [a⟨t−1⟩, x⟨t⟩] + b_c)                 candidate (PyTorch: g)
        Γ_o = σ(W_o [a⟨t−1⟩, x⟨t⟩] + b_o)                    output gate
        c⟨t⟩ = Γ_u * c̃⟨t⟩ + Γ_f * c⟨t−1⟩                      the memory cell
        a⟨t⟩ = Γ_o * tanh(c⟨t⟩)

    Each W is split into W_ax (reads x⟨t⟩) and W_aa (reads a⟨t−1⟩), the four blocks stacked in
    PyTorch's order i, f, g, o. The state is the pair (a⟨t⟩, c⟨t⟩).
    """

    def __init__(self, input_size):
        super().__init__()
        self.W_ax, self.W_aa, self.b_ax, self.b_aa = init_weights(4, input_size)

    def forward(self, wx, state):
        """wx = W_ax x⟨t⟩ + b_ax (N, 4H), state = (a⟨t−1⟩, c⟨t−1⟩) -> (a⟨t⟩, c⟨t⟩)."""
        a, c = state
        z_u, z_f, z_c, z_o = (wx + a @ self.W_aa.T + self.b_aa).chunk(4, dim=-1)
        gamma_u, gamma_f, gamma_o = torch.sigmoid(z_u), torch.sigmoid(z_f), torch.sigmoid(z_o)
        c_tilde = torch.tanh(z_c)
        c = gamma_f * c + gamma_u * c_tilde
        return gamma_o * torch.tanh(c), c
#@end

#%% The recurrent layer
# ---------------------------------------------------------------------------- the recurrent layer
#@if bi
def reorder(x, index):
    """x (N, L, F) with its steps reordered per sequence: out[i, t] = x[i, index[i, t]]."""
    return x.gather(1, index[..., None].expand(-1, -1, x.shape[-1]))


#@end
#@if bi
class Recurrent(nn.Module):
    """`layers` layers of Cell, layer k reading layer k−1's a⟨t⟩; with directions = 2 each layer
    also reads right to left and outputs [a→⟨t⟩ ; a←⟨t⟩]. Runs step by step over time."""

    def __init__(self, input_size, layers, directions):
        super().__init__()
        self.directions = directions
        self.cells = nn.ModuleList()  # PyTorch's order: layer by layer, forward then backward
        for layer in range(layers):
            for _ in range(directions):
                self.cells.append(Cell(input_size if layer == 0 else directions * hidden))
        #@if esn
        with torch.no_grad():  # an echo state network: W_aa scaled to spectral radius ρ, all frozen
            for cell in self.cells:
                cell.W_aa.mul_(spectral_radius / torch.linalg.eigvals(cell.W_aa.double()).abs().max().item())
        self.requires_grad_(False)
        #@end

    def forward(self, x, lengths=None, state=None):  #@translation
    def forward(self, x, lengths):  #@padded !translation
    def forward(self, x, state=None):  #@textgen
        """x (N, L, D) -> the top layer's a⟨t⟩ (N, L, directions·H), 0 past each sequence's end,  #@padded
        and every cell's last a⟨t⟩, at each sequence's true end (without lengths: its whole  #@translation
        state after step L, with c⟨L⟩ for an LSTM; state: every cell's first state or None)."""  #@translation
        and every cell's a⟨t⟩ at each sequence's true end."""  #@padded !translation
        """x (N, L, D) -> the top layer's a⟨t⟩ (N, L, H) and every cell's state after step L.  #@textgen
        state: every cell's initial state, or None for zeros."""  #@textgen
        n, length, _ = x.shape
        full = lengths is None  #@translation
        lengths = torch.full((n,), length) if full else lengths  #@translation
        real = torch.arange(length)[None, :] < lengths[:, None]  # (N, L): a real token, not padding  #@padded
        #@if bi
        steps = torch.arange(length)  # read each sequence right to left (padding stays at its end):
        backwards = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
        #@end
        finals = []
        for layer in range(len(self.cells) // self.directions):
            if layer > 0:  #@dropout
                x = F.dropout(x, dropout, self.training)  #@dropout
            outputs = []
            for direction in range(self.directions):
                index = layer * self.directions + direction  #@textgen|translation
                cell = self.cells[index]  #@textgen|translation
                cell = self.cells[layer * self.directions + direction]  #@!textgen !translation
                seq = x if direction == 0 else reorder(x, backwards)  #@bi
                wx = seq @ cell.W_ax.T + cell.b_ax  # W_ax x⟨t⟩ + b_ax for every t at once  #@bi
                wx = x @ cell.W_ax.T + cell.b_ax  # W_ax x⟨t⟩ + b_ax for every t at once  #@!bi
                a = (x.new_zeros(n, hidden),) * 2  # (a⟨0⟩, c⟨0⟩)  #@lstm !textgen !translation
                a = x.new_zeros(n, hidden)  # a⟨0⟩  #@!lstm !textgen !translation
                a = (x.new_zeros(n, hidden),) * 2 if state is None else state[index]  #@lstm textgen|translation
                a = x.new_zeros(n, hidden) if state is None else state[index]  #@!lstm textgen|translation
                out = []
                for t in range(length):
                    a = cell(wx[:, t], a)
                    out.append(a[0])  # a⟨t⟩ (a is the pair (a⟨t⟩, c⟨t⟩))  #@lstm
                    out.append(a)  #@!lstm
                out = torch.stack(out, dim=1)  # (N, L, H)
                finals.append(a if full else out[torch.arange(n), lengths - 1])  #@translation
                finals.append(out[torch.arange(n), lengths - 1])  #@padded !translation
                finals.append(a)  #@textgen
                outputs.append(out)  #@!bi
                outputs.append(out if direction == 0 else reorder(out, backwards))  #@bi
            x = torch.cat(outputs, dim=-1)
            x = torch.where(real[..., None], x, 0.0)  #@padded
        return x, finals
#@end
#@if !bi
class Recurrent(nn.Module):
    """`layers` layers of Cell, layer k reading layer k−1's a⟨t⟩. Runs step by step over time."""

    def __init__(self, input_size, layers):
        super().__init__()
        self.cells = nn.ModuleList(Cell(input_size if k == 0 else hidden) for k in range(layers))
        #@if esn
        with torch.no_grad():  # an echo state network: W_aa scaled to spectral radius ρ, all frozen
            for cell in self.cells:
                cell.W_aa.mul_(spectral_radius / torch.linalg.eigvals(cell.W_aa.double()).abs().max().item())
        self.requires_grad_(False)
        #@end

    def forward(self, x, lengths=None, state=None):  #@translation
    def forward(self, x, lengths):  #@padded !translation
    def forward(self, x, state=None):  #@textgen
        """x (N, L, D) -> the top layer's a⟨t⟩ (N, L, directions·H), 0 past each sequence's end,  #@padded
        and every cell's last a⟨t⟩, at each sequence's true end (without lengths: its whole  #@translation
        state after step L, with c⟨L⟩ for an LSTM; state: every cell's first state or None)."""  #@translation
        and every cell's a⟨t⟩ at each sequence's true end."""  #@padded !translation
        """x (N, L, D) -> the top layer's a⟨t⟩ (N, L, H) and every cell's state after step L.  #@textgen
        state: every cell's initial state, or None for zeros."""  #@textgen
        n, length, _ = x.shape
        full = lengths is None  #@translation
        lengths = torch.full((n,), length) if full else lengths  #@translation
        real = torch.arange(length)[None, :] < lengths[:, None]  # (N, L): a real token, not padding  #@padded
        finals = []
        for layer, cell in enumerate(self.cells):
            if layer > 0:  #@dropout
                x = F.dropout(x, dropout, self.training)  #@dropout
            wx = x @ cell.W_ax.T + cell.b_ax  # W_ax x⟨t⟩ + b_ax for every t at once
            a = (x.new_zeros(n, hidden),) * 2  # (a⟨0⟩, c⟨0⟩)  #@lstm !textgen !translation
            a = x.new_zeros(n, hidden)  # a⟨0⟩  #@!lstm !textgen !translation
            a = (x.new_zeros(n, hidden),) * 2 if state is None else state[layer]  #@lstm textgen|translation
            a = x.new_zeros(n, hidden) if state is None else state[layer]  #@!lstm textgen|translation
            out = []
            for t in range(length):
                a = cell(wx[:, t], a)
                out.append(a[0])  # a⟨t⟩ (a is the pair (a⟨t⟩, c⟨t⟩))  #@lstm
                out.append(a)  #@!lstm
            x = torch.stack(out, dim=1)  # (N, L, H)
            finals.append(a if full else x[torch.arange(n), lengths - 1])  #@translation
            finals.append(x[torch.arange(n), lengths - 1])  #@padded !translation
            finals.append(a)  #@textgen
            x = torch.where(real[..., None], x, 0.0)  #@padded
        return x, finals
#@end

#%% The model
# ---------------------------------------------------------------------------- the model
#@if classifier
class Classifier(nn.Module):
    """Many-to-one: read the whole sentence, then ŷ = σ(W_ya a⟨T⟩ + b_y) from its last state
    (for two directions: the forward state after the last word, the backward one after the first)."""

    def __init__(self, vocab_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)  # word id -> e⟨t⟩
        self.rnn = Recurrent(embed, layers{{dirs}})
        self.head = nn.Linear(directions * hidden, 1)

    def forward(self, ids, lengths):
        """Logits (N,): ŷ = σ(logit)."""
        e = self.embedding(ids)
        e = F.dropout(e, dropout, self.training)  #@dropout
        _, finals = self.rnn(e, lengths)
        summary = torch.cat(finals[-directions:], dim=-1)  # the top layer's a⟨T⟩, (N, directions·H)
        summary = F.dropout(summary, dropout, self.training)  #@dropout
        return self.head(summary).squeeze(-1)


def loss_of(batch):
    ids, lengths, labels = batch
    return F.binary_cross_entropy_with_logits(model(ids, lengths), labels.float())
#@end
#@if ner
class Tagger(nn.Module):
    """Many-to-many: ŷ⟨t⟩ = σ(W_ya a⟨t⟩ + b_y), the probability that word t is part of a name.
    e⟨t⟩ = [E x⟨t⟩ ; the mean of its n-gram vectors ; its shape]: a name never seen in training  #@chars
    can still be recognised by its spelling.  #@chars
    """

    def __init__(self, vocab_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.ngram_embedding = nn.Embedding(4096, embed, padding_idx=0)  #@chars
        self.rnn = Recurrent(2 * embed + 7, layers{{dirs}})  #@chars
        self.rnn = Recurrent(embed, layers{{dirs}})  #@!chars
        self.head = nn.Linear(directions * hidden, 1)

    def forward(self, ids, lengths, grams, shapes):  #@chars
    def forward(self, ids, lengths):  #@!chars
        """Logits (N, L)."""
        e = self.embedding(ids)
        #@if chars
        counts = (grams > 0).sum(-1, keepdim=True).clamp(min=1)
        e = torch.cat([e, self.ngram_embedding(grams).sum(2) / counts, shapes], dim=-1)
        #@end
        e = F.dropout(e, dropout, self.training)  #@dropout
        a, _ = self.rnn(e, lengths)
        a = F.dropout(a, dropout, self.training)  #@dropout
        return self.head(a).squeeze(-1)


def loss_of(batch):
    ids, lengths, tags = batch[:3]
    logits = model(*batch[:2], *batch[3:])
    real = torch.arange(ids.shape[1])[None, :] < lengths[:, None]
    return F.binary_cross_entropy_with_logits(logits[real], tags[real].float())
#@end
#@if textgen
class LanguageModel(nn.Module):
    """ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y): the distribution of the next token x⟨t+1⟩."""

    def __init__(self, vocab_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed)
        self.rnn = Recurrent(embed, layers{{dirs}})
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, ids, state=None):
        """ids (N, L) -> logits (N, L, V) and the state after the last token."""
        e = self.embedding(ids)
        e = F.dropout(e, dropout, self.training)  #@dropout
        a, state = self.rnn(e, state=state)
        a = F.dropout(a, dropout, self.training)  #@dropout
        return self.head(a), state


carried = None  # the state one window hands to the next  #@carry


def loss_of(batch):
    """Cross-entropy of every next token (teacher forcing: the true previous token is fed in)."""
    global carried  #@carry
    inputs, targets, fresh = batch
    logits, _ = model(inputs)  #@!carry
    logits, final = model(inputs, None if fresh else carried)  #@carry
    carried = [tuple(s.detach() for s in f) if isinstance(f, tuple) else f.detach() for f in final]  #@carry
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
#@end
#@if translation attn
class Attention(nn.Module):
    """How much source word j matters for the next target word, from the decoder's state s:
    score_j = s · (W_k a_j)  (dot)  #@dot
    score_j = v · tanh(W_s s + W_h a_j)  (additive)  #@additive
    α = softmax(score) over the real source words; the context is c = Σ_j α_j a_j."""

    def __init__(self, dec_size, enc_size):
        super().__init__()
        self.W_k = nn.Linear(enc_size, dec_size, bias=False)  #@dot
        self.W_s = nn.Linear(dec_size, dec_size, bias=False)  #@additive
        self.W_h = nn.Linear(enc_size, dec_size)  #@additive
        self.v = nn.Linear(dec_size, 1, bias=False)  #@additive

    def keys(self, enc):
        return self.W_k(enc)  #@dot
        return self.W_h(enc)  #@additive

    def forward(self, s, enc, keys, mask):
        score = torch.bmm(keys, s.unsqueeze(-1)).squeeze(-1)  #@dot
        score = self.v(torch.tanh(self.W_s(s).unsqueeze(1) + keys)).squeeze(-1)  #@additive
        alpha = torch.softmax(score.masked_fill(~mask, float("-inf")), dim=-1)  # (N, S)
        return torch.bmm(alpha.unsqueeze(1), enc).squeeze(1), alpha


#@end
#@if translation
class Seq2Seq(nn.Module):
    """Encoder-decoder. The encoder reads the source; s⟨0⟩ = tanh(W_b [its last states]) starts
    the decoder, which reads [E y⟨t−1⟩ ; c⟨t⟩] and gives p(y⟨t⟩) = softmax(W_o [s⟨t⟩ ; c⟨t⟩]).  #@attn
    the decoder, which reads E y⟨t−1⟩ and gives p(y⟨t⟩) = softmax(W_o s⟨t⟩): no attention, so  #@!attn
    s⟨0⟩ is all it knows of the source.  #@!attn
    """

    def __init__(self, src_vocab, tgt_vocab):
        super().__init__()
        self.src_embedding = nn.Embedding(src_vocab, embed, padding_idx=0)
        self.tgt_embedding = nn.Embedding(tgt_vocab, embed, padding_idx=0)
        self.encoder = Recurrent(embed, layers{{dirs}})
        self.bridge = nn.Linear(directions * hidden, hidden)
        self.attention = Attention(hidden, directions * hidden)  #@attn
        context = directions * hidden  #@attn
        context = 0  #@!attn
        self.decoder = Recurrent(embed + context, layers{{one}})  # left to right only
        self.out = nn.Linear(hidden + context, tgt_vocab)

    def encode(self, src, lengths):
        e = self.src_embedding(src)
        e = F.dropout(e, dropout, self.training)  #@dropout
        enc, finals = self.encoder(e, lengths)
        s0 = [torch.tanh(self.bridge(torch.cat(finals[k * directions:(k + 1) * directions], dim=-1)))
              for k in range(len(finals) // directions)]
        s0 = [(s, torch.zeros_like(s)) for s in s0]  # (s⟨0⟩, c⟨0⟩) per layer  #@lstm
        mask = torch.arange(src.shape[1])[None, :] < lengths[:, None]
        return enc, self.attention.keys(enc), mask, s0  #@attn
        return enc, None, mask, s0  #@!attn

    def step(self, y_prev, memory, state):
        """One decoder step: logits (N, V), the new state, attention weights (N, S) or None."""
        enc, keys, mask, _ = memory
        e = self.tgt_embedding(y_prev)
        e = F.dropout(e, dropout, self.training)  #@dropout
        c, alpha = self.attention(state[-1][0], enc, keys, mask)  # s⟨t−1⟩ of the top layer  #@attn lstm
        c, alpha = self.attention(state[-1], enc, keys, mask)  # s⟨t−1⟩ of the top layer  #@attn !lstm
        e = torch.cat([e, c], dim=-1)  #@attn
        s, state = self.decoder(e.unsqueeze(1), state=state)
        features = torch.cat([s[:, 0], c], dim=-1)  #@attn
        features = s[:, 0]  #@!attn
        features = F.dropout(features, dropout, self.training)  #@dropout
        return self.out(features), state, None  #@!attn
        return self.out(features), state, alpha  #@attn

    def loss(self, src, lengths, tgt, teacher_forcing=1.0):
        memory = self.encode(src, lengths)
        state, y_prev, losses = memory[3], tgt[:, 0], []
        for t in range(1, tgt.shape[1]):
            logits, state, _ = self.step(y_prev, memory, state)
            losses.append(F.cross_entropy(logits, tgt[:, t], ignore_index=0, reduction="sum"))
            use_gold = teacher_forcing >= 1.0 or (teacher_forcing > 0.0 and float(torch.rand(())) < teacher_forcing)  #@tf
            y_prev = tgt[:, t] if use_gold else logits.argmax(-1)  #@tf
            y_prev = tgt[:, t]  #@!tf
        return torch.stack(losses).sum() / (tgt[:, 1:] != 0).sum().clamp(min=1)


def loss_of(batch):
    return model.loss(*batch, teacher_forcing=teacher_forcing)  #@tf
    return model.loss(*batch)  #@!tf
#@end

#%% Evaluation
# ---------------------------------------------------------------------------- evaluation
#@if classifier
@torch.no_grad()
def probabilities(sentences):
    """ŷ for each sentence (a list of words)."""
    model.eval()
    out = []
    for start in range(0, len(sentences), 512):
        ids, lengths = pad([encode([w.lower() for w in s]) for s in sentences[start:start + 512]])
        out += torch.sigmoid(model(ids, lengths)).tolist()
    return out


def evaluate(examples):
    """Accuracy and loss (the cross-entropy of the probabilities) over examples."""
    probs, labels = probabilities([x["tokens"] for x in examples]), [x["label"] for x in examples]
    p = torch.tensor(probs).clamp(1e-6, 1 - 1e-6)
    loss = F.binary_cross_entropy(p, torch.tensor(labels, dtype=torch.float)).item()
    right = [int((q >= 0.5) == bool(y)) for q, y in zip(probs, labels)]
    result = {"accuracy": sum(right) / len(right), "loss": loss}
    return result  #@!agreement
    #@if agreement
    for lo, hi in ((0, 5), (6, 10), (11, 19), (20, 29), (30, 39), (40, 50)):  # accuracy by gap
        hits = [r for r, x in zip(right, examples) if lo <= x["gap"] <= hi]
        if hits:
            result[f"acc_gap_{lo}-{hi}"] = sum(hits) / len(hits)
    return result
    #@end
#@end
#@if ner
@torch.no_grad()
def probabilities(sentences):
    """ŷ⟨t⟩ for every word of every sentence."""
    model.eval()
    out = []
    for start in range(0, len(sentences), 256):
        chunk = [{"tokens": s, "tags": [0] * len(s)} for s in sentences[start:start + 256]]
        batch = make_batch(chunk)
        probs = torch.sigmoid(model(*batch[:2], *batch[3:]))
        out += [probs[row, :len(x["tokens"])].tolist() for row, x in enumerate(chunk)]
    return out


def prf(tp, predicted, actual):
    precision, recall = tp / predicted if predicted else 0.0, tp / actual if actual else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def spans(tags):
    """Runs of consecutive 1s as (start, end)."""
    found, start = set(), None
    for i, tag in enumerate(list(tags) + [0]):
        if tag == 1 and start is None:
            start = i
        elif tag != 1 and start is not None:
            found, start = found | {(start, i)}, None
    return found


def evaluate(examples):
    """Loss, precision/recall/F1 per word and per name (span), accuracy on ambiguous words."""
    probs = probabilities([x["tokens"] for x in examples])
    gold = [x["tags"] for x in examples]
    pred = [[int(p >= 0.5) for p in row] for row in probs]
    flat_p = torch.tensor([p for row in probs for p in row]).clamp(1e-6, 1 - 1e-6)
    flat_y = torch.tensor([float(t) for row in gold for t in row])
    pairs = [(g, p) for gs, ps in zip(gold, pred) for g, p in zip(gs, ps)]
    result = {"loss": F.binary_cross_entropy(flat_p, flat_y).item()}
    result.update(zip(("precision", "recall", "f1"), prf(sum(g == p == 1 for g, p in pairs),
                                                         sum(p == 1 for _, p in pairs), sum(g == 1 for g, _ in pairs))))
    gs, ps = [spans(g) for g in gold], [spans(p) for p in pred]
    result.update(zip(("span_precision", "span_recall", "span_f1"),
                      prf(sum(len(g & p) for g, p in zip(gs, ps)), sum(map(len, ps)), sum(map(len, gs)))))
    hits = {True: [0, 0], False: [0, 0]}  # ambiguous words (Teddy, April...) and the others
    for x, g, p in zip(examples, gold, pred):
        for flag, gi, pi in zip(x["ambiguous"], g, p):
            hits[bool(flag)][0] += int(gi == pi)
            hits[bool(flag)][1] += 1
    total = hits[True][1] + hits[False][1]
    result["accuracy"] = (hits[True][0] + hits[False][0]) / total if total else math.nan
    result["accuracy_ambiguous"] = hits[True][0] / hits[True][1] if hits[True][1] else math.nan
    result["accuracy_other"] = hits[False][0] / hits[False][1] if hits[False][1] else math.nan
    result["n_ambiguous"] = hits[True][1]
    return result
#@end
#@if textgen
@torch.no_grad()
def evaluate(ids):
    """Mean cross-entropy of every token after the first, read in contiguous streams with the
    state carried from one window of 256 tokens to the next."""
    model.eval()
    n = len(ids) - 1
    streams = max(1, min(256, n // 2000))
    length = -(-n // streams)
    inputs = F.pad(ids[:-1], (0, streams * length - n)).view(streams, length)
    targets = F.pad(ids[1:], (0, streams * length - n), value=-100).view(streams, length)
    total, state = 0.0, None
    for start in range(0, length, 256):
        logits, state = model(inputs[:, start:start + 256], state)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets[:, start:start + 256].reshape(-1),
                                 ignore_index=-100, reduction="sum").item()
    loss = total / n
    return {"loss": loss, "perplexity": math.exp(min(loss, 50.0)), "uniform_loss": math.log(len(itos)),
            "bits_per_char": loss / math.log(2),  #@char
            "tokens_scored": n, "streams": streams, "state_carried": True}
#@end
#@if translation
@torch.no_grad()
def translate(sources):
    """Greedy decoding: the most likely next word each step, until <eos> (at most 60 words)."""
    model.eval()
    out = []
    for start in range(0, len(sources), 256):
        src, lengths = pad([encode(s, src_stoi) for s in sources[start:start + 256]])
        memory = model.encode(src, lengths)
        state, y, steps = memory[3], torch.full((src.shape[0],), BOS), []
        done = torch.zeros(src.shape[0], dtype=torch.bool)
        for _ in range(60):
            logits, state, _ = model.step(y, memory, state)
            y = logits.argmax(-1)
            steps.append(y)
            done |= y == EOS
            if done.all():
                break
        for seq in torch.stack(steps, 1).tolist():
            seq = seq[:seq.index(EOS)] if EOS in seq else seq
            out.append([tgt_itos[i] for i in seq if i > 3])  # no <pad>, <unk>, <bos>, <eos>
    return out


@torch.no_grad()
def evaluate(examples):
    """BLEU and chrF (sacrebleu), exact match (any target of the same source counts) and the loss."""
    hyps = [tgt_join.join(h) for h in translate([x["src"] for x in examples])]
    sources = [src_join.join(x["src"]) for x in examples]
    refs = {}  # every distinct target of each source
    for src, x in zip(sources, examples):
        refs.setdefault(src, [])
        if tgt_join.join(x["tgt"]) not in refs[src]:
            refs[src].append(tgt_join.join(x["tgt"]))
    width = max(len(r) for r in refs.values())
    streams = [[refs[s][k] if k < len(refs[s]) else None for s in sources] for k in range(width)]
    result = {"bleu": sacrebleu.corpus_bleu(hyps, streams).score, "chrf": sacrebleu.corpus_chrf(hyps, streams).score}
    result["exact_match"] = sum(" ".join(h.split()) in {" ".join(r.split()) for r in refs[s]}
                                for h, s in zip(hyps, sources)) / len(hyps)
    total, count = 0.0, 0
    for start in range(0, len(examples), 256):
        src, lengths, tgt = make_batch(examples[start:start + 256])
        total += model.loss(src, lengths, tgt).item() * int((tgt[:, 1:] != 0).sum())
        count += int((tgt[:, 1:] != 0).sum())
    result["loss"] = total / count
    return result
#@end

#%% Training
# ---------------------------------------------------------------------------- training
torch.manual_seed(seed)  # the app seeds before it builds the model...
model = Classifier(len(itos))  #@classifier
model = Tagger(len(itos))  #@ner
model = LanguageModel(len(itos))  #@textgen
model = Seq2Seq(len(src_itos), len(tgt_itos))  #@translation
torch.manual_seed(seed)  # ...and again when training starts (dropout and other random draws)
params = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)  #@!sgd wd
optimizer = torch.optim.Adam(params, lr=lr)  #@!sgd !wd
optimizer = torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)  #@sgd wd
optimizer = torch.optim.SGD(params, lr=lr)  #@sgd !wd
stream = batches(train_ids)  #@textgen
stream = batches(train_set)  #@!textgen
val_scored = val_ids[:{{eval_tokens}} + 1]  # the validation text scored during training  #@textgen
val_scored = val_set[:eval_items]  #@!textgen
best, status, step = None, "done", 0  # best: (score, step, weights) of the best validation {{monitor}}
for step in range(1, steps + 1):
    model.train()
    loss = loss_of(next(stream))
    if not math.isfinite(loss.item()) or loss.item() > 1e6:
        status, step = "diverged", step - 1  # (the app then rolls back to weights it saved)
        break
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip)  # one norm over all gradients  #@clip
    optimizer.step()
    if step % eval_every == 0 or step == steps:  #@lasteval !extraevals
    if step % eval_every == 0 or step == steps or step in {{extra_evals}}:  # and where the run's budget once ended  #@lasteval extraevals
    if step % eval_every == 0:  # (the run was stopped by hand, without a last evaluation)  #@!lasteval !extraevals
    if step % eval_every == 0 or step in {{extra_evals}}:  # and where the run's budget once ended (then stopped by hand)  #@!lasteval extraevals
        scores = evaluate(val_scored)
        print(f"step {step}: training loss {loss.item():.4f}, validation {{monitor}} {scores['{{monitor}}']:.4f}")
        if math.isfinite(scores["{{monitor}}"]) and (best is None or scores["{{monitor}}"] > best[0]):  #@higher
        if math.isfinite(scores["{{monitor}}"]) and (best is None or scores["{{monitor}}"] < best[0]):  #@!higher
            best = (scores["{{monitor}}"], step, {k: v.clone() for k, v in model.state_dict().items()})
#@if keepbest
if best is not None and status == "done":  # keep the weights of the best validation score
    model.load_state_dict(best[2])
    print(f"kept the weights of step {best[1]} (validation {{monitor}} {best[0]:.4f})")
#@end
torch.save(model.state_dict(), "model.pt")

#%% Predictions
# ---------------------------------------------------------------------------- using the model
#@if classifier


def words(text):  # a sentence's words and punctuation (roughly as the app splits them)
    return re.findall(r"\w+(?:[-'’]\w+)*|[^\w\s]", text)


for text in {{examples}}:
    print(f"P({{positive}}) = {probabilities([words(text)])[0]:.3f}  {text}")
#@end
#@if ner


def words(text):  # a sentence's words and punctuation (roughly as the app splits them)
    return re.findall(r"\w+(?:[-'’]\w+)*|[^\w\s]", text)


for text in {{examples}}:
    print(" ".join(f"{w}[{p:.2f}]" for w, p in zip(words(text), probabilities([words(text)])[0])))
#@end
#@if textgen


@torch.no_grad()
def sample(prime, length=200, temperature=1.0):
    """Generate tokens one at a time from p = softmax(logits / temperature), feeding each back in."""
    model.eval()
    generator = torch.Generator().manual_seed(0)
    logits, state = model(torch.tensor([encode(prime)]))
    out = []
    for _ in range(length):
        p = F.softmax(logits[0, -1] / temperature, dim=-1)
        token = int(torch.multinomial(p, 1, generator=generator))
        out.append(itos[token])
        if itos[token] == {{stop}}:  #@stop
            break  #@stop
        logits, state = model(torch.tensor([[token]]), state)
    return {{joiner}}.join(out)


print(sample({{prime}}))
#@end
#@if translation
for x in val_set[:3]:
    print(src_join.join(x["src"]), "->", tgt_join.join(translate([x["src"]])[0]))
#@end

#%% Result
# ---------------------------------------------------------------------------- the result
result = evaluate(val_ids)  # every token of the validation text  #@textgen
result = evaluate(val_set)  # every validation example  #@!textgen
result.update(status=status, steps=step, best_step=best[1] if best and status == "done" else None, out="model.pt")
print(json.dumps({k: None if isinstance(v, float) and not math.isfinite(v) else v
                  for k, v in result.items()}, sort_keys=True))
'''
