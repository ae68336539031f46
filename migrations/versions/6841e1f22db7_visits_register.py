"""visits: exchange internships and study visits, their dates, sign-ups, reports

Visits, their dates (slots) with places, sign-ups (confirmed / waiting / cancelled, numbered
in order per date), participants' reports.

Places are guarded by CHECK (0 <= taken <= capacity) and one sign-up per member and visit by
UNIQUE (visit_id, member_id); the waitlist's order by UNIQUE (slot_id, number).

Revision ID: 6841e1f22db7
Revises: 1b47e5d013c9
Create Date: 2026-12-03 12:35:38.378957

"""
from alembic import op
import sqlalchemy as sa

import intranet.database


# revision identifiers, used by Alembic.
revision = '6841e1f22db7'
down_revision = '1b47e5d013c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('internship', 'study_visit', name='visitkind', native_enum=False, length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('host_organisation_id', sa.Integer(), nullable=True),
    sa.Column('host_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=250), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=250), nullable=False),
    sa.Column('practical', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('org_limit', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('search_key', sa.String(length=420), nullable=False),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("host_organisation_id IS NOT NULL OR host_name <> ''", name=op.f('ck_visit_has_host')),
    sa.CheckConstraint('org_limit IS NULL OR org_limit > 0', name=op.f('ck_visit_org_limit_positive')),
    sa.ForeignKeyConstraint(['host_organisation_id'], ['organisation.id'], name=op.f('fk_visit_host_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['organiser_id'], ['member.id'], name=op.f('fk_visit_organiser_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit')),
    sa.UniqueConstraint('uid', name=op.f('uq_visit_uid'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_host_organisation_id'), ['host_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_starts_on'), ['starts_on'], unique=False)

    op.create_table('visit_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('shared_at', intranet.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_visit_report_member_id_member')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_report_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_report')),
    sa.UniqueConstraint('visit_id', 'member_id', name=op.f('uq_visit_report_visit_id_member_id'))
    )
    with op.batch_alter_table('visit_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_report_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_visit_slot_capacity_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_visit_slot_ends_after_start')),
    sa.CheckConstraint('taken >= 0 AND taken <= capacity', name=op.f('ck_visit_slot_taken_within_capacity')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_slot_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_slot'))
    )
    with op.batch_alter_table('visit_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_slot_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_slot_visit_id'), ['visit_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waiting', 'cancelled', name='status', native_enum=False, length=30), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('signed_up_at', intranet.database.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', intranet.database.UTCDateTime(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_registration_member_id_member')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_registration_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['slot_id'], ['visit_slot.id'], name=op.f('fk_registration_slot_id_visit_slot')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_registration_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('slot_id', 'number', name=op.f('uq_registration_slot_id_number')),
    sa.UniqueConstraint('visit_id', 'member_id', name=op.f('uq_registration_visit_id_member_id'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_registration_slot_status_number', ['slot_id', 'status', 'number'], unique=False)



def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_slot_status_number')
        batch_op.drop_index(batch_op.f('ix_registration_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_registration_member_id'))

    op.drop_table('registration')
    with op.batch_alter_table('visit_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_slot_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_slot_starts_on'))

    op.drop_table('visit_slot')
    with op.batch_alter_table('visit_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_report_visit_id'))

    op.drop_table('visit_report')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_starts_on'))
        batch_op.drop_index(batch_op.f('ix_visit_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_visit_host_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_visit_ends_on'))

    op.drop_table('visit')
