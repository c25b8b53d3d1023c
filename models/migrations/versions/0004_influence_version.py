"""A version on influences, so that a save from a stale influence form is refused as it is
on every other edited row; influences already saved start at version 1.

Revision ID: 0004_influence_version
Revises: 0003_versions
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_influence_version'
down_revision = '0003_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('influence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('influence', schema=None) as batch_op:
        batch_op.drop_column('version')
