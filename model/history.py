"""The import history, read without the tables' classes: `python -m model batches` starts in
the time its libraries take (issue 16 B2), and the Imports page lists it the same way."""

from __future__ import annotations

import polars as pl
from sqlalchemy import DateTime, Engine, Integer, String, column, select, table

# The columns of model/tables.py's ImportBatch the history shows, in its order.
_SHOWN = {
    "id": (Integer, pl.Int64), "created_at": (DateTime, pl.Datetime("us")),
    "user": (String, pl.String), "file_name": (String, pl.String),
    "source": (String, pl.String), "kinds": (String, pl.String),
    "rows_read": (Integer, pl.Int64), "added": (Integer, pl.Int64),
    "updated": (Integer, pl.Int64), "removed": (Integer, pl.Int64),
    "unchanged": (Integer, pl.Int64), "rejected": (Integer, pl.Int64),
    "status": (String, pl.String), "undone_at": (DateTime, pl.Datetime("us")),
    "undone_by": (String, pl.String),
}  # fmt: skip
_IMPORT_BATCH = table("import_batch", *(column(name, kind) for name, (kind, _) in _SHOWN.items()))


def list_batches(engine: Engine) -> pl.DataFrame:
    """Every import, newest first, with its counts, author and state."""
    query = select(*_IMPORT_BATCH.c).order_by(_IMPORT_BATCH.c.id.desc())
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    schema = {name: dtype for name, (_, dtype) in _SHOWN.items()}
    return pl.DataFrame(rows, schema=schema, orient="row")
