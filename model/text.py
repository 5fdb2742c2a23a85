"""Comparing words as people write them: case, accents and spacing aside."""

from __future__ import annotations

import re
import unicodedata


def fold_text(text: str) -> str:
    """Lowercase, no accents, single spaces: `Catégorie_TVA ` and `categorie tva` are equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_]+", " ", stripped.lower()).strip()
