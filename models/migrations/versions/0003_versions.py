"""Versions on plan settings, stages, periods and resources, so that a save from a stale
form is refused there too; rows already saved start at version 1.

Revision ID: 0003_versions
Revises: 0002_pending_import
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_versions'
down_revision = '0002_pending_import'
branch_labels = None
depends_on = None

TABLES = ('plan', 'stage', 'period', 'resource')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                          server_default='1'))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
