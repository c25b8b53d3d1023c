"""Alembic's entry point: migrations run on the connection the app passes (models.db
.create_schema), or, from the `alembic` command line, on DATABASE_URL (default: the app's
SQLite file in instance/). It reads the environment itself: models/ never imports planner/,
whose settings (planner/settings.py) declare the same variable."""

import os
from pathlib import Path

from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from models.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def run(connection) -> None:
    # Batch mode: SQLite alters a table by copying it, which Alembic then does for us.
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'planner.sqlite'}"
    engine = make_engine(url)
    with engine.begin() as own:
        run(own)
    engine.dispose()
