"""Old import paths of the background tasks, kept for one release.

The task queue stores each task by import path. Tasks queued by the previous release name
`registrations.tasks.notification_send` and `registrations.tasks.personal_data_purge_daily`; a
worker running this release still finds them here. Each task now lives beside the service it runs
(the outbox in delivery.py, the clean-up in privacy.py). Remove this module in the next release.
"""

from .delivery import notification_send
from .privacy import personal_data_purge_daily

__all__ = ["notification_send", "personal_data_purge_daily"]
