"""The home page (app.py) through Streamlit's AppTest: it renders, the one-hot view follows the
typed sentence, and bad input gives a message, never an exception."""
import pathlib
import xml.etree.ElementTree as ET

import pytest
from streamlit.testing.v1 import AppTest

from pagetest import svg_images


ROOT = pathlib.Path(__file__).resolve().parents[1]


def _run(sentence=None):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    if sentence is not None:
        at.text_input(key="sentence").input(sentence).run()
    assert not at.exception, at.exception
    return at


NS = "{http://www.w3.org/2000/svg}"


def _diagrams(at):
    """The SVG diagrams on the page, parsed (st.image sends each as a base64 data URL)."""
    return [ET.fromstring(svg) for svg in svg_images(at)]


def _one_hot(at):
    found = [d for d in _diagrams(at) if d.get("aria-label", "").startswith("One-hot")]
    return found[0] if found else None


def _columns(svg):
    """The words along the top of the one-hot matrix (rotated labels), in order."""
    return [t.text for t in svg.iter(f"{NS}text") if "rotate" in (t.get("transform") or "")]


def test_home_renders_all_sections():
    at = _run()
    headers = [h.value for h in at.header]
    assert any("Sequences" in h for h in headers) and any("shapes" in h for h in headers)
    assert _one_hot(at) is not None
    titles = " ".join(d.get("aria-label") for d in _diagrams(at))
    for kind in ("One-to-many", "Many-to-one", "Many-to-many", "Encoder-decoder", "Embedding lookup"):
        assert kind in titles
    assert not at.get("plotly_chart")           # no Plotly bundle to load on the first page


def test_typed_sentence_shows_its_one_hot_matrix():
    at = _run("The cat sat on the mat")
    svg = _one_hot(at)
    assert _columns(svg) == ["the", "cat", "sat", "on", "the", "mat"]
    rows = [t.text for t in svg.iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert rows[:6] == ["<unk>", "the", "cat", "sat", "on", "mat"]
    assert len([r for r in svg.iter(f"{NS}rect") if r.get("fill") == "#0072B2"]) == 6


def test_long_sentence_is_capped():
    at = _run(" ".join(f"w{i}" for i in range(50)))
    assert _columns(_one_hot(at)) == [f"w{i}" for i in range(12)]
    assert any("first 12 of 50" in c.value for c in at.caption)


@pytest.mark.parametrize("text, expect", [
    ("", "at least one word"),
    ("   \t ", "at least one word"),
    ("x" * 100_000, "100,000 characters"),
    ("hello\x00wor\x00ld", "control character"),
    ("\x00\x00", "control character"),
])
def test_bad_input_gives_a_message(text, expect):
    at = _run(text)
    messages = [m.value for m in list(at.info) + list(at.warning) + list(at.error)]
    assert any(expect in m for m in messages), messages


@pytest.mark.parametrize("text", ["I 😀 love 🎉 RNNs 👍🏽", "שלום עולם", "مرحبا بالعالم", "東京は大きい"])
def test_emoji_and_other_scripts_render(text):
    at = _run(text)
    assert _one_hot(at) is not None and not at.error


def test_missing_lessons_are_plain_text_not_broken_links():
    at = _run()
    links = at.get("page_link")
    shown = " ".join(m.value for m in at.markdown)
    for page, title in [("1_Named_entities.py", "Named entities"), ("6_Gradient_flow.py", "Gradient flow")]:
        exists = (ROOT / "pages" / page).exists()
        url_name = page.split("_", 1)[1].removesuffix(".py")      # "6_Gradient_flow.py" -> "Gradient_flow"
        linked = any(link.proto.page == url_name for link in links)
        assert linked == exists
        assert exists or title in shown


def test_home_does_not_import_torch_and_torch_starts_with_one_thread():
    """The home page paints without torch (a second or two of the first visit); a lesson that
    imports torch later in the same server still gets one thread per session."""
    import os
    import subprocess
    import sys
    code = ("import sys\nfrom streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60); at.run()\n"
            "assert not at.exception, at.exception\n"
            "print('torch' in sys.modules)\nimport torch\nprint(torch.get_num_threads())\n")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "1"]


def test_home_maps_the_course_notation_to_pytorch_names():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(__import__("pathlib").Path(__file__).resolve().parents[1] / "app.py"),
                           default_timeout=60).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for needle in ("W_aa", "weight_hh_l0", "W_ax", "weight_ih_l0", "z = 1 − Γ_u", "c̃⟨t⟩", "Γ_f"):
        assert needle in text, needle
