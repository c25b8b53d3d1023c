"""Appeals against a rejection in the published decision, with the lead's answer.

Revision ID: 0010_appeals
Revises: 0009_record
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010_appeals'
down_revision = '0009_record'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        'appeal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('key', text(), nullable=False),
        sa.Column('who', text(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('cost', sa.Float(), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=True),
        sa.Column('note', text(), nullable=False),
        sa.Column('effect', sa.JSON(), nullable=False),
        sa.Column('status', text(), nullable=False),
        sa.Column('answer', text(), nullable=False),
        sa.Column('answered_by', text(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_plan_id'))
    op.drop_table('appeal')
