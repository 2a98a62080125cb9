"""ONNX voices start from their graph as onnxruntime optimised it once, saved in the user cache.

Optimising a graph (fusing operators, folding constants) is most of what starting a session costs:
about a second for Piper's medium voices, longer than speaking the one sentence an edit changed.
The optimised graph is an ONNX file with the same inputs and outputs, so it is saved the first time
and every later session starts from it. Only onnxruntime's extended optimisations are saved, the
ones it allows to be stored and run later; the copy is named by the model's size and date, the
onnxruntime version and the processor, so a new voice file or runtime makes a new copy. Other
start-up copies (hibari's phonemiser, already parsed) are saved the same way, by `cache.saved_once`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from narrate.cache import cache_dir, saved_once

if TYPE_CHECKING:
    from narrate.config import Config


def models_dir(config: Config) -> Path:
    """Where start-up copies live: in the cache folder, beside the language detector's unpacked model,
    apart from the voices (nothing here was downloaded, and all of it can be made again)."""
    return cache_dir(config.path(config.cache.dir)) / "models"


def optimized_copy(model: Path, folder: Path | None) -> Path | None:
    """`model`'s optimised graph, saved in `folder` the first time; None when it cannot be saved there
    (the caller then loads `model` itself, as it would have anyway)."""
    import platform

    import onnxruntime

    if folder is None:
        return None
    try:
        stat = model.stat()
    except OSError:
        return None  # the caller's own load reports a missing model
    copy = folder / (f"{model.stem}-{stat.st_size}-{stat.st_mtime_ns}-ort{onnxruntime.__version__}"
                     f"-{platform.machine()}.onnx")

    def write(temporary: Path) -> None:
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(temporary)
        onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])

    return saved_once(copy, write)
