from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "xinan.reports"
    label = "reports"

    def ready(self) -> None:
        # A reviewer's decision on an item settles the reports merged on it (CON-6): the
        # moderation app calls its decision listeners in the decision's own transaction.
        from xinan.moderation import services as moderation
        from xinan.reports import checks, services

        del checks  # imported for its @register: the database cache's table exists

        if services.settle_cases_for_decision not in moderation.DECISION_LISTENERS:
            moderation.DECISION_LISTENERS.append(services.settle_cases_for_decision)
