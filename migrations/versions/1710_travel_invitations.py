"""travel: places (airports and stations, seeded with Qingdao's three), invitations with their
reply and private link, and the invitees' travel.

Revision ID: 1710_travel_invitations
Revises: 1700_name_keys
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1710_travel_invitations'
down_revision = "1700_name_keys"
branch_labels = None
depends_on = None


def upgrade():
    places = op.create_table('travel_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_places')),
    sa.UniqueConstraint('code', name=op.f('uq_travel_places_code'))
    )
    # The list the travel form offers until the organizer changes it.
    op.bulk_insert(places, [
        {"code": "TAO", "kind": "airport", "name_zh": "青岛胶东国际机场", "name_en": "Qingdao Jiaodong International Airport",
         "active": True, "position": 0},
        {"code": "QDZ", "kind": "station", "name_zh": "青岛站", "name_en": "Qingdao Railway Station",
         "active": True, "position": 1},
        {"code": "QDN", "kind": "station", "name_zh": "青岛北站", "name_en": "Qingdao North Railway Station",
         "active": True, "position": 2},
    ])
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('verify_code', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_invitations_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_invitations_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_invitations_registration_id')),
    sa.UniqueConstraint('serial', name=op.f('uq_invitations_serial')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash')),
    sa.UniqueConstraint('verify_code', name=op.f('uq_invitations_verify_code'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_summit_id'), ['summit_id'], unique=False)

    op.create_table('travels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('arrival_mode', sa.String(length=10), nullable=False),
    sa.Column('arrival_number', sa.String(length=10), nullable=False),
    sa.Column('arrival_at', sa.DateTime(), nullable=False),
    sa.Column('arrival_place_id', sa.Integer(), nullable=False),
    sa.Column('departure_mode', sa.String(length=10), nullable=False),
    sa.Column('departure_number', sa.String(length=10), nullable=False),
    sa.Column('departure_at', sa.DateTime(), nullable=False),
    sa.Column('departure_place_id', sa.Integer(), nullable=False),
    sa.Column('party_size', sa.Integer(), nullable=False),
    sa.Column('pickup_wanted', sa.Boolean(), nullable=False),
    sa.Column('check_in_on', sa.Date(), nullable=True),
    sa.Column('check_out_on', sa.Date(), nullable=True),
    sa.Column('room_preference', sa.String(length=10), nullable=False),
    sa.Column('dietary', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['arrival_place_id'], ['travel_places.id'], name=op.f('fk_travels_arrival_place_id_travel_places')),
    sa.ForeignKeyConstraint(['departure_place_id'], ['travel_places.id'], name=op.f('fk_travels_departure_place_id_travel_places')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_travels_invitation_id_invitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_travels')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_travels_invitation_id'))
    )
    with op.batch_alter_table('travels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_travels_arrival_at'), ['arrival_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_travels_arrival_place_id'), ['arrival_place_id'], unique=False)



def downgrade():
    with op.batch_alter_table('travels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_travels_arrival_place_id'))
        batch_op.drop_index(batch_op.f('ix_travels_arrival_at'))

    op.drop_table('travels')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_summit_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_status'))

    op.drop_table('invitations')
    op.drop_table('travel_places')
