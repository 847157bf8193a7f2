"""Engines are built once per test session: loading a model costs seconds, searching costs milliseconds."""

import pytest

from scenariohub.ai import engine as engine_module
from scenariohub.ai.engine import Engine

# A small hand-written corpus of solution descriptions, one or two per sector, plus near neighbours that
# make the ranking tests meaningful (a product and its paraphrases, the same need in two cities).
CORPUS = {
    1: "光伏电站智能运维平台：无人机巡检光伏组件，识别热斑、隐裂和积灰，自动生成清洗与检修工单。",
    2: "风电场设备健康管理：采集风机振动数据，预测齿轮箱和轴承故障，安排检修计划。",
    3: "居家养老跌倒报警器：毫米波雷达监测老人跌倒和长时间静止，自动通知子女和社区网格员。",
    4: "养老院智能床垫：夜间监测心率呼吸和离床，异常时提醒护理员。",
    5: "景区客流监测系统：视频统计各入口客流，超过承载量时自动预警并引导分流。",
    6: "12345政务热线智能助手：语音识别市民来电，自动生成工单并分派到责任部门。",
    7: "森林火情识别：瞭望塔摄像机和热成像发现烟火，秒级定位火点并推送给护林员。",
    8: "天府慧眼3000：面向钢铁产线的表面缺陷视觉检测一体机，识别划痕、结疤与压入氧化铁皮。",
    9: "钢板表面瑕疵自动识别系统，用深度学习发现轧制过程中的划伤和斑点。",
    10: "带钢质量在线判级平台，依据表面图像对产品质量进行自动分级。",
    11: "城市燃气管网泄漏监测：压力和甲烷传感器结合算法，及早发现燃气泄漏风险。",
    12: "无人超市自助结算：摄像头识别顾客取放商品，离店自动扣款。",
}
NEAR_DUPLICATE_CHENGDU = (
    "成都市锦江区老旧小区电动自行车充电安全监管：在楼道和电梯口部署摄像头，AI识别电动自行车进楼入户，"
    "实时语音劝阻并通知物业，降低火灾风险。"
)
NEAR_DUPLICATE_MIANYANG = (
    "绵阳市涪城区老旧小区电动自行车充电安全监管：在楼道和电梯口部署摄像头，AI识别电动自行车进楼入户，"
    "实时语音劝阻并通知物业，降低火灾风险。"
)


@pytest.fixture(scope="session")
def use_engine():
    engine = Engine(embedder_spec="use")
    assert engine.status.available, engine.status.reason
    return engine


@pytest.fixture(scope="session")
def lexical_engine():
    return Engine(embedder_spec="none")


@pytest.fixture(scope="session")
def corpus_index(use_engine):
    index = use_engine.new_index()
    index.add_many(CORPUS.items())
    return index


@pytest.fixture
def platform_engine(use_engine, monkeypatch):
    """Make the process-wide engine the session's USE engine, so services do not load a second model."""
    monkeypatch.setattr(engine_module, "_engine", use_engine)
    return use_engine


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    """Background tasks run at once in AI tests, and no live index or classifier fit outlives a test."""
    from scenariohub.ai import live

    settings.SCENARIOHUB_TASKS = "inline"
    live.reset()
    yield
    live.reset()
    engine = engine_module._engine
    if engine is not None and "classifier" in engine.__dict__:
        engine.classifier.fit([])  # forget the test's scenarios: the session engine is shared
