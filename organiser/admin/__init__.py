"""Everything organisers see in the Django admin, registered when the admin discovers this app.

programme.py: seminars (with their registration tools), sessions, speakers, organisations.
registrations.py: registrations and their actions; outbox.py: the emails; audit.py: the log.
"""

from . import audit, outbox, programme, registrations

__all__ = ["audit", "outbox", "programme", "registrations"]
