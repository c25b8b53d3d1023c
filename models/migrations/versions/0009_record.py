"""The decision record: who changed what in a plan, and when.

Revision ID: 0009_record
Revises: 0008_publications
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009_record'
down_revision = '0008_publications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        'record_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('who', text(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('action', text(), nullable=False),
        sa.Column('entity', text(), nullable=False),
        sa.Column('key', text(), nullable=False),
        sa.Column('field', text(), nullable=False),
        sa.Column('before', text(), nullable=False),
        sa.Column('after', text(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('record_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_entry_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_entry_plan_id'))
    op.drop_table('record_entry')
