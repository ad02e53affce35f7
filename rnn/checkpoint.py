"""Checkpoints: weights in safetensors, everything else in JSON. Loading never unpickles.

A checkpoint is two files, in a folder or in memory:

    model.safetensors   the state dict; float32 tensors only
    meta.json           a JSON object: model and training config, vocabulary, metric history...

`torch.load` unpickles, and unpickling a file from a stranger can run any code; so weights are
read only by safetensors, after this module has checked the file's layout itself:

    [8 bytes: N, little-endian u64][N bytes: JSON header][raw tensor bytes]

Every problem (missing file, truncated file, oversized or invalid header, a pickle in disguise,
wrong dtype, wrong keys or shapes, bad meta.json) raises `CheckpointError` with a message a
person can act on. Uploads come as bytes: `checkpoint_from_files` or `from_zip_bytes`.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import safetensors.torch
import torch

from rnn.train.metrics import finite

WEIGHTS, META = "model.safetensors", "meta.json"
MAX_BYTES = 50 * 2**20          # a whole checkpoint; our largest models are a few MB
MAX_HEADER_BYTES = 2**20        # one header entry is ~100 bytes: 1 MiB is thousands of tensors
MAX_ZIP_ENTRIES = 16


class CheckpointError(ValueError):
    """A checkpoint cannot be saved or loaded; the message says why and what to do."""


# ---------------------------------------------------------------- saving


def _jsonable(value):
    """json.dumps fallback: numpy/torch scalars and arrays become Python numbers and lists."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def checkpoint_to_files(state_dict: Mapping[str, torch.Tensor], meta: Mapping) -> dict[str, bytes]:
    """Serialize to {"model.safetensors": bytes, "meta.json": bytes} (for downloads)."""
    tensors = {}
    for name, tensor in state_dict.items():
        if tensor.dtype != torch.float32:
            raise CheckpointError(f"tensor {name!r} is {tensor.dtype}; checkpoints hold float32 only")
        # clone(): safetensors refuses non-contiguous tensors and tensors sharing memory (tied
        # weights); a copy of each is both. The models are small, so the copy is cheap.
        tensors[name] = tensor.detach().to("cpu").contiguous().clone()
    try:
        meta_text = json.dumps(finite(json.loads(json.dumps(dict(meta), default=_jsonable))),
                               indent=2, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"meta cannot be written as JSON: {err}") from None
    weights = safetensors.torch.save(tensors, metadata={"format": "pt"})
    return {WEIGHTS: weights, META: meta_text.encode("utf-8")}


def save_checkpoint(directory: str | Path, state_dict: Mapping[str, torch.Tensor], meta: Mapping) -> Path:
    """Write model.safetensors and meta.json into `directory` (created if needed); return it."""
    directory = Path(directory)
    files = checkpoint_to_files(state_dict, meta)
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


