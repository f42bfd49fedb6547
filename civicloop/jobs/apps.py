from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background-job bookkeeping: the ledger that runs each periodic job once per period across workers."""

    name = "civicloop.jobs"
    label = "jobs"
