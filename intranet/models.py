"""Imports every model so that Alembic and the mapper see all of them."""

from .accounts.models import AccountToken, LoginAttempt, Member  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .catalogue.models import ProviderService, ServiceKind, TargetGroup  # noqa: F401
from .data_versions import DataVersion  # noqa: F401
from .groups.models import GroupMembership, WorkingGroup  # noqa: F401
from .heartbeats import Heartbeat  # noqa: F401
from .installation import InstallationSetting  # noqa: F401
from .mail.models import OutboxAttachment, OutboxDelivery, OutboxMessage  # noqa: F401
from .mailing.models import (  # noqa: F401
    ListAttachment,
    ListDigest,
    ListPost,
    MailingList,
    SenderRule,
    Subscription,
)
from .meetings.models import AgendaItem, Guest, Meeting, Participation, Presenter  # noqa: F401
from .minutes.models import (  # noqa: F401
    ActionItem,
    Attachment,
    Minutes,
    MinutesReading,
    MinutesReview,
    MinutesRevision,
)
from .organisations.models import Municipality, Organisation  # noqa: F401
from .strategy.models import Goal, Indicator, IndicatorValue, Priority, ValueRequest  # noqa: F401
from .visits.models import Registration, Visit, VisitReport, VisitSlot  # noqa: F401