def to_zip_bytes(state_dict: Mapping[str, torch.Tensor], meta: Mapping) -> bytes:
    """The checkpoint's two files in one zip archive (one download button)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in checkpoint_to_files(state_dict, meta).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- loading


def _looks_like_pickle(data: bytes) -> bool:
    """Pickles start with the PROTO opcode 0x80; torch.save files are zips holding a pickle."""
    return data[:1] == b"\x80" or data[:4] == b"PK\x03\x04"


def _read_header(data: bytes, max_header: int) -> dict:
    """Check the safetensors layout by hand (so that a bad file gets a clear message) and
    return the parsed header."""
    if len(data) < 8:
        _fail(data, f"{WEIGHTS} is truncated: {len(data)} bytes, less than its 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > max_header:
        _fail(data, f"{WEIGHTS} declares a {n}-byte header, more than the {max_header}-byte limit")
    if 8 + n > len(data):
        _fail(data, f"{WEIGHTS} is truncated: its header needs {n} bytes but the file has {len(data) - 8}")
    try:
        header = json.loads(data[8:8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        _fail(data, f"{WEIGHTS} has an invalid header: {err}")
    if not isinstance(header, dict):
        raise CheckpointError(f"{WEIGHTS} has an invalid header: not a JSON object")
    header.pop("__metadata__", None)
    _check_entries(header, len(data) - 8 - n)
    return header


def _fail(data: bytes, message: str) -> None:
    """Raise CheckpointError(message), or a clearer one if the bytes are a pickle.

    Only called once the layout is known to be wrong: a valid safetensors file may start with
    0x80 too (a header of 128 bytes).
    """
    if _looks_like_pickle(data):
        message = (f"{WEIGHTS} looks like a pickle or torch.save file; only safetensors files are "
                   "accepted, because loading a pickle can run arbitrary code")
    raise CheckpointError(message)


def _check_entries(header: dict, n_data: int) -> None:
    """Each tensor entry: float32, a shape, and byte offsets inside the file."""
    for name, entry in header.items():
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(isinstance(x, int) for x in offsets) and "shape" in entry):
            raise CheckpointError(f"{WEIGHTS} has an invalid header entry for {name!r}")
        if entry.get("dtype") != "F32":
            raise CheckpointError(f"tensor {name!r} has dtype {entry.get('dtype')}; only float32 "
                                  "(F32) checkpoints are accepted")
        if offsets[1] > n_data:
            raise CheckpointError(f"{WEIGHTS} is truncated: tensor {name!r} ends at byte "
                                  f"{offsets[1]} of the data, which has {n_data} bytes")


def _load_weights(data: bytes, max_header: int = MAX_HEADER_BYTES) -> dict[str, torch.Tensor]:
    """safetensors bytes -> state dict, after the layout checks above."""
    _read_header(data, max_header)
    try:
        return safetensors.torch.load(data)
    except Exception as err:  # safetensors raises its own SafetensorError and others
        raise CheckpointError(f"{WEIGHTS} could not be read: {err}") from None


def _load_meta(data: bytes) -> dict:
    """meta.json bytes -> dict; a pickle, bad UTF-8, bad JSON or a non-object is an error."""
    if _looks_like_pickle(data):
        raise CheckpointError(f"{META} looks like a pickle, not JSON")
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{META} is not valid JSON: {err}") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{META} must hold a JSON object, not {type(meta).__name__}")
    return meta


def checkpoint_from_files(files: Mapping[str, bytes], max_bytes: int = MAX_BYTES) -> tuple[dict, dict]:
    """(state_dict, meta) from {"model.safetensors": bytes, "meta.json": bytes}; other names
    are ignored. For uploads."""
    for name in (WEIGHTS, META):
        if name not in files:
            raise CheckpointError(f"the checkpoint has no {name} (it needs {WEIGHTS} and {META})")
    total = len(files[WEIGHTS]) + len(files[META])
    if total > max_bytes:
        raise CheckpointError(f"the checkpoint is {total} bytes, more than the {max_bytes}-byte limit")
    return _load_weights(bytes(files[WEIGHTS])), _load_meta(bytes(files[META]))


def load_checkpoint(directory: str | Path, max_bytes: int = MAX_BYTES) -> tuple[dict, dict]:
    """(state_dict, meta) from a folder holding model.safetensors and meta.json."""
    directory = Path(directory)
    files = {}
    for name in (WEIGHTS, META):
        path = directory / name
        if not path.is_file():
            raise CheckpointError(f"{path} is missing (a checkpoint folder needs {WEIGHTS} and {META})")
        if path.stat().st_size > max_bytes:  # checked before reading it into memory
            raise CheckpointError(f"{path} is {path.stat().st_size} bytes, more than the {max_bytes}-byte limit")
        files[name] = path.read_bytes()
    return checkpoint_from_files(files, max_bytes)


def _zip_member_name(name: str) -> str | None:
    """The checkpoint file a zip entry holds ("model.safetensors" or "ckpt/meta.json"), or None.
    Absolute paths, "..", backslashes and deeper folders are refused."""
    path = PurePosixPath(name)
    if "\\" in name or path.is_absolute() or ".." in path.parts:
        raise CheckpointError(f"the zip holds an unsafe path {name!r}")
    if path.name in (WEIGHTS, META) and len(path.parts) <= 2:
        return path.name
    return None


def from_zip_bytes(data: bytes, max_bytes: int = MAX_BYTES) -> tuple[dict, dict]:
    """(state_dict, meta) from a zip made by `to_zip_bytes` (files may sit in one folder).

    Nothing is extracted to disk. Zip bombs are stopped by the declared sizes AND by reading at
    most `max_bytes` bytes in total (the declared sizes could lie).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CheckpointError("the upload is not a zip archive") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise CheckpointError(f"the zip holds {len(infos)} entries; a checkpoint has 2")
    files, budget = {}, max_bytes
    for info in infos:
        name = _zip_member_name(info.filename)
        if name is None:
            continue
        if name in files:
            raise CheckpointError(f"the zip holds {name} twice")
        if info.file_size > budget:
            raise CheckpointError(f"the zip's contents are larger than the {max_bytes}-byte limit")
        try:
            with archive.open(info) as member:
                files[name] = member.read(budget + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as err:
            raise CheckpointError(f"the zip entry {info.filename!r} could not be read: {err}") from None
        budget -= len(files[name])
        if budget < 0:
            raise CheckpointError(f"the zip's contents are larger than the {max_bytes}-byte limit")
    return checkpoint_from_files(files, max_bytes)


# ---------------------------------------------------------------- checking


def check_state_dict(state_dict: Mapping[str, torch.Tensor], expected: Mapping,
                     dtype: torch.dtype = torch.float32) -> None:
    """Raise CheckpointError unless `state_dict` has exactly the expected names, shapes and dtype.

    expected: name -> shape (a tuple or torch.Size), or a model's own state_dict (name -> tensor).
    The message lists every missing, unexpected or mis-shaped tensor (up to 10).
    """
    want = {k: tuple(getattr(v, "shape", v)) for k, v in expected.items()}
    problems = [f"missing tensor {k!r}" for k in want if k not in state_dict]
    problems += [f"unexpected tensor {k!r}" for k in state_dict if k not in want]
    for name, tensor in state_dict.items():
        if name in want and tuple(tensor.shape) != want[name]:
            problems.append(f"{name!r} has shape {tuple(tensor.shape)}, the model needs {want[name]}")
        if tensor.dtype != dtype:
            problems.append(f"{name!r} is {tensor.dtype}, expected {dtype}")
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise CheckpointError("the checkpoint does not fit this model: " + "; ".join(problems[:10]) + more)


check_shapes = check_state_dict  # the name used in docs/ENGINE_CONTRACT.md
to_bytes, from_bytes = to_zip_bytes, from_zip_bytes  # likewise
