"""Static word-piece embeddings for the grader's semantic layer, loaded once per process.

The vectors and tokenizer are the files that the `wordllama` package ships inside its
wheel (a 32,000-piece Llama-2 vocabulary, 256 dimensions, 16 MB in float16): nothing is
downloaded, ever. They are read directly with `tokenizers` and `safetensors` rather than
through wordllama's own API, whose import configures the root logger and would reach for
the network if a file were missing.

A sentence's vector is the sum of its pieces' vectors (then normalized): a static model
has no context, but its vector lengths already weight the pieces (`the` is short,
`latency` long), and summing lets the grader build the vector of any stretch of an answer
from its pieces without tokenizing it again.

When the package is missing or its files are unreadable, `load()` returns None and the
grader keeps to its term matcher; `load_error()` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.engine.packaged import LoadedOnce, package_folder

__all__ = ["Embeddings", "load", "load_error"]

PACKAGE = "wordllama"
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
PIECE_START = "\u2581"
"""How the vocabulary marks a piece that starts a word."""

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class Embeddings:
    """A tokenizer and one vector per vocabulary piece (hashed by identity)."""

    tokenizer: object
    """A `tokenizers.Tokenizer` (typed loosely: the package has no stubs)."""
    vectors: npt.NDArray[np.float16]
    """(vocabulary, dimensions), float16 as shipped (16 MB; sums are taken in float32)."""
    norms: Vectors
    """Each piece's vector length: how much meaning it carries (`the` little, `latency`
    much)."""

    def pieces(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """The vocabulary ids of `text`'s pieces and each piece's (start, end) in `text`."""
        encoding = self.tokenizer.encode(text, add_special_tokens=False)  # type: ignore[attr-defined]
        return encoding.ids, encoding.offsets

    def pieces_of(self, texts: list[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """`pieces` of several texts in one call."""
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)  # type: ignore[attr-defined]
        return [(encoding.ids, encoding.offsets) for encoding in encodings]

    def is_piece(self, word: str) -> bool:
        """Whether `word`, after a space, is one piece of the vocabulary (a word the
        embeddings know whole, rather than spelled out in fragments)."""
        return self.tokenizer.token_to_id(PIECE_START + word) is not None  # type: ignore[attr-defined]

    def mass_of(self, ids: list[int]) -> float:
        """The summed lengths of the pieces' vectors."""
        return float(self.norms[np.asarray(ids, dtype=np.intp)].sum()) if ids else 0.0

    def sum_of(self, ids: list[int]) -> Vectors:
        """The sum of the pieces' vectors (zeros for none)."""
        if not ids:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        return self.vectors[np.asarray(ids, dtype=np.intp)].sum(axis=0, dtype=np.float32)


_embeddings = LoadedOnce(lambda: _read(package_folder(PACKAGE)))


def load() -> Embeddings | None:
    """The process's embeddings, read on first use (about 0.4 s); None if unavailable."""
    return _embeddings.get()


def load_error() -> str | None:
    """Why `load()` returned None (None when it has not failed)."""
    return _embeddings.error


def _read(folder: Path) -> Embeddings:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    (matrix,) = load_file(str(folder / WEIGHTS)).values()
    vectors = np.ascontiguousarray(matrix, dtype=np.float16)
    vectors.setflags(write=False)
    norms = np.linalg.norm(vectors.astype(np.float32), axis=1)
    return Embeddings(tokenizer, vectors, norms)
