"""Demo data, news (called by `scenariohub.tracking.demo.seed`): the office's articles on the quarterly
release conferences, the designated benchmark cases and a policy measure, published at historic times."""

import datetime as dt
from collections import Counter

from scenariohub.publicity import services
from scenariohub.scenarios.demo import TZ
from scenariohub.scenarios.models import Status

OFFICE = "省人工智能产业链链长办公室"


def _published_by_quarter(ctx) -> Counter:
    quarters = Counter()
    for steps in ctx.history.values():
        for step in steps:
            if step.target == Status.PUBLISHED:
                local = step.when.astimezone(TZ)
                quarters[(local.year, (local.month - 1) // 3 + 1)] += 1
    return quarters


def _conference(year: int, quarter: int, count: int, city: str) -> dict:
    return {
        "title": f"{year}年第{'一二三四'[quarter - 1]}季度全省人工智能应用场景发布会在{city}举行",
        "summary": f"本季度通过省平台集中发布人工智能应用场景{count}个，覆盖制造、政务、医疗、交通等领域。",
        "body": (
            f"<p>近日，{year}年第{'一二三四'[quarter - 1]}季度全省人工智能应用场景发布会在{city}举行。"
            f"会上集中发布应用场景{count}个，涵盖智能制造、数字政务、智慧医疗、智慧交通、文旅服务等重点领域。</p>"
            f"<p>{OFFICE}有关负责人表示，将持续推动“场景开放—供需对接—合作落地—示范推广”全链条服务，"
            "欢迎省内外人工智能企业通过场景通平台在线揭榜。</p>"
            "<p>发布会后，主办方组织了供需对接洽谈，二十余家人工智能企业与场景提供方现场交流。</p>"
        ),
    }


def seed(ctx, clock, stories, cases, products) -> list:
    quarters = _published_by_quarter(ctx)
    designated = sorted((c for c in cases if c.designated), key=lambda c: c.decided)
    items: list[tuple[dt.datetime, dict]] = []
    for (year, quarter, city), when in (
        ((2025, 2, "成都"), dt.datetime(2025, 7, 8, 10, 30, tzinfo=TZ)),
        ((2025, 4, "绵阳"), dt.datetime(2026, 1, 9, 15, 0, tzinfo=TZ)),
        ((2026, 1, "德阳"), dt.datetime(2026, 4, 10, 11, 0, tzinfo=TZ)),
    ):
        if when < ctx.now:
            items.append((when, _conference(year, quarter, max(quarters[(year, quarter)], 1), city)))
    items.append(
        (
            dt.datetime(2025, 6, 16, 16, 0, tzinfo=TZ),
            {
                "title": "人工智能应用场景支持措施发布：促成示范应用的供需双方均可申请科技创新券",
                "summary": "将促成示范应用的场景提供方、产品提供方纳入科技创新券重点支持范围，并给予算力补贴等支持。",
                "body": (
                    "<p>为加快人工智能应用场景落地，省人工智能应用场景工作方案明确了十项保障措施：将促成示范应用的"
                    "场景提供方、产品提供方企业均纳入科技创新券重点支持范围；优先提供引导基金支持、算力补贴支持；"
                    "鼓励符合条件的企业合作申报超长期特别国债和地方政府专项债券项目。</p>"
                    "<p>对纳入示范应用的产品，优先享受首台（套）重点技术装备、首批次新材料、首版次软件等政策。"
                    "相关单位可通过场景通平台“支持措施”栏目在线申请。</p>"
                ),
            },
        )
    )
    by_year: dict[int, list] = {}
    for case in designated:
        by_year.setdefault(case.decided.astimezone(TZ).year, []).append(case)
    for year, year_cases in sorted(by_year.items()):
        last = year_cases[-1].decided
        when = min(last + dt.timedelta(days=3), ctx.now - dt.timedelta(hours=5))
        names = "".join(f"<li>{c.case.title}</li>" for c in year_cases)
        items.append(
            (
                when,
                {
                    "title": f"{year}年度第一批省级人工智能应用标杆案例名单公布",
                    "summary": f"经城市推荐、专家评审，{len(year_cases)}个应用案例认定为{year}年度省级标杆案例。",
                    "body": (
                        f"<p>经各市（州）推荐、专家评审和省人工智能产业链链长办公室审定，以下{len(year_cases)}个"
                        f"案例认定为{year}年度省级人工智能应用标杆案例：</p><ul>{names}</ul>"
                        "<p>标杆案例将在全省宣传推广，优先推荐申报国家人工智能典型应用案例。</p>"
                    ),
                },
            )
        )
    if products:
        product = products[0]
        when = min(product.entered_at + dt.timedelta(days=2), ctx.now - dt.timedelta(hours=4))
        items.append(
            (
                when,
                {
                    "title": f"示范产品推介：{product.solution.title}",
                    "summary": "经试点验证的人工智能产品纳入全省推广目录，欢迎有需要的单位对接应用。",
                    "body": f"<p>{product.summary}</p><p>详情可在场景通平台“推广目录”栏目查看并登记应用情况。</p>",
                },
            )
        )
    out = []
    for when, data in sorted(items, key=lambda item: item[0]):
        with clock.at(when):
            item = services.news_create(actor=ctx.office, data={**data, "published": True}, now=when)
        clock.stamp(item, created_at=when, updated_at=when)
        ctx.counts["news"] += 1
        out.append(item)
    return out
