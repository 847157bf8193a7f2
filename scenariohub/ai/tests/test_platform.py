"""The engine wired into the platform: the index follows scenario writes, the catalogue and the API's `q`
search through it, `reindex` catches up, and everything still works without a model."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from scenariohub.accounts.tests.factories import OrganisationFactory
from scenariohub.ai import live, services
from scenariohub.ai.models import DocumentVector
from scenariohub.ai.selectors import search_ids
from scenariohub.conftest import CHENGDU, MIANYANG, as_actor, client_for
from scenariohub.scenarios import services as scenario_services
from scenariohub.scenarios.models import Scenario, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

from .conftest import CORPUS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform_engine")]


def publish(title: str, purpose: str, *, region: str = CHENGDU, status: str = Status.PUBLISHED, **kwargs):
    owner = kwargs.pop("owner", None) or OrganisationFactory(region_id=region)
    return ScenarioFactory(
        owner=owner,
        region_id=region,
        title=title,
        purpose=purpose,
        tech_requirements="支持本地化部署。",
        status=status,
        **kwargs,
    )


@pytest.fixture
def corpus(django_capture_on_commit_callbacks):
    """The conftest corpus as released scenarios (title = first clause), indexed through the signals."""
    with django_capture_on_commit_callbacks(execute=True):
        rows = {key: publish(text.split("：")[0][:100], text) for key, text in CORPUS.items()}
    return rows


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_saving_a_released_scenario_indexes_it_and_withdrawing_forgets_it(
    corpus, provider, django_capture_on_commit_callbacks
):
    assert DocumentVector.objects.filter(kind="scenario").count() == len(CORPUS)
    scenario = publish("居家养老智能手环", "为独居老人提供跌倒检测与一键呼救。", owner=provider.organisation)
    assert not DocumentVector.objects.filter(object_id=scenario.pk).exists()  # not committed yet
    with django_capture_on_commit_callbacks(execute=True):
        scenario.save()
    row = DocumentVector.objects.get(kind="scenario", object_id=scenario.pk)
    assert "机器视觉与检测" in services.scenario_text(scenario)  # field and sector names are indexed too
    assert row.text_hash == services.text_hash(services.scenario_text(scenario))
    assert scenario.pk in search_ids(kind="scenario", query="手环")
    # A lifecycle step saves with .update(); its history row is what tells the index.
    with django_capture_on_commit_callbacks(execute=True):
        scenario_services.scenario_withdraw(actor=as_actor(provider), scenario_id=scenario.pk)
    assert not DocumentVector.objects.filter(kind="scenario", object_id=scenario.pk).exists()
    assert scenario.pk not in (search_ids(kind="scenario", query="手环") or [])


def test_drafts_are_not_indexed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish("光伏电站巡检草稿", "无人机巡检光伏组件。", status=Status.DRAFT)
    assert not DocumentVector.objects.exists()


@pytest.mark.parametrize(("query", "key"), [("光伏", 1), ("跌倒", 3)])
def test_two_character_query_through_the_catalogue_and_the_api(corpus, anon_client, query, key):
    page = anon_client.get(reverse("scenarios:catalogue"), {"q": query})
    assert page.status_code == 200
    assert page.context["page"].object_list[0].pk == corpus[key].pk
    response = anon_client.get("/api/v1/scenarios", {"q": query})
    assert response.status_code == 200
    assert ids(response)[0] == corpus[key].pk


def test_exact_product_name_beats_paraphrases_through_the_api(corpus, anon_client):
    steel = {corpus[8].pk, corpus[9].pk, corpus[10].pk}
    # A description finds the product and its paraphrases (steel surface defects in other words)…
    assert steel <= set(ids(anon_client.get("/api/v1/scenarios", {"q": "钢材表面缺陷自动检测"}))[:5])
    # …and the product's name puts the product first.
    assert ids(anon_client.get("/api/v1/scenarios", {"q": "天府慧眼3000"}))[0] == corpus[8].pk


def test_other_filters_and_explicit_sorts_still_apply(corpus, anon_client):
    other_region = publish("光伏组件隐裂检测", "光伏电池片EL图像隐裂识别。", region=MIANYANG)
    services.scenario_index(other_region.pk)
    found = ids(anon_client.get("/api/v1/scenarios", {"q": "光伏", "region": MIANYANG}))
    assert found == [other_region.pk]
    by_title = [
        i["title"]
        for i in anon_client.get("/api/v1/scenarios", {"q": "光伏", "sort": "title"}).json()["items"]
    ]
    assert by_title == sorted(by_title)


def test_exact_names_in_titles_are_never_lost(corpus, anon_client):
    # Neither "慧眼30" nor a single character is a word of the index; the titles are searched exactly too.
    assert corpus[8].pk in ids(anon_client.get("/api/v1/scenarios", {"q": "慧眼30"}))
    assert ids(anon_client.get("/api/v1/scenarios", {"q": "超"})) == [corpus[12].pk]
    assert live.holder("scenario").title_matches(["天府慧眼", "3000"], 10) == [corpus[8].pk]


def test_own_drafts_are_still_found_by_substring(corpus, provider, other_provider, anon_client):
    draft = publish("光伏车棚草稿", "自用草稿。", status=Status.DRAFT, owner=provider.organisation)
    assert draft.pk in ids(client_for(provider).get("/api/v1/scenarios", {"q": "光伏"}))
    assert draft.pk not in ids(client_for(other_provider).get("/api/v1/scenarios", {"q": "光伏"}))
    assert draft.pk not in ids(anon_client.get("/api/v1/scenarios", {"q": "光伏"}))


def test_catalogue_query_count_stays_constant_with_the_engine(corpus, anon_client, django_assert_num_queries):
    url = reverse("scenarios:catalogue")
    anon_client.get(url, {"q": "光伏"})  # the first search of a process loads the index
    assert live.live_index("scenario") is not None
    with django_assert_num_queries(2) as plain:  # count + page
        anon_client.get(url)
    with django_assert_num_queries(len(plain.captured_queries)):
        anon_client.get(url, {"q": "光伏"})
    for i in range(5):
        publish(f"光伏巡检场景{i}", "光伏组件热斑识别。")
    with django_assert_num_queries(len(plain.captured_queries)):
        anon_client.get(url, {"q": "光伏"})


def test_no_index_falls_back_to_substring_search(anon_client):
    scenario = publish("光伏电站智能运维", "无人机巡检光伏组件。")
    assert search_ids(kind="scenario", query="光伏") is None
    assert ids(anon_client.get("/api/v1/scenarios", {"q": "光伏"})) == [scenario.pk]


def test_fallback_to_lexical_without_a_model(
    settings, anon_client, office, django_capture_on_commit_callbacks
):
    settings.SCENARIOHUB_EMBEDDER = "none"
    with django_capture_on_commit_callbacks(execute=True):
        fall = publish("居家跌倒报警", CORPUS[3])
        publish("景区客流监测", CORPUS[5])
    assert DocumentVector.objects.get(object_id=fall.pk).embedder == "none"
    assert ids(anon_client.get("/api/v1/scenarios", {"q": "跌倒"}))[0] == fall.pk
    page = client_for(office).get(reverse("ai:status"))
    assert page.status_code == 200
    assert page.context["status"]["engine"]["available"] is False
    assert "SCENARIOHUB_EMBEDDER=none" in page.content.decode()


def test_reindex_is_idempotent_and_forgets_what_is_no_longer_public(capsys):
    a = publish("光伏电站智能运维", CORPUS[1])
    b = publish("森林火情识别", CORPUS[7])
    publish("一份草稿", CORPUS[2], status=Status.DRAFT)
    call_command("reindex", "--kind", "scenario", "--batch", "1")
    out = capsys.readouterr().out
    assert "[" in out and "2/2" in out
    assert "reindex scenario: 2 public, 2 embedded, 0 unchanged, 0 removed" in out
    call_command("reindex", "--kind", "scenario")
    assert "2 public, 0 embedded, 2 unchanged, 0 removed" in capsys.readouterr().out
    Scenario.objects.filter(pk=b.pk).update(status=Status.WITHDRAWN)  # behind the signals' back
    call_command("reindex")
    out = capsys.readouterr().out
    assert "reindex scenario: 1 public, 0 embedded, 1 unchanged, 1 removed" in out
    assert "reindex solution: 0 public" in out
    assert list(DocumentVector.objects.values_list("object_id", flat=True)) == [a.pk]
    call_command("reindex", "--kind", "scenario", "--force")
    assert "1 public, 1 embedded, 0 unchanged" in capsys.readouterr().out


def test_live_index_refreshes_after_changes_elsewhere(corpus):
    index = live.live_index("scenario")
    assert len(index) == len(CORPUS)
    # Another process re-indexed (the cache key changed) and removed one document.
    DocumentVector.objects.filter(object_id=corpus[1].pk).delete()
    live.holder("scenario").checked_at = float("-inf")  # as after REFRESH_SECONDS
    assert len(live.live_index("scenario")) == len(CORPUS) - 1
    assert corpus[1].pk not in (search_ids(kind="scenario", query="光伏") or [])


def test_thread_mode_indexes_in_the_background(settings, django_capture_on_commit_callbacks):
    from scenariohub.core.tasks import wait_for_tasks

    settings.SCENARIOHUB_TASKS = "thread"
    with django_capture_on_commit_callbacks(execute=True):
        scenario = publish("光伏电站智能运维", CORPUS[1])
    wait_for_tasks()
    # The worker's connection sees the test's transaction only on databases that share it (SQLite in
    # memory); elsewhere the task found no row and did nothing. Either way the request was not delayed
    # and a second run (here, inline) is harmless.
    services.scenario_index(scenario.pk)
    assert DocumentVector.objects.filter(object_id=scenario.pk).count() == 1
