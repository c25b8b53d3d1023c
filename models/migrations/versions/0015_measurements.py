"""Measured scores of the moments, over time (display and review only).

Revision ID: 0015_measurements
Revises: 0014_moment_owner
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015_measurements'
down_revision = '0014_moment_owner'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'measurement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('moment_id', sa.Integer(), nullable=False),
        sa.Column('taken_on', sa.Date(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=True),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['moment_id'], ['moment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurement_moment_id'), ['moment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurement_plan_id'))
        batch_op.drop_index(batch_op.f('ix_measurement_moment_id'))
    op.drop_table('measurement')
