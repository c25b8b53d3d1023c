"""Teams as rows of their plan: every team an initiative or a team member names becomes a
team of its plan, and initiatives and memberships point at it, each keeping its team.

SQLite alters these tables by copying them (batch mode). The app's connections enforce
foreign keys, so dropping the old initiative table would cascade to its costs, effects,
uses and links: those are kept aside meanwhile and put back as they were.

Revision ID: 0012_teams
Revises: 0011_cycle_state
"""

from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012_teams'
down_revision = '0011_cycle_state'
branch_labels = None
depends_on = None

CHILDREN = ('initiative_cost', 'initiative_effect', 'initiative_use', 'initiative_link')


@contextmanager
def _children_kept():
    """The initiative table's child rows as they were, after SQLite has copied it."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for child in CHILDREN:
            op.execute(f'CREATE TEMPORARY TABLE keep_{child} AS SELECT * FROM {child}')
    yield
    if sqlite:
        for child in CHILDREN:
            op.execute(f'DELETE FROM {child}')
            op.execute(f'INSERT INTO {child} SELECT * FROM keep_{child}')
            op.execute(f'DROP TABLE keep_{child}')


def upgrade() -> None:
    op.create_table(
        'team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'name'),
    )
    op.create_index(op.f('ix_team_plan_id'), 'team', ['plan_id'], unique=False)
    for table in ('initiative', 'membership'):
        with op.batch_alter_table(table, schema=None) as batch_op:  # in place
            batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
    op.execute("""
        INSERT INTO team (plan_id, name)
        SELECT plan_id, team FROM initiative WHERE team <> ''
        UNION SELECT plan_id, team FROM membership WHERE team <> ''
    """)
    for table in ('initiative', 'membership'):
        op.execute(f"""
            UPDATE {table} SET team_id = (
                SELECT team.id FROM team
                WHERE team.plan_id = {table}.plan_id AND team.name = {table}.team)
        """)
    with _children_kept():
        for table in ('initiative', 'membership'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.create_foreign_key(f'fk_{table}_team_id_team', 'team', ['team_id'],
                                            ['id'], ondelete='SET NULL')
                if table == 'initiative':
                    batch_op.drop_index('ix_initiative_team')
                    batch_op.create_index('ix_initiative_team_id', ['team_id'], unique=False)
                batch_op.drop_column('team')


def downgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    for table in ('initiative', 'membership'):
        with op.batch_alter_table(table, schema=None) as batch_op:  # in place
            batch_op.add_column(sa.Column('team', text(), nullable=False, server_default=''))
        op.execute(f"""
            UPDATE {table} SET team = COALESCE(
                (SELECT team.name FROM team WHERE team.id = {table}.team_id), '')
        """)
    with _children_kept():
        for table in ('initiative', 'membership'):
            with op.batch_alter_table(table, schema=None) as batch_op:
                if table == 'initiative':
                    batch_op.drop_index('ix_initiative_team_id')
                    batch_op.create_index('ix_initiative_team', ['team'], unique=False)
                batch_op.drop_constraint(f'fk_{table}_team_id_team', type_='foreignkey')
                batch_op.drop_column('team_id')
    op.drop_index(op.f('ix_team_plan_id'), table_name='team')
    op.drop_table('team')
