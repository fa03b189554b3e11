"""Join the features' migration branches into one head.

Each feature's tables were added on its own branch from the foundation; from here on
there is one head again, so `summit db upgrade` and new revisions work as usual.

Revision ID: 0900_features_merged
Revises: 0100_registration, 0200_badges, 0300_contest, 0400_matchmaking, 0500_programme
"""

revision = "0900_features_merged"
down_revision = ("0100_registration", "0200_badges", "0300_contest", "0400_matchmaking", "0500_programme")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
