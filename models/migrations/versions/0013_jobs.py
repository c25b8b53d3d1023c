"""Jobs: long work done by a worker beside the pages, with its progress and its end.

Revision ID: 0013_jobs
Revises: 0012_teams
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013_jobs'
down_revision = '0012_teams'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, when = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('kind', text(), nullable=False),
        sa.Column('status', text(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('who', text(), nullable=False),
        sa.Column('step', text(), nullable=False),
        sa.Column('percent', sa.Float(), nullable=False),
        sa.Column('message', text(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('cancel_asked', sa.Boolean(), nullable=False),
        sa.Column('worker', text(), nullable=False),
        sa.Column('created_at', when(), nullable=False),
        sa.Column('started_at', when(), nullable=True),
        sa.Column('heartbeat_at', when(), nullable=True),
        sa.Column('finished_at', when(), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_plan_id'))
    op.drop_table('job')
