"""Sign-in through the company's identity provider with its groups mapped to roles, an
installation's own settings, and the outbox of mails.

Revision ID: 0021_rollout
Revises: 0020_actual_cost
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0021_rollout'
down_revision = '0020_actual_cost'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place (as in 0019): nullable, or with a default for the rows there.
    op.add_column('account', sa.Column('oidc_subject', sqlmodel.sql.sqltypes.AutoString(
        length=512), nullable=True))
    op.create_index(op.f('ix_account_oidc_subject'), 'account', ['oidc_subject'], unique=True)
    for column in ('groups', 'group_changes', 'mail_off'):
        op.add_column('account', sa.Column(column, sa.JSON(), nullable=True))
    op.add_column('account', sa.Column('groups_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                       nullable=True))
    op.add_column('account', sa.Column('admin_by_groups', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.add_column('membership', sa.Column('by_groups', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    op.add_column('plan', sa.Column('proposals_close', sa.Date(), nullable=True))
    # SQLite adds a foreign key by copying the table (batch mode); no table refers to
    # appeal's rows, so the copy keeps everything.
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_appeal_user_id_account', 'account', ['user_id'],
                                    ['id'], ondelete='SET NULL')
    op.create_table(
        'group_mapping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_name', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column('grants', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_group_mapping_group_name'), 'group_mapping', ['group_name'])
    op.create_table(
        'installation_setting',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'mail_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event', 'user_id'),
    )
    op.create_index('ix_mail_message_status_next_at', 'mail_message', ['status', 'next_at'])
    op.create_index(op.f('ix_mail_message_user_id'), 'mail_message', ['user_id'])


def downgrade() -> None:
    # Dropped in place on both databases (SQLite 3.35 and newer), as in 0019.
    op.drop_index(op.f('ix_mail_message_user_id'), table_name='mail_message')
    op.drop_index('ix_mail_message_status_next_at', table_name='mail_message')
    op.drop_table('mail_message')
    op.drop_table('installation_setting')
    op.drop_index(op.f('ix_group_mapping_group_name'), table_name='group_mapping')
    op.drop_table('group_mapping')
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appeal_user_id_account', type_='foreignkey')
        batch_op.drop_column('user_id')
    op.drop_index(op.f('ix_account_oidc_subject'), table_name='account')
    for table, column in (('plan', 'proposals_close'),
                          ('membership', 'by_groups'), ('account', 'admin_by_groups'),
                          ('account', 'groups_at'), ('account', 'mail_off'),
                          ('account', 'group_changes'), ('account', 'groups'),
                          ('account', 'oidc_subject')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
