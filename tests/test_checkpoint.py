"""Checkpoints: round trips, and a clear CheckpointError for every kind of bad file."""

import io
import json
import math
import pickle
import struct
import zipfile

import numpy as np
import pytest
import safetensors.torch
import torch

from rnn.checkpoint import (CheckpointError, check_state_dict, checkpoint_from_files,
                            checkpoint_to_files, from_zip_bytes, load_checkpoint, save_checkpoint,
                            to_zip_bytes)


class _Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(7, 4)
        self.lstm = torch.nn.LSTM(4, 5, batch_first=True)
        self.head = torch.nn.Linear(5, 7)


@pytest.fixture
def model():
    torch.manual_seed(0)
    return _Model()


META = {"config": {"arch": "lstm", "hidden": 5}, "vocab": ["<pad>", "a", "é"],
        "history": [{"step": 1, "loss": 2.5}]}


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k])


def test_folder_round_trip(tmp_path, model):
    save_checkpoint(tmp_path / "ckpt", model.state_dict(), META)
    state, meta = load_checkpoint(tmp_path / "ckpt")
    _assert_same(state, model.state_dict())
    assert meta == META
    fresh = _Model()
    fresh.load_state_dict(state)
    check_state_dict(state, fresh.state_dict())


def test_files_and_zip_round_trip(model):
    files = checkpoint_to_files(model.state_dict(), META)
    assert set(files) == {"model.safetensors", "meta.json"}
    _assert_same(checkpoint_from_files(files)[0], model.state_dict())
    state, meta = from_zip_bytes(to_zip_bytes(model.state_dict(), META))
    _assert_same(state, model.state_dict())
    assert meta == META


def test_zip_with_files_in_one_folder():
    files = checkpoint_to_files({"w": torch.ones(2)}, {"a": 1})
    assert from_zip_bytes(_zip({f"ckpt/{k}": v for k, v in files.items()}))[1] == {"a": 1}


def test_non_contiguous_and_shared_tensors_are_saved():
    w = torch.arange(6.0).reshape(2, 3)
    state = {"w_t": w.t(), "tied_a": w, "tied_b": w}
    loaded, _ = checkpoint_from_files(checkpoint_to_files(state, {}))
    assert torch.equal(loaded["w_t"], w.t()) and torch.equal(loaded["tied_b"], w)


def test_meta_nan_numpy_and_unserializable():
    files = checkpoint_to_files({}, {"loss": math.nan, "best": np.float32(1.5), "arr": np.arange(2)})
    assert checkpoint_from_files(files)[1] == {"loss": None, "best": 1.5, "arr": [0, 1]}
    with pytest.raises(CheckpointError, match="JSON"):
        checkpoint_to_files({}, {"bad": object()})


def test_only_float32_is_saved():
    with pytest.raises(CheckpointError, match="float32"):
        checkpoint_to_files({"w": torch.ones(2, dtype=torch.float64)}, {})


def _files(weights: bytes, meta: bytes = b"{}") -> dict:
    return {"model.safetensors": weights, "meta.json": meta}


def _weights(model) -> bytes:
    return checkpoint_to_files(model.state_dict(), {})["model.safetensors"]


def test_missing_files(tmp_path, model):
    save_checkpoint(tmp_path, model.state_dict(), META)
    (tmp_path / "meta.json").unlink()
    with pytest.raises(CheckpointError, match="meta.json is missing"):
        load_checkpoint(tmp_path)
    with pytest.raises(CheckpointError, match="no model.safetensors"):
        checkpoint_from_files({"meta.json": b"{}"})


def test_truncated_weights(model):
    data = _weights(model)
    with pytest.raises(CheckpointError, match="truncated"):
        checkpoint_from_files(_files(data[:-10]))
    with pytest.raises(CheckpointError, match="truncated"):
        checkpoint_from_files(_files(data[:5]))


def test_header_longer_than_file_or_cap():
    with pytest.raises(CheckpointError, match="truncated: its header needs 1000 bytes"):
        checkpoint_from_files(_files(struct.pack("<Q", 1000) + b"{}"))
    with pytest.raises(CheckpointError, match="limit"):
        checkpoint_from_files(_files(struct.pack("<Q", 2**40) + b"{}"))


