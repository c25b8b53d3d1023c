"""Alembic's entry point: migrations run on the connection the app passes (models.db
.create_schema), or, from the `alembic` command line, on DATABASE_URL as the environment
sets it (planner/settings.py), else the app's SQLite file in instance/."""

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
    # the command line alone reads the app's settings (a standard-library module)
    from planner.settings import BY_NAME, environment_value

    url = (environment_value("DATABASE_URL")
           or BY_NAME["DATABASE_URL"].default_in(ROOT / "instance"))
    engine = make_engine(url)
    with engine.begin() as own:
        run(own)
    engine.dispose()
