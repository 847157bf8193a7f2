import pytest

from scenariohub.ai.classify import Classifier, Example

CLEAR_CASES = [
    (
        "manufacturing",
        "robot-assisted-manufacturing",
        "汽车零部件工厂装配线工业机器人上下料，视觉引导机械臂抓取工件",
    ),
    ("emergency", "robot-drone-rescue", "地震后废墟被困人员搜救，无人机和机器狗进行生命探测"),
    ("livelihood", "home-monitoring", "社区居家养老，独居老人跌倒检测与紧急呼叫"),
    ("commerce-tourism", "cross-border-ecommerce", "跨境电商平台商品描述多语种自动翻译与海外市场选品"),
    ("governance", "government-qa-assistant", "12345政务服务热线智能问答，办事指南咨询与诉求工单分拨"),
]


@pytest.fixture(scope="module", params=["use_engine", "lexical_engine"])
def classifier(request):
    engine = request.getfixturevalue(request.param)
    return Classifier(analyzer=engine.analyzer, embedder=engine.embedder)


@pytest.mark.parametrize(("sector", "field", "text"), CLEAR_CASES)
def test_clear_cases_per_sector(classifier, sector, field, text):
    suggestions = classifier.classify(text=text, k=3)
    assert len(suggestions) == 3
    assert suggestions[0].sector == sector
    assert field in {s.field for s in suggestions}
    assert all(0.0 <= s.score <= 1.0 for s in suggestions)


def test_title_counts(classifier):
    suggestions = classifier.classify(title="森林防火智能监测", text="建设一套系统，提升管理水平。")
    assert suggestions[0].field == "forest-fire"


def test_empty_text_gives_no_suggestion(classifier):
    assert classifier.classify(title="", text="  ") == []


def test_sector_scores_sum_to_one(classifier):
    scores = classifier.sector_scores(text=CLEAR_CASES[0][2])
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert max(scores, key=scores.get) == "manufacturing"


def test_examples_teach_how_the_platform_files_things(use_engine):
    # The taxonomy puts "安全行为识别" under emergency; this platform files factory cases as manufacturing.
    classifier = Classifier(analyzer=use_engine.analyzer, embedder=use_engine.embedder)
    text = "机械加工车间工人未佩戴安全帽和违规操作智能识别"
    assert classifier.classify(text=text)[0].sector == "emergency"
    classifier.fit(
        [
            Example("电子厂车间员工未戴安全帽、未穿防静电服自动识别", "manufacturing", "machine-vision"),
            Example("注塑工厂产线人员违规操作视频识别与报警", "manufacturing", "machine-vision"),
            Example("化工厂车间作业人员不安全行为识别", "manufacturing", "machine-vision"),
            Example("森林火情无人机巡护", "emergency", "forest-fire"),
            Example("居家老人跌倒监测", "livelihood", "home-monitoring"),
        ]
    )
    suggestions = classifier.classify(text=text)
    assert suggestions[0].sector == "manufacturing"
    assert "machine-vision" in {s.field for s in suggestions}


def test_examples_of_unknown_sectors_are_ignored(lexical_engine):
    classifier = Classifier(analyzer=lexical_engine.analyzer, embedder=None)
    classifier.fit([Example("任意文本", "no-such-sector")])
    assert classifier.classify(text=CLEAR_CASES[1][2])[0].sector == "emergency"
