"""provider catalogue: kinds of social services (law 108/2006 Sb.), target groups, the
services organisations list with the municipalities they serve

The kinds of §§ 37–70 and a first list of target groups are seeded; administrators extend
both. One kind at one address once per organisation: UNIQUE (organisation_id, kind_id,
address_key), the address folded.

Revision ID: f7c2a9e4b1d3
Revises: e5f6a7b8c9d0
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa

from intranet.database import UTCDateTime
from intranet.text import czech_key, fold


# revision identifiers, used by Alembic.
revision = 'f7c2a9e4b1d3'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None

# The registered kinds of social services, §§ 37–70 of law 108/2006 Sb.
KINDS = [
    ("§ 37", "odborné sociální poradenství"),
    ("§ 39", "osobní asistence"),
    ("§ 40", "pečovatelská služba"),
    ("§ 41", "tísňová péče"),
    ("§ 42", "průvodcovské a předčitatelské služby"),
    ("§ 43", "podpora samostatného bydlení"),
    ("§ 44", "odlehčovací služby"),
    ("§ 45", "centra denních služeb"),
    ("§ 46", "denní stacionáře"),
    ("§ 47", "týdenní stacionáře"),
    ("§ 48", "domovy pro osoby se zdravotním postižením"),
    ("§ 49", "domovy pro seniory"),
    ("§ 50", "domovy se zvláštním režimem"),
    ("§ 51", "chráněné bydlení"),
    ("§ 52", "sociální služby poskytované ve zdravotnických zařízeních lůžkové péče"),
    ("§ 54", "raná péče"),
    ("§ 55", "telefonická krizová pomoc"),
    ("§ 56", "tlumočnické služby"),
    ("§ 57", "azylové domy"),
    ("§ 58", "domy na půl cesty"),
    ("§ 59", "kontaktní centra"),
    ("§ 60", "krizová pomoc"),
    ("§ 60a", "intervenční centra"),
    ("§ 61", "nízkoprahová denní centra"),
    ("§ 62", "nízkoprahová zařízení pro děti a mládež"),
    ("§ 63", "noclehárny"),
    ("§ 64", "služby následné péče"),
    ("§ 65", "sociálně aktivizační služby pro rodiny s dětmi"),
    ("§ 66", "sociálně aktivizační služby pro seniory a osoby se zdravotním postižením"),
    ("§ 67", "sociálně terapeutické dílny"),
    ("§ 68", "terapeutické komunity"),
    ("§ 69", "terénní programy"),
    ("§ 70", "sociální rehabilitace"),
]
TARGET_GROUPS = [
    "senioři", "rodiny s dětmi", "děti a mládež", "lidé se zdravotním postižením",
    "lidé s duševním onemocněním", "lidé bez domova", "lidé v dluhové pasti",
    "lidé ohrožení závislostí", "oběti domácího násilí", "lidé v krizi",
    "lidé po výkonu trestu", "lidé ze sociálně vyloučených lokalit",
]


def upgrade():
    kind = op.create_table('service_kind',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('search_key', sa.String(length=150), nullable=False),
    sa.Column('sort_key', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_kind')),
    sa.UniqueConstraint('name', name=op.f('uq_service_kind_name'))
    )
    with op.batch_alter_table('service_kind', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_kind_sort_key'), ['sort_key'], unique=False)

    target_group = op.create_table('target_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('search_key', sa.String(length=120), nullable=False),
    sa.Column('sort_key', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_group')),
    sa.UniqueConstraint('name', name=op.f('uq_target_group_name'))
    )
    with op.batch_alter_table('target_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_group_sort_key'), ['sort_key'], unique=False)

    op.create_table('provider_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('whole_territory', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=250), nullable=False),
    sa.Column('address_key', sa.String(length=250), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('website', sa.String(length=250), nullable=False),
    sa.Column('contact_person', sa.String(length=120), nullable=False),
    sa.Column('opening_hours', sa.String(length=1000), nullable=False),
    sa.Column('capacity', sa.String(length=250), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('confirmed_at', UTCDateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['member.id'], name=op.f('fk_provider_service_confirmed_by_id_member')),
    sa.ForeignKeyConstraint(['kind_id'], ['service_kind.id'], name=op.f('fk_provider_service_kind_id_service_kind')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_provider_service_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_service')),
    sa.UniqueConstraint('organisation_id', 'kind_id', 'address_key', name=op.f('uq_provider_service_organisation_id_kind_id_address_key'))
    )
    with op.batch_alter_table('provider_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_service_confirmed_at'), ['confirmed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_service_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_service_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('service_municipality',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_service_municipality_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['service_id'], ['provider_service.id'], name=op.f('fk_service_municipality_service_id_provider_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'municipality_id', name=op.f('pk_service_municipality'))
    )
    with op.batch_alter_table('service_municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_municipality_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('service_target_group',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['provider_service.id'], name=op.f('fk_service_target_group_service_id_provider_service'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_group.id'], name=op.f('fk_service_target_group_target_group_id_target_group')),
    sa.PrimaryKeyConstraint('service_id', 'target_group_id', name=op.f('pk_service_target_group'))
    )
    with op.batch_alter_table('service_target_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_target_group_target_group_id'), ['target_group_id'], unique=False)

    op.bulk_insert(kind, [{"name": name, "section": section, "search_key": fold(name),
                           "sort_key": czech_key(name)} for section, name in KINDS])
    op.bulk_insert(target_group, [{"name": name, "search_key": fold(name),
                                   "sort_key": czech_key(name)} for name in TARGET_GROUPS])


def downgrade():
    with op.batch_alter_table('service_target_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_target_group_target_group_id'))
    op.drop_table('service_target_group')
    with op.batch_alter_table('service_municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_municipality_municipality_id'))
    op.drop_table('service_municipality')
    with op.batch_alter_table('provider_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_service_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_provider_service_kind_id'))
        batch_op.drop_index(batch_op.f('ix_provider_service_confirmed_at'))
    op.drop_table('provider_service')
    with op.batch_alter_table('target_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_group_sort_key'))
    op.drop_table('target_group')
    with op.batch_alter_table('service_kind', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_kind_sort_key'))
    op.drop_table('service_kind')
