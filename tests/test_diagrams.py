"""rnn.diagrams: the SVG drawings of the home page and the lessons' Learn tabs. Each is parsed as
XML and read back: the boxes, the ones and the looked-up numbers a student sees are checked, and
typed text can never become markup."""
import xml.etree.ElementTree as ET

import pytest

from rnn import diagrams

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)                 # raises if the markup is not well-formed
    assert root.tag == f"{NS}svg" and root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{NS}title") is not None
    return root


def texts(root) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def filled(root, colour) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if r.get("fill") == colour]


@pytest.mark.parametrize("kind", list(diagrams.KINDS))
def test_each_shape_has_its_inputs_cells_and_outputs(kind):
    title, _, steps, inputs, outputs, decoder = diagrams.KINDS[kind]
    root = parse(diagrams.taxonomy_svg(kind))
    words = texts(root)
    assert words[0] == title
    assert sorted(w for w in words if w.startswith("x⟨")) == sorted(f"x⟨{t + 1}⟩" for t in inputs)
    assert len([w for w in words if w.startswith("ŷ⟨")]) == len(outputs)
    cells = [w for w in words if w in ("a", "enc", "dec")]
    assert len(cells) == steps and cells.count("dec") == len(decoder)
    # one arrow into every cell from the left, one up from every input, one up to every output,
    # and (generation) one from each output to the next cell
    arrows = list(root.iter(f"{NS}line"))
    fed_back = len([t for t in range(1, steps) if t - 1 in outputs and t in outputs
                    and t not in inputs])
    assert len(arrows) == (steps - 1) + len(inputs) + len(outputs) + fed_back


def test_every_shape_is_drawn_equally_wide_so_they_scale_alike():
    boxes = {diagrams.taxonomy_svg(kind).split('viewBox="', 1)[1].split('"')[0]
             for kind in diagrams.KINDS}
    assert len(boxes) == 1


def test_generation_feeds_outputs_back_and_translation_does_not_number_outputs_from_the_input():
    one_to_many = parse(diagrams.taxonomy_svg("one-to-many"))
    assert len([a for a in one_to_many.iter(f"{NS}line") if a.get("stroke-dasharray")]) == 3
    enc_dec = texts(parse(diagrams.taxonomy_svg("encoder-decoder")))
    assert [w for w in enc_dec if w.startswith("ŷ⟨")] == ["ŷ⟨1⟩", "ŷ⟨2⟩", "ŷ⟨3⟩"]


def test_unknown_shape_is_a_programming_error():
    with pytest.raises(ValueError, match="many-to-some"):
        diagrams.taxonomy_svg("many-to-some")


def test_one_hot_columns_have_a_single_one_in_the_words_row():
    tokens = ["the", "cat", "the", "zebra"]
    vocab = diagrams.sentence_vocab(tokens[:3], common=["a", "dog"], max_size=5)
    assert vocab == ["<unk>", "the", "cat", "a", "dog"]
    assert diagrams.one_hot_indices(tokens, vocab) == [1, 2, 1, 0]      # zebra -> <unk>
    x = diagrams.one_hot_matrix(tokens, vocab)
    assert [sum(row[t] for row in x) for t in range(4)] == [1, 1, 1, 1] and x[0][3] == 1
    root = parse(diagrams.one_hot_svg(tokens, vocab))
    ones = filled(root, diagrams.BLUE)
    assert len(ones) == 4
    # each lit cell sits in its word's column and its vocabulary row
    xs = sorted({float(r.get("x")) for r in ones})
    assert len(xs) == 4
    row_of = {float(r.get("x")): float(r.get("y")) for r in ones}
    assert row_of[xs[0]] == row_of[xs[2]]                   # both "the": the same row
    assert texts(root).count("1") == 4 + 1                  # four ones, and the t = 1 label
    zeros = "".join(t for t in texts(root) if t and set(t) == {"0"})
    assert len(zeros) == len(vocab) * len(tokens) - 4       # every other cell shows its 0
    assert set(vocab) <= set(texts(root))


def test_no_vocabulary_entry_for_an_unknown_word_leaves_its_column_empty():
    assert diagrams.one_hot_matrix(["x", "y"], ["y"]) == [[0, 1]]


def test_embedding_lookup_shows_the_picked_columns_of_e():
    tokens = ["the", "cat", "the", "zebra"]
    vocab = ["<unk>", "the", "cat", "a", "dog"]
    E = [[k * 1.0 + i / 10 for i in range(5)] for k in range(2)]     # every value distinct
    root = parse(diagrams.embedding_svg(tokens, vocab, E))
    numbers = [float(t) for t in texts(root) if t.replace(".", "").replace("-", "").isdigit()]
    top, bottom = numbers[:10], numbers[10:]
    assert top == [E[k][i] for k in range(2) for i in range(5)]
    picked = [1, 2, 1, 0]
    assert bottom == [E[k][i] for k in range(2) for i in picked]
    outlined = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "none"]
    assert len(outlined) == 3                               # columns the, cat, <unk>


@pytest.mark.parametrize("args", [([], ["<unk>"], [[1.0]]), (["a"], [], [[1.0]]),
                                  (["a"], ["<unk>", "a"], [[1.0]]), (["a"], ["<unk>", "a"], None)])
def test_empty_or_mismatched_input_gives_a_note_not_an_error(args):
    root = parse(diagrams.embedding_svg(*args))
    assert "no words yet" in " ".join(texts(root))
    assert "no words yet" in " ".join(texts(parse(diagrams.one_hot_svg([], []))))


def test_typed_text_is_escaped_never_markup():
    tokens = ["<script>alert(1)</script>", "a&b", '"quoted"', "😀", "שלום"]
    vocab = diagrams.sentence_vocab(tokens)
    for svg in (diagrams.one_hot_svg(tokens, vocab),
                diagrams.embedding_svg(tokens, vocab, diagrams.random_embedding(2, len(vocab)))):
        root = parse(svg)
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        shown = texts(root)
        assert "a&b" in shown and "😀" in shown and '"quoted"' in shown
        assert any(t.startswith("<script>") and t.endswith("…") for t in shown)   # cut, as text


def test_random_embedding_is_reproducible_and_rounded():
    E = diagrams.random_embedding(4, 7)
    assert E == diagrams.random_embedding(4, 7) and len(E) == 4 and all(len(r) == 7 for r in E)
    assert all(round(v, 1) == v for row in E for v in row)
    assert E != diagrams.random_embedding(4, 7, seed=1)


def test_the_module_needs_no_plotly_numpy_or_torch():
    import subprocess
    import sys
    code = ("import sys, rnn.diagrams\n"
            "print(sorted(m for m in ('plotly', 'numpy', 'torch', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
