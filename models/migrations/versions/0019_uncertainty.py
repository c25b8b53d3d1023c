"""Ranges on estimates (an initiative's cost and uplifts, a moment's weight, the plan's
default shares) and the kept results of how firm a run's choice is.

Revision ID: 0019_uncertainty
Revises: 0018_decision_kinds
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0019_uncertainty'
down_revision = '0018_decision_kinds'
branch_labels = None
depends_on = None

COLUMNS = (('initiative', 'cost_low'), ('initiative', 'cost_high'),
           ('initiative_effect', 'low'), ('initiative_effect', 'high'),
           ('moment', 'weight_low'), ('moment', 'weight_high'))


def upgrade() -> None:
    # Each column added in place (as in 0018): nullable, so no default is needed.
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Float(), nullable=True))
    op.add_column('plan', sa.Column('uncertainty', sa.JSON(), nullable=True))
    op.create_table(
        'run_uncertainty',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_run_uncertainty_plan_id'), 'run_uncertainty', ['plan_id'])
    op.create_index(op.f('ix_run_uncertainty_run_id'), 'run_uncertainty', ['run_id'])


def downgrade() -> None:
    # Dropped in place on both databases (SQLite 3.35 and newer), as in 0018.
    op.drop_index(op.f('ix_run_uncertainty_run_id'), table_name='run_uncertainty')
    op.drop_index(op.f('ix_run_uncertainty_plan_id'), table_name='run_uncertainty')
    op.drop_table('run_uncertainty')
    for table, column in (*COLUMNS, ('plan', 'uncertainty')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
