"""Every predict-first question in the app, as ``Challenge`` objects: the pages' "Experiments",
the course path and the classroom polls all read them from here.

``ALL`` maps a stable key ("<page>.<name>") to its challenge; ``for_page(page_file)`` lists one
page's challenges in the order the page shows them. ``state`` uses the page's own widget keys and
values (what the "Try it" button sets); ``contract`` names the function in
``rnn.lessons.contracts`` that runs the experiment and checks ``claim``
(``tests/test_contract_*.py``), so no question can promise what the app does not do.

Where a question compares cells it compares them after the same number of training **steps**:
seconds would measure this machine (a GRU step is slower here only for lack of a fused kernel),
not the cell.

No Streamlit here.
"""
from __future__ import annotations

import importlib

from rnn.data.ner_words import MINIMAL_PAIRS     # (not rnn.data.ner: that one loads Faker's names)
from rnn.lessons.challenge import Challenge

NER_PAGE, TEXTGEN_PAGE, SENTIMENT_PAGE = "1_Named_entities.py", "2_Text_generation.py", "3_Sentiment.py"
TRANSLATION_PAGE, BIDIR_PAGE, GRADFLOW_PAGE = "4_Translation.py", "5_Bidirectional.py", "6_Gradient_flow.py"

# The sentences the questions are about (the pages' own example texts).
HARRY = "Harry Potter and Hermione Granger invented a new spell."
TEDDY_BEARS, TEDDY_ROOSEVELT = MINIMAL_PAIRS[0]
UNSEEN = "Zorblax Quengi met Oluwaseun Adeyemi at the station in Oslo."
LOWERCASE = "harry potter and hermione granger invented a new spell."
NOT_GOOD = "The acting was not good."
BUT_DULL, DULL_BUT = "Good acting but a dull plot.", "A dull plot but good acting."
LONG_REVIEW = ("The room was wonderful, the staff were kind and the view was lovely, "
               "but the bed was awful.")
NINETY = "one hundred and ninety"
# The Bidirectional page's minimal-pair selectbox shows "first  /  second".
JORDAN_PAIR = "  /  ".join(MINIMAL_PAIRS[1])

