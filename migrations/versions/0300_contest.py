"""contest: tracks, entries, rounds, scores, awards, stage, certificates

Revision ID: 0300_contest
Revises: 0001_foundation
Create Date: 2026-11-23 09:31:36.690089

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0300_contest'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    # Contest tables (reviewed by hand: named constraints, batch mode for SQLite).
    op.create_table('contests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('contest_date', sa.Date(), nullable=False),
    sa.Column('applications_open', sa.Boolean(), nullable=False),
    sa.Column('application_deadline', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_contests_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests')),
    sa.UniqueConstraint('summit_id', name=op.f('uq_contests_summit_id'))
    )
    op.create_table('stage_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('hall', sa.String(length=40), nullable=False),
    sa.Column('item_kind', sa.String(length=40), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('phases', sa.JSON(), nullable=False),
    sa.Column('phase_index', sa.Integer(), nullable=False),
    sa.Column('phase_started_at', sa.DateTime(), nullable=True),
    sa.Column('paused_remaining', sa.Integer(), nullable=True),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_stage_states_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_states')),
    sa.UniqueConstraint('summit_id', 'hall', name=op.f('uq_stage_states_summit_id_hall'))
    )
    op.create_table('contest_tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('eligibility_rules', sa.JSON(), nullable=False),
    sa.Column('award_levels', sa.JSON(), nullable=False),
    sa.Column('results_published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_tracks_contest_id_contests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_tracks')),
    sa.UniqueConstraint('contest_id', 'code', name=op.f('uq_contest_tracks_contest_id_code'))
    )
    with op.batch_alter_table('contest_tracks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_tracks_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('project_name', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('leader_name', sa.String(length=120), nullable=False),
    sa.Column('leader_phone', sa.String(length=20), nullable=False),
    sa.Column('leader_email', sa.String(length=320), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('is_company', sa.Boolean(), nullable=False),
    sa.Column('registered_capital', sa.Float(), nullable=True),
    sa.Column('financing_stage', sa.String(length=20), nullable=False),
    sa.Column('prior_awards', sa.Text(), nullable=False),
    sa.Column('prior_talent_award', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('plan_path', sa.String(length=300), nullable=True),
    sa.Column('plan_filename', sa.String(length=200), nullable=False),
    sa.Column('plan_size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('eligibility_reasons', sa.JSON(), nullable=False),
    sa.Column('eligibility_override', sa.Boolean(), nullable=True),
    sa.Column('eligibility_note', sa.Text(), nullable=False),
    sa.Column('team_token_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['contest_tracks.id'], name=op.f('fk_contest_entries_track_id_contest_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entries')),
    sa.UniqueConstraint('team_token_hash', name=op.f('uq_contest_entries_team_token_hash'))
    )
    with op.batch_alter_table('contest_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entries_track_id'), ['track_id'], unique=False)

    op.create_table('contest_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('judges_per_entry', sa.Integer(), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('tiebreak', sa.JSON(), nullable=False),
    sa.Column('pitch_seconds', sa.Integer(), nullable=False),
    sa.Column('questions_seconds', sa.Integer(), nullable=False),
    sa.Column('advance_top_n', sa.Integer(), nullable=True),
    sa.Column('advance_threshold', sa.Float(), nullable=True),
    sa.Column('advanced_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['track_id'], ['contest_tracks.id'], name=op.f('fk_contest_rounds_track_id_contest_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_rounds'))
    )
    with op.batch_alter_table('contest_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_rounds_track_id'), ['track_id'], unique=False)

    op.create_table('contest_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_assignments_entry_id_contest_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_contest_assignments_judge_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_assignments_round_id_contest_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_assignments')),
    sa.UniqueConstraint('round_id', 'entry_id', 'judge_id', name=op.f('uq_contest_assignments_round_id_entry_id_judge_id'))
    )
    with op.batch_alter_table('contest_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_assignments_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_assignments_round_id'), ['round_id'], unique=False)

    op.create_table('contest_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_awards_entry_id_contest_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['contest_tracks.id'], name=op.f('fk_contest_awards_track_id_contest_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_awards')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_contest_awards_entry_id'))
    )
    with op.batch_alter_table('contest_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_awards_track_id'), ['track_id'], unique=False)

    op.create_table('contest_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_certificates_entry_id_contest_entries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_contest_certificates_summit_id_summits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contest_certificates_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_contest_certificates_code')),
    sa.UniqueConstraint('serial', name=op.f('uq_contest_certificates_serial'))
    )
    with op.batch_alter_table('contest_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_certificates_summit_id'), ['summit_id'], unique=False)

    op.create_table('contest_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contest_conflicts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_conflicts_entry_id_contest_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_contest_conflicts_judge_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_conflicts')),
    sa.UniqueConstraint('entry_id', 'judge_id', name=op.f('uq_contest_conflicts_entry_id_judge_id'))
    )
    with op.batch_alter_table('contest_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_conflicts_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_conflicts_judge_id'), ['judge_id'], unique=False)

    op.create_table('contest_panel_judges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_panel_judges_round_id_contest_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contest_panel_judges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_panel_judges')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_contest_panel_judges_round_id_user_id'))
    )
    with op.batch_alter_table('contest_panel_judges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_panel_judges_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_panel_judges_user_id'), ['user_id'], unique=False)

    op.create_table('contest_round_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_round_entries_entry_id_contest_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_round_entries_round_id_contest_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_round_entries')),
    sa.UniqueConstraint('round_id', 'entry_id', name=op.f('uq_contest_round_entries_round_id_entry_id'))
    )
    with op.batch_alter_table('contest_round_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_round_entries_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_round_entries_round_id'), ['round_id'], unique=False)

    op.create_table('contest_score_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_contest_score_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_score_events_entry_id_contest_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_contest_score_events_judge_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_score_events_round_id_contest_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_score_events')),
    sa.UniqueConstraint('client_id', name=op.f('uq_contest_score_events_client_id'))
    )
    with op.batch_alter_table('contest_score_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_score_events_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_score_events_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_score_events_round_id'), ['round_id'], unique=False)



def downgrade():
    # Contest tables (reviewed by hand: named constraints, batch mode for SQLite).
    with op.batch_alter_table('contest_score_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_score_events_round_id'))
        batch_op.drop_index(batch_op.f('ix_contest_score_events_judge_id'))
        batch_op.drop_index(batch_op.f('ix_contest_score_events_entry_id'))

    op.drop_table('contest_score_events')
    with op.batch_alter_table('contest_round_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_round_entries_round_id'))
        batch_op.drop_index(batch_op.f('ix_contest_round_entries_entry_id'))

    op.drop_table('contest_round_entries')
    with op.batch_alter_table('contest_panel_judges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_panel_judges_user_id'))
        batch_op.drop_index(batch_op.f('ix_contest_panel_judges_round_id'))

    op.drop_table('contest_panel_judges')
    with op.batch_alter_table('contest_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_conflicts_judge_id'))
        batch_op.drop_index(batch_op.f('ix_contest_conflicts_entry_id'))

    op.drop_table('contest_conflicts')
    with op.batch_alter_table('contest_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_certificates_summit_id'))

    op.drop_table('contest_certificates')
    with op.batch_alter_table('contest_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_awards_track_id'))

    op.drop_table('contest_awards')
    with op.batch_alter_table('contest_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_assignments_round_id'))
        batch_op.drop_index(batch_op.f('ix_contest_assignments_judge_id'))

    op.drop_table('contest_assignments')
    with op.batch_alter_table('contest_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_rounds_track_id'))

    op.drop_table('contest_rounds')
    with op.batch_alter_table('contest_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_entries_track_id'))
        batch_op.drop_index(batch_op.f('ix_contest_entries_status'))

    op.drop_table('contest_entries')
    with op.batch_alter_table('contest_tracks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_tracks_contest_id'))

    op.drop_table('contest_tracks')
    op.drop_table('stage_states')
    op.drop_table('contests')
