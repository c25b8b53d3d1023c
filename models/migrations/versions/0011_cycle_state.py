"""The planning cycle's state: draft, open for proposals, decided, closed. A plan already
kept is decided when it has a published decision, and open for proposals otherwise, as it
worked before states were kept.

Revision ID: 0011_cycle_state
Revises: 0010_appeals
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011_cycle_state'
down_revision = '0010_appeals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default='open'))
    op.execute("UPDATE plan SET state = 'decided' WHERE id IN "
               "(SELECT plan_id FROM publication)")
    # The column keeps its server default: taking it away would make SQLite copy the plan
    # table, and dropping the old copy would cascade to every row a plan owns. The app
    # always writes a plan's state itself.


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('state')