_NER = [
    Challenge(
        key="ner.teddy_unidirectional", page=NER_PAGE,
        question="A left-to-right tagger reads “Teddy” before the next word. What can it say at "
                 "“Teddy” in “Teddy bears…” and “Teddy Roosevelt…”?",
        hint="Read left to right only, “Teddy” looks the same in both sentences, so its "
             "probability is exactly the same (about 0.6: all it can learn is how often a "
             "sentence's “Teddy” is a name) whether “bears” or “Roosevelt” follows. Switch "
             "Bidirectional on: it also reads right to left and says 0 and 1.",
        tab="Try",
        state={"ner_bidirectional": False, "ner_arch": "LSTM", "ner_text": TEDDY_ROOSEVELT},
        choices=("A high P(name) in “Teddy Roosevelt”, a low one in “Teddy bears”",
                 "Exactly the same P(name) in both sentences",
                 "Nothing: it waits for the end of the sentence"),
        answer=1,
        claim="The left-to-right LSTM gives “Teddy” the same P(name) in both sentences (to 1e-6); "
              "the bidirectional LSTM puts them on opposite sides of 0.5, name in “Teddy Roosevelt”.",
        contract="ner_teddy_unidirectional"),
    Challenge(
        key="ner.unseen_names", page=NER_PAGE,
        question="“Zorblax Quengi met Oluwaseun Adeyemi…”: these names were never in the training "
                 "data. Will the tagger find them?",
        hint="Words marked ✱ were never seen in training: for the word embedding they are only "
             "<unk>. The words around them (“met … at”) and their spelling (a capital letter, "
             "letter pieces such as -ov, -ez) still give them away; “Oslo”, a capitalised word it "
             "knows as a city, stays white. The next question shows what the spelling adds.",
        tab="Try", state={"ner_text": UNSEEN},
        choices=("No: a word it never saw cannot be tagged",
                 "Yes, all four words, from their spelling and the words around them",
                 "Only “Oslo”, the one capitalised word it knows"),
        answer=1,
        claim="The shipped taggers mark all four never-seen name words as names (P ≥ 0.5), flag "
              "them as unknown, and tag no other word, “Oslo” included.",
        contract="ner_unseen_names"),
    Challenge(
        key="ner.no_spelling", page=NER_PAGE,
        question="Turn the spelling features off and train: a word it never saw is then only "
                 "<unk>. What goes wrong in “Harry Potter and Hermione Granger invented a new "
                 "spell.”?",
        hint="In the training data most rare words are names, so the model learns “<unk> is "
             "probably a name”. Without spelling, it cannot tell an unknown name from an unknown "
             "ordinary word: “invented” and “spell” (✱, never in training) turn orange too. With "
             "the spelling features they are lowercase, and stay white.",
        tab="Train",
        state={"ner_char_features": False, "ner_seconds": 30, "ner_text": HARRY,
               "ner_arch": "LSTM", "ner_bidirectional": True},
        choices=("Nothing: it tags exactly as before",
                 "It misses Harry, Hermione and the other names",
                 "It also tags unknown ordinary words (“invented”, “spell”) as names"),
        answer=2,
        claim="Trained without spelling features (300 steps, seed 0), the tagger still finds all "
              "four name words but also tags an unknown ordinary word (“invented” or “spell”) as a "
              "name; the shipped model with spelling features tags neither.",
        contract="ner_no_spelling"),
    Challenge(
        key="ner.lowercase", page=NER_PAGE,
        question="Everything in lowercase (“harry potter and hermione granger…”): will it still "
                 "find the names?",
        hint="Yes. In this data a capital letter alone does not make a name (cities, months and "
             "brands are capitalised too), so the model has learnt to rely on known first names "
             "and on the context; lowercase costs it almost nothing here.",
        tab="Try", state={"ner_text": LOWERCASE},
        choices=("No: without capitals it finds none",
                 "Yes: all four name words, and nothing else",
                 "It tags every word as a name"),
        answer=1,
        claim="The shipped bidirectional LSTM tags exactly the four name words of the lowercase "
              "sentence as names.",
        contract="ner_lowercase"),
]

