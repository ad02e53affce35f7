"""The memory-and-gates page through AppTest: every tab renders with the shipped agreement models,
Learn shows our cells' code beside the equations and a working gate calculator, Try gives the
verb's number, Inspect finds the memory unit, Compare draws accuracy against the gap for all five
cells and the stacked RNNs' table, and every experiment button sets the page up as it says."""
import pytest

from pagetest import fresh_cache, figures, number, open_tab, page_path, numbers, table_with, titles, train_a_few_ticks  # noqa: F401 (fixture)
from rnn.lessons import gates as lesson

PAGE = page_path("7_Memory_and_gates.py")


@pytest.mark.parametrize("tab, chart", [
    ("Learn", None),
    ("Train", "Loss"),
    ("Try", "P(plural verb) after each word"),
    ("Inspect", "Memory unit"),
    ("Compare", "Accuracy against the gap"),
])
def test_every_tab_renders(tab, chart):
    at = open_tab(PAGE, tab, timeout=120)
    assert not at.error, [e.value for e in at.error]
    assert any("pretrained model `agreement-lstm`" in c.value for c in at.caption)
    if chart:
        assert any(chart in t for t in titles(at)), titles(at)


def test_learn_equations_beside_code_and_calculator():
    at = open_tab(PAGE, "Learn")
    code = [c.value for c in at.code]
    assert "z = torch.sigmoid(gx_z + gh_z)" in code and "h = (1 - z) * n + z * h" in code
    assert any(r"\Gamma_u" in x.value for x in at.latex)
    table = table_with(at, "PyTorch")
    assert table["PyTorch"] == ["r", "1 − z", "n", "h"] and "unit 2" in table
    at.radio(key="agreement_eq").set_value("lstm").run()
    assert "c = f * c + i * g" in [c.value for c in at.code]
    at.radio(key="agreement_calc_cell").set_value("lstm").run()
    at.slider(key="agreement_calc_units").set_value(4).run()
    table = table_with(at, "PyTorch")
    assert table["PyTorch"] == ["i", "f", "g", "o", "c", "h"] and "unit 3" in table
    assert len([b for b in at.button if b.key.startswith("agreement_challenge_")]) == len(lesson.CHALLENGES)


@pytest.mark.parametrize("text, number", [
    ("The cat , which already ate the fish that the dogs wanted , was full .", "singular"),
    ("The cats , which already ate the fish that the dog wanted , were full .", "plural"),
])
def test_try_gives_the_verb_number(text, number):
    at = open_tab(PAGE, "Try", agreement_text=text)
    assert at.metric[0].value == number
    assert any("the model read only the words before it" in c.value for c in at.caption)


def test_try_bad_input_is_a_message():
    at = open_tab(PAGE, "Try", agreement_text="   ")
    assert any("subject" in e.value for e in at.error) and not at.metric


def test_inspect_finds_a_unit_that_carries_the_number():
    at = open_tab(PAGE, "Inspect", timeout=120)
    said = [m.value for m in at.markdown if m.value.startswith("Unit **")]
    assert said and "of c⟨t⟩ alone gets" in said[0] and " of 64** units reach 95 % each: the number is " \
        "spread" in said[0]
    story = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("Memory unit")][0]
    names = [d.get("name", "") for d in story["data"]]
    assert any("“cat”" in n for n in names) and any("“cats”" in n for n in names)   # flipped subject
    assert any("Γ_f" in n for n in names) and any("Γ_u" in n for n in names)


def test_compare_shows_five_cells_and_the_depth_table():
    at = open_tab(PAGE, "Compare", timeout=120)
    gap = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("Accuracy against the gap")][0]
    assert [d["name"] for d in gap["data"]] == list(lesson.SHIPPED)
    assert lesson.SHORT_ONLY in lesson.SHIPPED and lesson.LABELS["esn"] in lesson.SHIPPED
    at.toggle(key="agreement_depth").set_value(True).run()
    assert not at.exception
    depth = table_with(at, "stacked layers")
    assert depth["stacked layers"] == ["1", "2", "3"]
    assert all(0 <= v <= 1 for v in numbers(depth["accuracy, gaps 0-5"]))


