"""Every moment can have an owner: the team or person accountable for it (display only).

Revision ID: 0014_moment_owner
Revises: 0013_jobs
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014_moment_owner'
down_revision = '0013_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column with a server default is added in place (SQLite copies no table for it); it
    # keeps the default, as the cycle's state does, so that no copy is ever needed.
    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    # In place on both: SQLite (3.35 and later) drops a column without copying the table,
    # whose copy's swap would cascade to every effect and influence of the moments.
    op.execute("ALTER TABLE moment DROP COLUMN owner")
