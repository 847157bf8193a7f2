"""A provincial release conference in headless Chromium: the office logs in, creates the conference (host
city Chengdu, dated today), assigns two approved scenarios through the assign page's checkboxes, reads the
targets dashboard, holds the event, and finds the dashboard's three figures moved (conferences +1,
published +2, government +1) and the scenarios listed on the public event page.
Screenshots go to test-artifacts/conference/ (git-ignored)."""

import pytest
from django.utils import timezone

from scenariohub.core.tests.browser import HAVE_CHROMIUM, log_in, shot
from scenariohub.events.models import EventScenario, EventStatus, ReleaseEvent
from scenariohub.scenarios.models import ScenarioTransition, Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHENGDU = "510100"
EVENT_TITLE = "四川省人工智能应用场景发布会（成都专场）"
GOV_TITLE = "成都市城市内涝智能预警"
IND_TITLE = "成都汽车焊装车间焊点视觉质检"
FIGURES = ("conferences", "published", "published_government")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
    # The live server reads committed data, so this test commits; the flush after it empties every table.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def empty_cache():
    # The dashboard caches its counts (locmem, shared with the live server's thread); a flush between tests
    # does not clear it, so start and end clean.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def inline_tasks(settings):
    # Publishing queues the AI index update; in a background thread it outlives the test (and its database
    # access). Inline, it runs in the live server's committing thread.
    settings.SCENARIOHUB_TASKS = "inline"


@pytest.fixture
def page(new_page, inline_tasks):
    return new_page()


def read_figures(page, year: int) -> dict[str, int]:
    page.goto(f"/dashboard/?year={year}")
    expect(page.locator("h1")).to_contain_text(str(year))
    return {code: int(page.locator(f"#target-{code} .actual").inner_text().strip()) for code in FIGURES}


def test_office_holds_a_conference_and_the_dashboard_counts_it(
    reference_data, empty_cache, page, new_page, office, provider
):
    today = timezone.localdate()
    gov = ScenarioFactory(
        owner=provider.organisation, status=Status.APPROVED, kind="government", title=GOV_TITLE
    )
    ind = ScenarioFactory(
        owner=provider.organisation, status=Status.APPROVED, kind="industrial", title=IND_TITLE
    )
    # A third approved scenario stays unticked: only what is chosen is released.
    left_out = ScenarioFactory(
        owner=provider.organisation, status=Status.APPROVED, title="未选中的审核通过场景"
    )

    # 1. The office logs in through the login page.
    log_in(page, office)

    # 2. It creates the provincial conference, hosted by Chengdu, dated today (holding needs date <= today).
    page.goto("/events/")
    page.get_by_role("link", name="新建活动").click()
    page.wait_for_url("**/events/new/")
    page.get_by_label("发布渠道").select_option(label="省级应用场景发布会")
    page.get_by_label("标题").fill(EVENT_TITLE)
    page.get_by_label("承办市（州）").select_option(CHENGDU)
    page.get_by_label("日期").fill(today.isoformat())
    shot(page, "conference/01-new-conference")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/events/*/")
    expect(page.locator("body")).to_contain_text("活动已创建。")
    event = ReleaseEvent.objects.get(title=EVENT_TITLE)
    assert (event.channel, event.host_region_id, event.date, event.status) == (
        "conference",
        CHENGDU,
        today,
        EventStatus.PLANNED,
    )

    # 3. It assigns the two scenarios by ticking their boxes on the assign page.
    page.get_by_role("link", name="安排发布场景").click()
    page.wait_for_url(f"**/events/{event.pk}/scenarios/")
    page.get_by_label(GOV_TITLE).check()
    page.get_by_label(IND_TITLE).check()
    expect(page.get_by_label(left_out.title)).not_to_be_checked()
    shot(page, "conference/02-assign")
    page.get_by_role("button", name="安排所选场景").click()
    page.wait_for_url(f"**/events/{event.pk}/")
    assert set(EventScenario.objects.filter(event=event).values_list("scenario_id", flat=True)) == {
        gov.pk,
        ind.pk,
    }
    released_section = page.locator("section[aria-labelledby='released-heading']")
    expect(released_section).not_to_contain_text(GOV_TITLE)  # nothing released before the event is held

    # 4. The targets dashboard for the current year, before.
    before = read_figures(page, today.year)
    shot(page, "conference/03-dashboard-before")

    # 5. Hold the event from its confirm page (the button asks again in a dialog).
    page.goto(f"/events/{event.pk}/hold/")
    hold_page = page.locator("main")
    expect(hold_page).to_contain_text(GOV_TITLE)
    expect(hold_page).to_contain_text(IND_TITLE)
    shot(page, "conference/04-hold-confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认：活动已举办").click()
    page.wait_for_url(f"**/events/{event.pk}/")
    expect(page.locator("body")).to_contain_text("活动已标记为已举办，发布了 2 个场景。")
    event.refresh_from_db()
    assert event.status == EventStatus.HELD

    # The database: both published with the event's start as their release time, one history row each.
    moment = event.start_datetime
    for scenario in (gov, ind):
        scenario.refresh_from_db()
        assert scenario.status == Status.PUBLISHED
        assert scenario.published_at == moment
        steps = list(
            ScenarioTransition.objects.filter(scenario=scenario).values_list("from_status", "to_status")
        )
        assert steps == [(Status.APPROVED, Status.PUBLISHED)]
        assert EventScenario.objects.get(event=event, scenario=scenario).released_at == moment
    left_out.refresh_from_db()
    assert left_out.status == Status.APPROVED and not left_out.transitions.exists()

    # 6. The dashboard again: the cache fingerprint changed with the lifecycle steps, so the figures move.
    after = read_figures(page, today.year)
    shot(page, "conference/05-dashboard-after")
    assert {code: after[code] - before[code] for code in FIGURES} == {
        "conferences": 1,
        "published": 2,
        "published_government": 1,
    }

    # 7. The public event page, read anonymously, lists the two released scenarios.
    public = new_page()
    public.goto(f"/events/{event.pk}/")
    released = public.locator("section[aria-labelledby='released-heading'] tbody tr")
    expect(released).to_have_count(2)
    expect(released.filter(has_text=GOV_TITLE)).to_have_count(1)
    expect(released.filter(has_text=IND_TITLE)).to_have_count(1)
    expect(public.locator("section[aria-labelledby='released-heading']")).not_to_contain_text(left_out.title)
    shot(public, "conference/06-public-event")

    assert page.console_errors == [] and public.console_errors == []
