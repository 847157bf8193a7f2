from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class AiConfig(AppConfig):
    """Offline Chinese search, classification and near-duplicate detection (see scenariohub.ai)."""

    name = "scenariohub.ai"
    label = "ai"
    verbose_name = "AI engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The one place the project uses model signals, and they only *enqueue* (on commit) the indexing
        # task; no rule runs in them. Why a signal: the search index follows every scenario and solution
        # write (create, edit, each lifecycle step, admin edits, demo seeding) without the scenarios and
        # matching apps knowing that an AI app exists, and a write nobody thought of cannot be missed.
        # Lifecycle steps save with a guarded `.update()`, which sends no post_save, so the history row
        # each step writes (ScenarioTransition) is the signal for them. The task itself decides (public or
        # not, text changed or not) and is safe to run twice.
        from scenariohub.ai import live  # noqa: F401 - connects its setting_changed receiver
        from scenariohub.scenarios.models import Scenario, ScenarioTransition

        post_save.connect(_scenario_saved, sender=Scenario, dispatch_uid="ai.scenario_saved")
        post_delete.connect(_scenario_saved, sender=Scenario, dispatch_uid="ai.scenario_deleted")
        post_save.connect(_transition_saved, sender=ScenarioTransition, dispatch_uid="ai.transition_saved")
        if apps.is_installed("scenariohub.matching"):
            try:
                from scenariohub.matching.models import Solution
            except ImportError:  # the matching app without solutions yet
                return
            post_save.connect(_solution_saved, sender=Solution, dispatch_uid="ai.solution_saved")
            post_delete.connect(_solution_saved, sender=Solution, dispatch_uid="ai.solution_deleted")
            # A solution's field names are part of its indexed text.
            m2m_changed.connect(
                _solution_saved, sender=Solution.fields.through, dispatch_uid="ai.solution_fields"
            )


def _scenario_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the rows may reference others not loaded yet; `scenariohub reindex` catches up
        return
    from scenariohub.ai.services import on_scenario_changed

    on_scenario_changed(instance.pk)


def _transition_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        from scenariohub.ai.services import on_scenario_changed

        on_scenario_changed(instance.scenario_id)


def _solution_saved(sender, instance, raw=False, action=None, reverse=False, pk_set=None, **kwargs):
    if raw or (action is not None and not action.startswith("post_")):
        return
    from scenariohub.ai.services import on_solution_changed

    if reverse:  # field.solutions.add(...): every solution named
        for pk in pk_set or ():
            on_solution_changed(pk)
    else:
        on_solution_changed(instance.pk)
