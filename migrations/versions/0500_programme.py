"""programme: items, research results, roadshow slots, technology needs, interest

Revision ID: 0500_programme
Revises: 0001_foundation
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0500_programme'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('room_zh', sa.String(length=200), nullable=False),
    sa.Column('room_en', sa.String(length=200), nullable=False),
    sa.Column('hosts_zh', sa.String(length=300), nullable=False),
    sa.Column('hosts_en', sa.String(length=300), nullable=False),
    sa.Column('speakers_zh', sa.Text(), nullable=False),
    sa.Column('speakers_en', sa.Text(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('previous', sa.JSON(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_programme_items_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_items'))
    )
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_items_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_items_summit_id'), ['summit_id'], unique=False)

    op.create_table('research_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('team', sa.Text(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('maturity', sa.String(length=20), nullable=False),
    sa.Column('patents', sa.JSON(), nullable=False),
    sa.Column('cooperation', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('deck_path', sa.String(length=500), nullable=True),
    sa.Column('deck_filename', sa.String(length=200), nullable=False),
    sa.Column('deck_pages', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_research_results_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_research_results')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_research_results_token_hash'))
    )
    with op.batch_alter_table('research_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_research_results_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_research_results_summit_id'), ['summit_id'], unique=False)

    op.create_table('tech_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('enterprise', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('budget', sa.String(length=20), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_tech_needs_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tech_needs')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tech_needs_token_hash'))
    )
    with op.batch_alter_table('tech_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tech_needs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tech_needs_summit_id'), ['summit_id'], unique=False)

    op.create_table('result_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('cooperation', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.String(length=20), nullable=False),
    sa.Column('follow_up_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['research_results.id'], name=op.f('fk_result_interests_result_id_research_results'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_interests')),
    sa.UniqueConstraint('result_id', 'contact', name=op.f('uq_result_interests_result_id_contact'))
    )
    with op.batch_alter_table('result_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_interests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_interests_follow_up'), ['follow_up'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_interests_result_id'), ['result_id'], unique=False)

    op.create_table('roadshow_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['programme_items.id'], name=op.f('fk_roadshow_slots_block_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['result_id'], ['research_results.id'], name=op.f('fk_roadshow_slots_result_id_research_results'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_slots')),
    sa.UniqueConstraint('block_id', 'result_id', name=op.f('uq_roadshow_slots_block_id_result_id'))
    )
    with op.batch_alter_table('roadshow_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_slots_block_id'), ['block_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_slots_result_id'), ['result_id'], unique=False)



def downgrade():
    with op.batch_alter_table('roadshow_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_slots_result_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_slots_block_id'))

    op.drop_table('roadshow_slots')
    with op.batch_alter_table('result_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_interests_result_id'))
        batch_op.drop_index(batch_op.f('ix_result_interests_follow_up'))
        batch_op.drop_index(batch_op.f('ix_result_interests_created_at'))

    op.drop_table('result_interests')
    with op.batch_alter_table('tech_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tech_needs_summit_id'))
        batch_op.drop_index(batch_op.f('ix_tech_needs_status'))

    op.drop_table('tech_needs')
    with op.batch_alter_table('research_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_results_summit_id'))
        batch_op.drop_index(batch_op.f('ix_research_results_status'))

    op.drop_table('research_results')
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_items_summit_id'))
        batch_op.drop_index(batch_op.f('ix_programme_items_starts_at'))

    op.drop_table('programme_items')
