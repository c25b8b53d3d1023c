"""Publications: a run published as the plan's decision, by whom and when, each kept.

Revision ID: 0008_publications
Revises: 0007_memberships
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008_publications'
down_revision = '0007_memberships'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('published_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['run.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_run_id'))
        batch_op.drop_index(batch_op.f('ix_publication_plan_id'))
    op.drop_table('publication')