def test_invalid_header_json():
    with pytest.raises(CheckpointError, match="invalid header"):
        checkpoint_from_files(_files(struct.pack("<Q", 9) + b"{not json"))
    bad_entry = json.dumps({"w": {"dtype": "F32"}}).encode()
    with pytest.raises(CheckpointError, match="invalid header entry for 'w'"):
        checkpoint_from_files(_files(struct.pack("<Q", len(bad_entry)) + bad_entry))


def test_wrong_dtype_is_refused():
    data = safetensors.torch.save({"w": torch.ones(3, dtype=torch.float16)})
    with pytest.raises(CheckpointError, match="F16.*float32"):
        checkpoint_from_files(_files(data))


def test_header_starting_with_pickle_byte_still_loads():
    # A valid file whose header length is 0x..80 starts with the byte a pickle starts with.
    for n in range(1, 200):
        data = safetensors.torch.save({"w" * n: torch.ones(1)})
        if data[0] == 0x80:
            break
    assert data[0] == 0x80
    assert torch.equal(checkpoint_from_files(_files(data))[0]["w" * n], torch.ones(1))


def test_shapes_and_keys_checked(model):
    expected = model.state_dict()
    state = dict(expected)
    state["head.weight"] = torch.zeros(3, 5)
    state["extra"] = torch.zeros(1)
    del state["head.bias"]
    with pytest.raises(CheckpointError) as err:
        check_state_dict(state, expected)
    message = str(err.value)
    assert "missing tensor 'head.bias'" in message and "unexpected tensor 'extra'" in message
    assert "'head.weight' has shape (3, 5), the model needs (7, 5)" in message
    check_state_dict({"w": torch.zeros(2, 3)}, {"w": (2, 3)})
    with pytest.raises(CheckpointError, match="float64"):
        check_state_dict({"w": torch.zeros(2, dtype=torch.float64)}, {"w": (2,)})


@pytest.mark.parametrize("meta, match", [
    (b"{not json", "not valid JSON"), (b"[1, 2]", "JSON object"), (b"\xff\xfe", "not valid JSON"),
])
def test_bad_meta(model, meta, match):
    with pytest.raises(CheckpointError, match=match):
        checkpoint_from_files(_files(_weights(model), meta))


class _Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_is_never_unpickled(tmp_path, model):
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_Payload(proof)))  # the payload is live...
    assert proof.exists()
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Payload(marker))
    torch_file = io.BytesIO()
    torch.save({"x": _Payload(marker)}, torch_file)
    for evil in (payload, torch_file.getvalue()):
        with pytest.raises(CheckpointError, match="pickle"):
            checkpoint_from_files(_files(evil))
        with pytest.raises(CheckpointError, match="pickle"):
            checkpoint_from_files(_files(_weights(model), evil))
        folder = tmp_path / "evil"
        folder.mkdir(exist_ok=True)
        (folder / "model.safetensors").write_bytes(evil)
        (folder / "meta.json").write_bytes(b"{}")
        with pytest.raises(CheckpointError, match="pickle"):
            load_checkpoint(folder)
    assert not marker.exists()  # ...but loading never ran it


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../model.safetensors", "/abs/meta.json", "a\\..\\meta.json"])
def test_zip_path_traversal_refused(name):
    with pytest.raises(CheckpointError, match="unsafe path"):
        from_zip_bytes(_zip({name: b"x"}))


def test_zip_bomb_and_junk_refused(model):
    bomb = _zip({"model.safetensors": bytes(4 * 2**20), "meta.json": b"{}"})
    assert len(bomb) < 2**16
    with pytest.raises(CheckpointError, match="limit"):
        from_zip_bytes(bomb, max_bytes=2**20)
    with pytest.raises(CheckpointError, match="entries"):
        from_zip_bytes(_zip({f"f{i}": b"" for i in range(20)}))
    with pytest.raises(CheckpointError, match="not a zip"):
        from_zip_bytes(b"hello")
    with pytest.raises(CheckpointError, match="no meta.json"):
        from_zip_bytes(_zip({"model.safetensors": _weights(model)}))


def test_size_limit_on_folder(tmp_path, model):
    save_checkpoint(tmp_path, model.state_dict(), META)
    with pytest.raises(CheckpointError, match="limit"):
        load_checkpoint(tmp_path, max_bytes=100)
