"""Runs numbered per plan (#1, #2, ... in each plan, as people refer to them), instead of by
the database's id shared by every plan; runs already saved are numbered in the order they
were made.

Revision ID: 0005_run_number
Revises: 0004_influence_version
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_run_number'
down_revision = '0004_influence_version'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=False,
                                      server_default='0'))
    # Both databases number rows in one statement (window functions: SQLite 3.25+).
    op.execute("""
        UPDATE run SET number = (
            SELECT numbered.n FROM (
                SELECT id, ROW_NUMBER() OVER (PARTITION BY plan_id ORDER BY id) AS n FROM run
            ) AS numbered WHERE numbered.id = run.id)
    """)
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_run_plan_number', ['plan_id', 'number'])


def downgrade() -> None:
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.drop_constraint('uq_run_plan_number', type_='unique')
        batch_op.drop_column('number')