@pytest.mark.parametrize("index", range(len(lesson.CHALLENGES)))
def test_experiment_buttons_open_their_tab(index):
    ch = lesson.CHALLENGES[index]
    at = open_tab(PAGE, "Learn")
    at.button(key=f"agreement_challenge_{index}").click().run()
    assert not at.exception and at.session_state["tab"] == ch.tab
    for key, value in ch.state.items():
        assert at.session_state[key] == value


def test_a_short_training_run_moves_the_charts():
    at = open_tab(PAGE, "Train", agreement_hidden=8, agreement_embed=8, agreement_seconds=5)
    exp = train_a_few_ticks(at, "agreement")
    assert exp.task.name == "agreement"
    exp.status = "done"                  # as at the end of its budget: the gap chart appears
    at.run()
    assert not at.exception and any("Your model: accuracy against the gap" in t for t in titles(at))


@pytest.mark.parametrize("tab", ["Try", "Inspect"])
@pytest.mark.parametrize("text", ["😀 שלום مرحبا Привет 你好", "The cat\x00\x01 , \x1b[31m was", "the cats " * 8000])
def test_hostile_text_is_a_message_or_an_answer_never_a_traceback(tab, text):
    at = open_tab(PAGE, tab, agreement_text=text)
    if len(text) > 10_000:
        assert at.error and not at.get("plotly_chart")        # over the length limit: a message
    else:
        assert not at.error and at.get("plotly_chart")        # unknown words are read as <unk>


def test_query_string_with_a_bad_cell_falls_back():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.query_params["agreement_arch"] = "Transformer"
    at.query_params["tab"] = "Try"
    at.run()
    assert not at.exception


def test_overwrite_level_compare_inspect_and_the_deep_rnn_equation():
    """Issue 25: the overwrite level's shipped models on Compare (a chart and a by-subjects table),
    Inspect's gates at subjects against inside clauses, the deep RNN's a^[l]⟨t⟩ equation."""
    at = open_tab(PAGE, "Compare", agreement_dataset="overwrite", timeout=180)
    assert not at.exception and not at.error
    assert any("Several subjects" in t for t in titles(at)), titles(at)
    table = table_with(at, "accuracy, 2-3 subjects")
    scores = dict(zip(table["cell"], map(number, table["accuracy, all"])))
    assert scores["GRU"] >= 0.95 and scores["LSTM"] >= 0.95 and scores["RNN"] <= 0.85
    assert any(r"a^{[l]\langle t\rangle}" in x.value for x in at.latex)
    at = open_tab(PAGE, "Inspect", agreement_dataset="overwrite", agreement_arch="GRU", timeout=180)
    assert not at.exception and any("pretrained model `agreement-gru-overwrite`" in c.value for c in at.caption)
    roles = table_with(at, "subject nouns")
    assert roles["gate (mean over units)"] == ["Γ_u (update)"]
    assert number(roles["subject nouns"][0]) > number(roles["the same nouns inside a clause"][0])


def test_compare_shows_the_gradient_sweep_reused_from_gradient_flow():
    """The accuracy-vs-T sweep of the Gradient flow page, on this page too: a button (the sweep
    itself is 21 trainings; its computation is tested in tests/test_gradflow_lab*), and a kept
    result drawn with the Gradient flow page's own figure and table."""
    at = open_tab(PAGE, "Compare", timeout=180)
    assert any(b.key == "agreement_sweep_btn" for b in at.button)
    result = {"RNN": {5: 1.0, 10: 1.0, 20: 0.25}, "GRU": {5: 1.0, 10: 1.0, 20: 1.0},
              "LSTM": {5: 1.0, 10: 1.0, 20: 1.0}}
    at = open_tab(PAGE, "Compare", timeout=180, agreement_sweep=result)
    table = table_with(at, "largest T solved")
    assert dict(zip(table["cell"], table["largest T solved"])) == {"RNN": "10", "GRU": "20", "LSTM": "20"}
