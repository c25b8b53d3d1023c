"""Text the app's processes keep for each other (charts of runs, what changed since a run).

Revision ID: 0017_kept_text
Revises: 0016_delivery
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017_kept_text'
down_revision = '0016_delivery'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kept_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('kept_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('kept_text')