_TEXTGEN = [
    Challenge(
        key="textgen.temperature_high", page=TEXTGEN_PAGE,
        question="What happens to the names at temperature 2?",
        hint="Dividing the scores by T = 2 flattens the distribution: letters the model thinks "
             "unlikely get picked far more often, so the names look stranger.",
        tab="Try",
        state={"tg_temperature": 2.0, "tg_greedy": False, "tg_top_k": 0, "tg_top_p": 1.0,
               "tg_n_samples": 5},
        choices=("They become safer and more alike",
                 "Unlikely letters appear far more often: stranger names",
                 "Nothing changes"),
        answer=1,
        claim="Over 30 samples of every shipped model, more than half of the letters chosen at "
              "T = 2 are ones the model gives under 5 %, against under a third at T = 1.",
        contract="textgen_temperature_high"),
    Challenge(
        key="textgen.greedy", page=TEXTGEN_PAGE,
        question="Greedy decoding always takes the most likely letter. Five greedy samples with "
                 "seeds 0 to 4: how many different names?",
        hint="One name, five times. Greedy uses no randomness: the same start gives the same "
             "state, the same state gives the same choice. That is also why greedy text repeats "
             "itself: here each sample stops at the end of its first name, but let it go on and "
             "it soon writes one name over and over, line after line.",
        tab="Try",
        state={"tg_greedy": True, "tg_temperature": 1.0, "tg_length": 200, "tg_n_samples": 5,
               "tg_seed": 0},
        choices=("Five different names", "One name, five times", "No name at all"),
        answer=1,
        claim="Five greedy samples (seeds 0–4) are the same text for every shipped model; five "
              "samples at T = 1 are not all the same; without the stop at a newline, greedy "
              "falls into a loop: 80 greedy characters end with one name three times in a row.",
        contract="textgen_greedy"),
    Challenge(
        key="textgen.temperature_low", page=TEXTGEN_PAGE,
        question="At temperature 0.3, are the names more or less varied than at 1?",
        hint="Low temperature sharpens the distribution: the model keeps to its most likely "
             "letters, so the names are safe, common and alike (more of them are real names from "
             "the training data).",
        tab="Try",
        state={"tg_temperature": 0.3, "tg_greedy": False, "tg_top_k": 0, "tg_top_p": 1.0,
               "tg_n_samples": 5},
        choices=("More varied", "Less varied: safe, common names", "Just as varied"),
        answer=1,
        claim="Over 30 samples, T = 0.3 gives fewer different first letters and more names from "
              "the training data than T = 1.",
        contract="textgen_temperature_low"),
    Challenge(
        key="textgen.top_k", page=TEXTGEN_PAGE,
        question="Keep only the 3 most likely letters (top-k = 3) at temperature 1.5: still "
                 "readable?",
        hint="Top-k cuts the long tail before drawing: however flat T = 1.5 makes the "
             "distribution, only the 3 best letters can be chosen, so the names look like names "
             "again.",
        tab="Try",
        state={"tg_temperature": 1.5, "tg_top_k": 3, "tg_top_p": 1.0, "tg_greedy": False,
               "tg_n_samples": 5},
        choices=("No: as strange as T = 1.5 alone",
                 "Yes: the unlikely letters are cut away",
                 "It writes the same name every time"),
        answer=1,
        claim="Over 30 samples, top-k = 3 at T = 1.5 chooses letters the model gives under 5 % far "
              "less often than T = 1.5 alone (at most half as often).",
        contract="textgen_top_k"),
]

_SENTIMENT = [
    Challenge(
        key="sentiment.not_good", page=SENTIMENT_PAGE,
        question="“The acting was not good.” Where does the line fall: at “not” or at “good”?",
        hint="At “good”. On its own “not” decides little (“not boring” is praise); the line falls "
             "at “good”, because by then the state a⟨t⟩ carries the “not”. A bag of words that "
             "just adds up “good” could never do this.",
        tab="Try", state={"sentiment_text": NOT_GOOD, "sentiment_arch": "LSTM"},
        choices=("At “not”", "At “good”", "It never falls: “good” is a positive word"),
        answer=1,
        claim="For the shipped LSTM the largest fall of P(positive) is at “good”, P stays ≥ 0.5 "
              "after “not”, and the review ends negative.",
        contract="sentiment_not_good"),
    Challenge(
        key="sentiment.but", page=SENTIMENT_PAGE,
        question="“Good acting but a dull plot.”: positive or negative, and where does the line "
                 "cross 0.5?",
        hint="Negative: the clause after “but” wins. The line is high after “Good acting” and "
             "crosses below 0.5 only at or after “but”. Swap the two halves (next example button) and "
             "it ends positive.",
        tab="Try", state={"sentiment_text": BUT_DULL, "sentiment_arch": "LSTM"},
        choices=("Positive: it starts well",
                 "Negative, crossing at or after “but”",
                 "Negative from the first word"),
        answer=1,
        claim="For the shipped LSTM P(positive) is above 0.5 after “Good acting”, first drops "
              "below 0.5 at or after “but”, ends below 0.5; the swapped review ends above 0.5.",
        contract="sentiment_but"),
    Challenge(
        key="sentiment.long_review", page=SENTIMENT_PAGE,
        question="A long review, happy start and sad end: which cell's line changes its mind "
                 "(crosses 0.5) most often on the way?",
        hint="The vanilla RNN: with no gate, every word rewrites its whole state a⟨t⟩, so even "
             "“the” or “and” can swing it between 0 and 1. GRU and LSTM gates keep most of the state. "
             "All three end negative: only the last state a⟨T⟩ feeds the answer, so the end of "
             "the review counts most. Switch the cell in the sidebar and compare the lines.",
        tab="Try", state={"sentiment_text": LONG_REVIEW, "sentiment_arch": "RNN"},
        choices=("Vanilla RNN", "GRU", "LSTM"),
        answer=0,
        claim="On the long review the shipped vanilla RNN crosses 0.5 more often than the shipped "
              "GRU and LSTM, and all three end below 0.5.",
        contract="sentiment_long_review"),
    Challenge(
        key="sentiment.cell_race", page=SENTIMENT_PAGE,
        question="Same data, same seed, same number of training steps: whose validation accuracy "
                 "climbs fastest, the vanilla RNN's or a gated cell's (GRU, LSTM)?",
        hint="A gated cell's. Read the chart by training steps, not seconds: how long a step "
             "takes depends on this machine and on how each cell is implemented, not on how much "
             "the cell learns from it. The gates keep “not” and “but” in the state a⟨t⟩ "
             "until they matter; the vanilla RNN lags behind, then catches up on this easy data.",
        tab="Compare", state={"sentiment_race_steps": 300, "sentiment_cmp_axis": "step"},
        choices=("The vanilla RNN's", "A gated cell's (GRU or LSTM)", "All three the same"),
        answer=1,
        claim="Trained on the same data and seed, the better of GRU and LSTM has a higher "
              "validation accuracy than the vanilla RNN at 100, 200 and 300 steps; the shipped "
              "vanilla RNN (500 steps) ends at 95 % or more.",
        contract="sentiment_cell_race"),
]

