"""User-file loaders: every format's happy path, and every kind of bad input named by file and
line."""
import io

import pytest

from rnn.data import (DataFormatError, load_conll, load_pairs_tsv, load_sentiment_table,
                      load_text, split_user_data)
from rnn.data.files import conll_tag

CONLL_4COL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
met VBD B-VP O
Mary NNP B-NP B-PERSON
in IN B-PP O
Paris NNP B-NP B-LOC
"""


def write(tmp_path, filename, content):
    path = tmp_path / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --------------------------------------------------------------------------- CoNLL
def test_conll_four_columns_bio_from_a_path(tmp_path):
    sentences = load_conll(write(tmp_path, "train.conll", CONLL_4COL))
    assert [s.tokens for s in sentences] == [
        ["EU", "rejects", "German", "call", "."],
        ["Peter", "Blackburn", "met", "Mary", "in", "Paris"]]
    assert sentences[0].tags == [0, 0, 0, 0, 0]
    assert sentences[1].tags == [1, 1, 0, 1, 0, 0]
    assert sentences[1].ambiguous == [False] * 6


def test_conll_iobes_tabs_and_crlf_from_bytes():
    data = "Ada\tS-PER\r\nsaw\tO\r\nJohn\tB-PER\r\nvon\tI-PER\r\nNeumann\tE-PER\r\n\r\nok\tO\r\n"
    sentences = load_conll(data.encode(), name="iobes.tsv")
    assert sentences[0].tags == [1, 0, 1, 1, 1] and sentences[1].tokens == ["ok"]


def test_conll_binary_tags_and_file_objects():
    sentences = load_conll(io.BytesIO(b"Teddy 0\nbears 0\n\nTeddy 1\nRoosevelt 1\n"))
    assert [s.tags for s in sentences] == [[0, 0], [1, 1]]


@pytest.mark.parametrize("tag, value", [("O", 0), ("0", 0), ("1", 1), ("B-PER", 1),
                                        ("I-PERSON", 1), ("S-PER", 1), ("E-per", 1),
                                        ("U-PERS", 1), ("B-LOC", 0), ("I-ORG", 0), ("PER", 1),
                                        ("MISC", 0), ("B-", None), ("?", None), ("2", None)])
def test_conll_tag_mapping(tag, value):
    assert conll_tag(tag) == value


def test_conll_bad_line_in_the_middle_names_file_and_line():
    data = "Anna B-PER\nsmiled O\n\nBob B-PER\nwaved\nback O\n"
    with pytest.raises(DataFormatError) as err:
        load_conll(data.encode(), name="train.conll")
    assert str(err.value) == ("train.conll, line 5: expected 'TOKEN TAG' (2 to 4 columns: token "
                              "first, tag last), got 1 column")
    assert (err.value.file, err.value.line) == ("train.conll", 5)


def test_conll_unknown_tag_and_too_many_columns():
    with pytest.raises(DataFormatError, match=r"x.conll, line 2: unknown tag '\?\?'"):
        load_conll(b"Anna B-PER\nsmiled ??\n", name="x.conll")
    with pytest.raises(DataFormatError, match=r"line 1: .*got 5 columns"):
        load_conll(b"a b c d B-PER\n", name="x.conll")


def test_conll_without_any_person_tag():
    with pytest.raises(DataFormatError, match="no token is tagged as part of a person's name"):
        load_conll(b"walks VBZ\nfast RB\n", name="pos.conll")
    with pytest.raises(DataFormatError, match="no sentences"):
        load_conll(b"-DOCSTART- -X- O O\n\n", name="doc.conll")


# --------------------------------------------------------------------------- sentiment tables
def test_sentiment_csv_review_sentiment_pos_neg(tmp_path):
    data = ('review,sentiment\n"Great film, loved it",pos\nDull and slow.,NEG\n'
            '"Not bad at all",Positive\n\nawful,negative\n')
    examples = load_sentiment_table(write(tmp_path, "reviews.csv", data))
    assert [e.label for e in examples] == [1, 0, 1, 0]
    assert examples[0].tokens == ["Great", "film", ",", "loved", "it"]


def test_sentiment_tsv_with_extra_columns_and_bom():
    data = "\ufeffid\tText\tLabel\textra\n1\tgood movie\t1\tx\n2\tbad, really bad\t0\ty\n"
    examples = load_sentiment_table(data.encode("utf-8"), name="r.tsv")
    assert [(e.tokens, e.label) for e in examples] == [(["good", "movie"], 1),
                                                        (["bad", ",", "really", "bad"], 0)]


def test_sentiment_semicolon_and_polarity_column():
    examples = load_sentiment_table(b"polarity;sentence\n1;fine\n0;meh\n", name="s.csv")
    assert [e.label for e in examples] == [1, 0]


def test_sentiment_missing_columns_name_what_was_found():
    with pytest.raises(DataFormatError) as err:
        load_sentiment_table(b"comment_text,score\nnice,5\n", name="r.csv")
    message = str(err.value)
    assert message.startswith("r.csv, line 1: the header needs a text column")
    assert "'comment_text', 'score'" in message


def test_sentiment_bad_label_and_bad_row_name_the_line():
    with pytest.raises(DataFormatError, match=r"r.csv, line 3: unknown label 'meh'"):
        load_sentiment_table(b"text,label\ngood,1\nokay,meh\nbad,0\n", name="r.csv")
    with pytest.raises(DataFormatError, match=r"r.csv, line 3: expected 2 columns .* got 1"):
        load_sentiment_table(b"text,label\ngood,1\nno label here\nbad,0\n", name="r.csv")
    with pytest.raises(DataFormatError, match=r"r.csv, line 3: expected 2 columns .* got 3"):
        load_sentiment_table(b"text,label\ngood,1\nbad, sad,0\n", name="r.csv")
    with pytest.raises(DataFormatError, match=r"line 2: the 'text' column is empty"):
        load_sentiment_table(b"text,label\n,1\nbad,0\n", name="r.csv")


def test_sentiment_needs_rows_and_both_labels():
    with pytest.raises(DataFormatError, match="no examples after the header"):
        load_sentiment_table(b"text,label\n", name="r.csv")
    with pytest.raises(DataFormatError, match="same label"):
        load_sentiment_table(b"text,label\na,1\nb,pos\n", name="r.csv")


# --------------------------------------------------------------------------- translation pairs
def test_pairs_tatoeba_three_columns(tmp_path):
    data = ("Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250\n"
            "I'm well-known.\tJe suis connu.\tCC-BY 2.0 (France)\n")
    pairs = load_pairs_tsv(write(tmp_path, "fra.txt", data))
    assert pairs[0].src == ["Go", "."] and pairs[0].tgt == ["Va", "!"]
    assert pairs[1].src == ["I'm", "well-known", "."]


def test_pairs_tatoeba_id_columns_and_header():
    data = b"source\ttarget\n\n1276\tLet's try.\t4751\tEssayons.\n"
    pairs = load_pairs_tsv(data, name="pairs.tsv")
    assert [(p.src, p.tgt) for p in pairs] == [(["Let's", "try", "."], ["Essayons", "."])]


def test_pairs_bad_lines_name_the_line():
    with pytest.raises(DataFormatError) as err:
        load_pairs_tsv(b"a\tb\nno tab here\nc\td\n", name="p.tsv")
    assert str(err.value).startswith("p.tsv, line 2: expected 'SOURCE<TAB>TARGET', got 1 column")
    with pytest.raises(DataFormatError, match=r"p.tsv, line 1: the target is empty"):
        load_pairs_tsv(b"hello\t  \n", name="p.tsv")
    with pytest.raises(DataFormatError, match="no sentence pairs"):
        load_pairs_tsv(b"src\ttgt\n", name="p.tsv")


# --------------------------------------------------------------------------- text and encodings
def test_text_utf8_and_utf16_with_bom(tmp_path):
    assert load_text(write(tmp_path, "a.txt", "héllo\r\nwörld\n")) == "héllo\nwörld\n"
    assert load_text("naïve – ok\n".encode("utf-16"), name="w.txt") == "naïve – ok\n"
    assert load_text(b"\xef\xbb\xbfbom\n", name="b.txt") == "bom\n"


@pytest.mark.parametrize("loader", [load_conll, load_sentiment_table, load_pairs_tsv, load_text])
def test_every_loader_rejects_bad_files(loader, tmp_path):
    cases = [
        (b"", r"up.bin: the file is empty"),
        (b" \n\t\n  ", r"up.bin: the file contains only whitespace"),
        (b"text\n\x89PNG\x00\x00\x01", r"up.bin, line 2: this looks like a binary file"),
        (b"ok\tO\ncaf\xe9\tO\n", r"up.bin, line 2: the file is not UTF-8 text: it was saved in an older encoding .*“é”"),
        (b"x" * 101, r"up.bin: the file is larger than the limit"),
    ]
    for data, message in cases:
        with pytest.raises(DataFormatError, match=message):
            loader(data, name="up.bin", max_bytes=100)
    with pytest.raises(DataFormatError, match=r"big.txt: the file is 101 bytes; the limit is 100 bytes"):
        loader(write(tmp_path, "big.txt", "a" * 101), max_bytes=100)
    with pytest.raises(DataFormatError, match="missing.txt: file not found"):
        loader(tmp_path / "missing.txt")


def test_data_format_error_is_a_value_error():
    err = DataFormatError("expected X", file="f.txt", line=3)
    assert isinstance(err, ValueError) and str(err) == "f.txt, line 3: expected X"
    assert str(DataFormatError("plain")) == "plain"


def test_loaded_user_data_splits():
    pairs = load_pairs_tsv(("".join(f"w{i}\tm{i}\n" for i in range(30))).encode(), name="p.tsv")
    splits = split_user_data(pairs, seed=0)
    assert splits.sizes() == {"train": 24, "val": 3, "test": 3}
    with pytest.raises(DataFormatError, match=r"p.tsv: need at least 10 examples .* got 2"):
        split_user_data(pairs[:2], name="p.tsv")
