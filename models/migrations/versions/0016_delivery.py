"""Every initiative has a delivery status, set by its team once the decision funds it:
planned, in progress, delivered or dropped.

Revision ID: 0016_delivery
Revises: 0015_measurements
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0016_delivery'
down_revision = '0015_measurements'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place with its server default, kept, as the moment's owner is (0014).
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default='planned'))


def downgrade() -> None:
    # In place on both, as in 0014: a copy's swap would cascade to the initiative's rows.
    op.execute("ALTER TABLE initiative DROP COLUMN delivery")