_TRANSLATION = [
    Challenge(
        key="translation.length_race", page=TRANSLATION_PAGE,
        question="Without attention the decoder gets the source only through one vector s⟨0⟩. "
                 "Which numbers does it still get wrong after long training: short ones (4 words, "
                 "“seven hundred and five”) or long ones (6 words, “two thousand one hundred and "
                 "fifty”)?",
        hint="The long ones. Everything about the source must squeeze through s⟨0⟩, and the "
             "more words, the less fits. The pretrained model without attention, trained more "
             "than twice as long as the one with additive attention, gets about twice as many "
             "4-word numbers right as 6-word ones; with attention the decoder reads every encoder "
             "state again and gets both right. (The handful of one-word numbers, such as “eighty”, "
             "are rare in training too: it has not learnt them yet.)",
        tab="Compare", state={"translation_dataset": "numbers"},
        choices=("Short inputs", "Long inputs", "Both the same"),
        answer=1,
        claim="The shipped LSTM without attention (3500 steps) translates 4-word numbers at least "
              "1.5 times as often exactly right as 6-word ones; the shipped LSTM with additive "
              "attention (1500 steps) gets at least 95 % of both.",
        contract="translation_length_race"),
    Challenge(
        key="translation.attention_ninety", page=TRANSLATION_PAGE,
        question="“one hundred and ninety” is “cent quatre-vingt-dix”. Which English word does the "
                 "model look at while writing “quatre-vingt-dix”?",
        hint="Find the brightest cell in the “quatre-vingt-dix” row of the attention heatmap: "
             "“ninety”.",
        tab="Try", state={"tr_source": NINETY, "translation_arch": "LSTM"},
        choices=("“one”", "“hundred”", "“and”", "“ninety”"),
        answer=3,
        claim="The shipped LSTM translates it correctly and its attention row for "
              "“quatre-vingt-dix” has its largest weight on “ninety”.",
        contract="translation_attention_ninety"),
    Challenge(
        key="translation.teacher_forcing", page=TRANSLATION_PAGE,
        question="With teacher forcing 0 the decoder always eats its own guesses while training. "
                 "Compared with teacher forcing 1, does it learn faster, slower, or about as "
                 "fast?",
        hint="About as fast, on this data. Its own guesses are bad only at the start, and number "
             "words are quickly learnt, so both settings pass 50 % exact match within one "
             "evaluation of each other (which one is ahead depends on the seed). Teacher "
             "forcing's price shows at test time: there the decoder must eat its own guesses, "
             "which with teacher forcing 1 it never practised.",
        tab="Train", state={"translation_teacher_forcing": 0.0, "translation_arch": "LSTM",
                            "translation_attention": "additive", "translation_dataset": "numbers"},
        choices=("Faster", "Slower", "About as fast"),
        answer=2,
        claim="Trained on numbers with the same seed and 300 steps, teacher forcing 0 and 1 first "
              "reach 50 % validation exact match within 50 steps of each other, and both end "
              "above 80 %.",
        contract="translation_teacher_forcing"),
]

