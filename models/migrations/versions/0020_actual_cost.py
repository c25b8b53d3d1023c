"""What delivered work actually cost, recorded with its delivery status.

Revision ID: 0020_actual_cost
Revises: 0019_uncertainty
"""

from alembic import op
import sqlalchemy as sa


revision = '0020_actual_cost'
down_revision = '0019_uncertainty'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (as in 0019): nullable, so no default is needed.
    op.add_column('initiative', sa.Column('actual_cost', sa.Float(), nullable=True))


def downgrade() -> None:
    # Dropped in place on both databases (SQLite 3.35 and newer), as in 0019.
    op.execute('ALTER TABLE initiative DROP COLUMN actual_cost')
