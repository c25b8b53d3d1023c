"""What each run is for (a draft or a what-if), the plan's number style, every input an
appeal changes, and the sign-in throttle's counts shared by every process.

Revision ID: 0018_decision_kinds
Revises: 0017_kept_text
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0018_decision_kinds'
down_revision = '0017_kept_text'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each column added in place with its server default, kept (as in 0011 and 0016).
    with op.batch_alter_table('run') as batch:
        batch.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16),
                                   nullable=False, server_default='draft'))
        batch.add_column(sa.Column('label', sqlmodel.sql.sqltypes.AutoString(),
                                   nullable=False, server_default=''))
    with op.batch_alter_table('plan') as batch:
        batch.add_column(sa.Column('number_style', sqlmodel.sql.sqltypes.AutoString(length=16),
                                   nullable=False, server_default=''))
    with op.batch_alter_table('appeal') as batch:
        batch.add_column(sa.Column('changes', sa.JSON(), nullable=False,
                                   server_default='{}'))
    op.create_table(
        'rate_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade() -> None:
    # Each column dropped in place on both databases (SQLite 3.35 and newer), as in 0016:
    # a batch copy's swap of the plan or run table would cascade to every row it owns.
    op.drop_table('rate_count')
    for table, column in (('appeal', 'changes'), ('plan', 'number_style'),
                          ('run', 'label'), ('run', 'kind')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