_BIDIR = [
    Challenge(
        key="bidirectional.jordan", page=BIDIR_PAGE,
        question="In “Jordan borders Israel.” and “Jordan Smith signed the contract.”, will the "
                 "left-to-right model give “Jordan” the same probability?",
        hint="Yes, exactly the same: at “Jordan” it has read nothing else. The bidirectional "
             "model also reads from the end, so “borders” and “Smith” decide.",
        tab="Try", state={"bidir_try_pair": JORDAN_PAIR},
        choices=("Yes, exactly the same", "No: higher before “Smith”",
                 "No: higher before “borders”"),
        answer=0,
        claim="The shipped left-to-right LSTM gives “Jordan” the same P(name) in both sentences "
              "(to 1e-6); the bidirectional one tags it a name only before “Smith”.",
        contract="bidirectional_jordan"),
    Challenge(
        key="bidirectional.ambiguous_accuracy", page=BIDIR_PAGE,
        question="On ambiguous words (Teddy, Jordan, April…) will the left-to-right model be "
                 "near 100 %, near 50 % or near 0 %? And the bidirectional one?",
        hint="Left to right: near 50 %, about what always guessing each word's usual sense gets. "
             "Bidirectional: near 100 %. On all other words both are near 100 %.",
        tab="Compare", state={},
        choices=("Both near 100 %", "Left-to-right near 50 %, bidirectional near 100 %",
                 "Both near 50 %", "Left-to-right near 0 %, bidirectional near 100 %"),
        answer=1,
        claim="On the test set's ambiguous words the shipped left-to-right LSTM scores between "
              "35 % and 70 %, within 10 points of always guessing each word's usual sense; the "
              "bidirectional one at least 90 %; on other words both reach 95 %.",
        contract="bidirectional_ambiguous_accuracy"),
    Challenge(
        key="bidirectional.rnn_cell", page=BIDIR_PAGE,
        question="Does the gain depend on the cell? Train both directions with the vanilla RNN "
                 "cell: will the bidirectional one still win on ambiguous words?",
        hint="Yes: the gain comes from reading the words after “Teddy”, not from gates. Even a "
             "vanilla RNN, read right to left, has just seen “bears” or “Roosevelt”.",
        tab="Train", state={"bidir_arch": "RNN", "bidir_seconds": 20},
        choices=("Yes, by a wide margin", "No: only gated cells gain", "It depends on the seed"),
        answer=0,
        claim="With the vanilla RNN cell (same data, seed and steps) the bidirectional tagger's "
              "accuracy on ambiguous words beats the left-to-right one's by at least 25 points.",
        contract="bidirectional_rnn_cell"),
]

_GRADFLOW = [
    Challenge(
        key="gradflow.radius_up", page=GRADFLOW_PAGE,
        question="Set W_aa's spectral radius to 1.5. Will the RNN's gradient line go up or down "
                 "towards t = 1?",
        hint="Up: eigenvalues outside the unit circle make each step back multiply the gradient "
             "by more than 1, so it explodes towards t = 1. At torch's init (radius ≈ 0.6) it "
             "vanishes instead.",
        tab="Try", state={"grad_radius": "1.5"},
        choices=("Up: it explodes", "Down: it vanishes", "Flat"),
        answer=0,
        claim="At radius 1.5 the RNN's ‖∂L/∂a⟨1⟩‖ / ‖∂L/∂a⟨T⟩‖ at init is above 1 (explodes); at "
              "torch's init (spectral radius between 0.4 and 0.8) it is below 1 (vanishes).",
        contract="gradflow_radius_up"),
    Challenge(
        key="gradflow.relu_clipping", page=GRADFLOW_PAGE,
        question="ReLU RNN, radius 2, T = 20, SGD, no clipping: will it learn, spike, or break? "
                 "Then turn clipping on.",
        hint="It breaks: the gradient explodes, one SGD step makes the weights overflow and the "
             "loss becomes infinite. With clipping at 1 every step is bounded and the training "
             "runs to the end.",
        tab="Train",
        state={"grad_radius": "2.0", "grad_act": "relu", "grad_T": 20, "grad_arch": "rnn",
               "grad_opt": "sgd", "grad_lr": 0.05, "grad_clip_on": False},
        choices=("It learns", "It spikes but recovers", "It breaks (the loss overflows)"),
        answer=2,
        claim="Without clipping the run diverges (non-finite loss or gradient) before its 300 "
              "steps; with clipping at 1 it runs all 300 steps with finite losses.",
        contract="gradflow_relu_clipping"),
    Challenge(
        key="gradflow.sweep", page=GRADFLOW_PAGE,
        question="Which cell still remembers the first symbol after 30 steps? After 50?",
        hint="The gated ones. The vanilla RNN's gradient from the first step vanishes and it "
             "stays near chance (1 in 4); the GRU and LSTM (keep-gate bias 3) carry the symbol "
             "along.",
        tab="Compare", state={},
        choices=("Only the vanilla RNN", "The GRU and the LSTM", "None of them", "All three"),
        answer=1,
        claim="After the sweep's budget (300 steps) at T = 30 and T = 50, the GRU and LSTM reach "
              "at least 90 % held-out accuracy and the vanilla RNN stays within 10 points of "
              "chance.",
        contract="gradflow_sweep"),
]


def _gates() -> tuple[Challenge, ...]:
    """The Memory-and-gates page's challenges live with its lesson (rnn/lessons/gates.py, checked
    by rnn/lessons/gates_contracts.py); they join the catalogue here, in page order."""
    for module in ("rnn.lessons.gates_challenges", "rnn.lessons.gates"):
        # a torch-free module first, if that lesson has one: importing the catalogue (the
        # classroom page, the course) should not have to load torch
        try:
            return tuple(importlib.import_module(module).CHALLENGES)
        except (ImportError, AttributeError):
            continue
    return ()                               # that lesson is not in this tree: the others still work


GATES_PAGE = "7_Memory_and_gates.py"
# Where a page's contract functions live, if not in rnn.lessons.contracts.
CONTRACT_MODULES = {GATES_PAGE: "rnn.lessons.gates_contracts"}

_ORDER = (_NER, _TEXTGEN, _SENTIMENT, _TRANSLATION, _BIDIR, _GRADFLOW, _gates())
ALL: dict[str, Challenge] = {c.key: c for group in _ORDER for c in group}


def for_page(page_file: str) -> list[Challenge]:
    """The challenges of one page, in the order it shows them. ``page_file`` may be a path
    ("pages/1_Named_entities.py", ``__file__``) or just the file name."""
    name = str(page_file).replace("\\", "/").rsplit("/", 1)[-1]
    return [c for c in ALL.values() if c.page == name]
