"""Taxonomy access and the hand-written domain vocabulary of the AI engine.

The taxonomy (sectors and fields) is the plan's own structure; the keyword lists below were written from
general domain knowledge of each field of the 2025-2027 work plan, not from any evaluation set, so that the
classifier and the segmenter know the everyday words people use for each field (a field name such as
"居家智能监测" rarely appears verbatim in a scenario; "独居老人", "跌倒" and "生命体征" do).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "reference" / "data" / "taxonomy.json"

# Words that describe a whole sector beyond its fields: the setting and actors of its scenarios.
# Space-separated, so each list stays on a few lines under the formatter.
SECTOR_KEYWORDS: dict[str, str] = {
    "manufacturing": (
        "工厂 车间 产线 生产线 制造 制造业 工业 工序 良品率 产能 零部件 工业互联网 智能制造 数字化车间 "
        "生产制造 工件 装配 加工 钢铁 化工"
    ),
    "emergency": (
        "应急 救援 灾害 防灾减灾 公共安全 应急管理 消防 险情 事故 预警 抢险 救灾 避险 安全生产 隐患 灾情 "
        "防汛 地质灾害"
    ),
    "livelihood": (
        "养老 康复 老年人 社区 居民 医疗 健康 患者 医院 护理 民生 适老化 残疾人 照护 老人 家庭医生 卫生"
    ),
    "commerce-tourism": (
        "商贸 文旅 旅游 游客 景区 消费 零售 商场 电商 物流 会展 文化 酒店 商家 顾客 门店 博物馆 文物 外贸"
    ),
    "governance": (
        "城市治理 政务 政府 市民 城管 街道 基层治理 城市 市政 执法 网格 一网统管 一网通办 城市运行 "
        "公共服务 行政"
    ),
}

# Everyday words for each field, keyed by the taxonomy's field code.
FIELD_KEYWORDS: dict[str, str] = {
    # 人工智能+先进制造
    "industrial-brain": (
        "工业大脑 生产调度 排产 工艺优化 参数优化 数字孪生 生产计划 能耗优化 制造执行 MES 良率提升 "
        "运筹优化 决策优化 工业大模型 供应链协同"
    ),
    "machine-vision": (
        "机器视觉 视觉检测 缺陷检测 表面缺陷 外观检测 瑕疵 质检 工业相机 AOI 图像识别 尺寸测量 划痕 裂纹 "
        "OCR 字符识别 目检"
    ),
    "equipment-maintenance": (
        "设备运维 预测性维护 故障诊断 故障预测 振动监测 健康管理 设备巡检 点检 剩余寿命 停机 轴承 电机 "
        "备品备件 状态监测 检修"
    ),
    "smart-warehousing": "立体仓库 仓储管理 WMS 库位 出入库 堆垛机 货架 库存管理 仓储 拣选 入库 盘库",
    "product-quality-safety": (
        "产品质量 质量追溯 质量管理 合格率 质量检验 抽检 质量安全 不良品 质量控制 SPC 检验检测 溯源 产品认证"
    ),
    "robot-assisted-manufacturing": (
        "工业机器人 协作机器人 机械臂 焊接机器人 喷涂 打磨 装配机器人 人机协作 上下料 视觉引导 柔性制造 "
        "抓取 机器人焊接"
    ),
    "sorting": "分拣 分流 自动分拣 包裹分拣 物料分拣 垃圾分拣 分选 分类识别 快递 分拣线 矿石分选",
    "material-handling": (
        "物料搬运 AGV AMR 搬运机器人 无人叉车 叉车 物流机器人 厂内物流 转运 输送 牵引车 搬运"
    ),
    "energy-chemical": (
        "能源化工 石油 天然气 油气 化工 炼化 电力 电网 光伏 风电 储能 节能 能耗 碳排放 页岩气 氢能 锂电 "
        "火电 能源管理"
    ),
    # 人工智能+应急救援（公共安全）
    "robot-drone-rescue": (
        "机器狗 机器人犬 四足机器人 无人机 搜救 应急搜救 生命探测 废墟 被困人员 救援机器人 失联 搜寻"
    ),
    "low-altitude-management": (
        "低空 低空飞行 低空经济 空域 无人机管控 飞行监管 反无人机 黑飞 航路 低空安全 飞行器 起降 无人机监管"
    ),
    "safety-inspection": (
        "安全巡检 巡检机器人 巡检 隐患排查 电力巡检 管道巡检 智能巡检 巡查 输电线路 变电站 油气管道 安全检查"
    ),
    "bomb-disposal": "排爆 处突 爆炸物 防爆 排爆机器人 危险品 反恐 突发事件处置 安检 可疑物品 炸弹",
    "municipal-tunnel-inspection": (
        "综合管廊 管廊 隧道 市政设施 地下管网 排水管网 井盖 桥梁 隧道巡检 管网巡检 地铁隧道 窨井 供水管网"
    ),
    "forest-fire": "森林防火 草原防火 火灾 火情 山火 火点 烟火识别 林火 灭火 防灭火 瞭望 热成像 护林",
    "weather-nowcasting": (
        "气象 短临预报 短时临近 暴雨 强降雨 雷电 冰雹 大风 降水 气象预警 天气预报 雷达回波 极端天气 内涝"
    ),
    "flash-flood-debris-flow": (
        "山洪 泥石流 滑坡 崩塌 地质灾害 形变监测 位移监测 降雨阈值 隐患点 边坡 InSAR 堰塞湖 山体"
    ),
    "production-risk-warning": (
        "安全生产 风险监测 危险化学品 危化品 重大危险源 矿山 煤矿 尾矿库 瓦斯 有毒气体 泄漏 工贸企业 风险预警"
    ),
    "safety-behaviour-recognition": (
        "行为识别 不安全行为 安全帽 违规操作 抽烟 人员闯入 反光衣 违章作业 动作识别 睡岗 离岗 打电话 未佩戴"
    ),
    "rescue-decision": (
        "应急指挥 救援决策 辅助决策 应急预案 指挥调度 资源调度 态势研判 接警 一张图 会商 应急大模型 推演 疏散"
    ),
    "disaster-scene-recognition": (
        "灾害现场 灾情评估 损失评估 遥感影像 倒塌 受灾 灾后 现场识别 卫星遥感 航拍 三维建模 灾区"
    ),
    "supply-delivery": (
        "物资投送 应急物资 物资调配 无人机投送 空投 物资储备 运输投送 调拨 救灾物资 补给 配送路径"
    ),
    # 人工智能+社会民生（养老康复）
    "old-community-governance": (
        "老旧小区 小区治理 物业 社区治理 高空抛物 电动车 电瓶车 消防通道 加装电梯 智慧社区 门禁 车辆乱停 楼道"
    ),
    "home-monitoring": (
        "居家养老 独居老人 跌倒 跌倒检测 摔倒 生命体征 居家监测 紧急呼叫 毫米波雷达 异常报警 睡眠监测 "
        "安全监护 一键呼叫"
    ),
    "wearables": "可穿戴 智能手环 智能手表 穿戴设备 心率 血压 血氧 定位 健康监测 心电 血糖 手环",
    "companion-robot": (
        "陪伴机器人 陪伴 聊天 情感陪伴 精神慰藉 认知训练 语音交互 孤独 陪护 提醒服药 娱乐 数字人"
    ),
    "exoskeleton": "外骨骼 康复训练 助行 步态 肢体康复 康复机器人 偏瘫 助力 行走辅助 康复医学 运动功能",
    "brain-computer-interface": (
        "脑机接口 脑电 EEG 神经 意念控制 神经康复 脑卒中 认知障碍 阿尔茨海默 渐冻症 脑电信号 神经调控"
    ),
    "medicine-health": (
        "医疗 医药 健康 辅助诊断 医学影像 CT 病理 药物研发 慢病管理 分诊 导诊 病历 医生 筛查 医保 "
        "互联网医院 中医 影像诊断"
    ),
    "market-monitoring": "市场监测 价格监测 价格波动 供需 物价 舆情 行情 商品价格 市场分析 消费趋势 民生商品",
    "food-drug-safety": (
        "食品安全 药品安全 明厨亮灶 后厨 食品抽检 药品监管 追溯 餐饮 药店 冷链 保健品 疫苗 医疗器械 过期"
    ),
    "consumer-protection": (
        "消费者权益 投诉 维权 消费纠纷 12315 举报 虚假宣传 欺诈 退换货 预付卡 消费维权 格式条款"
    ),
    "special-equipment-safety": (
        "特种设备 电梯 锅炉 压力容器 起重机械 电梯困人 游乐设施 气瓶 压力管道 场内机动车辆 电梯安全 索道"
    ),
    # 人工智能+商贸文旅
    "cross-border-ecommerce": (
        "跨境电商 外贸 出口 多语种 翻译 海关 报关 海外市场 独立站 国际物流 跨境支付 选品 进口"
    ),
    "online-exhibition": (
        "线上会展 云展会 虚拟展厅 数字展馆 展会 直播 元宇宙 VR 3D展示 展商 观展 博览会 云展览"
    ),
    "inventory-settlement": "盘点 结算 自助收银 收银 库存 对账 商品识别 无感支付 扫码 货架盘点 补货 财务结算",
    "smart-guide": "智能导览 导览 讲解 语音导览 景区 博物馆 游客 AR导览 文物 景点 路线推荐 文化遗产 客流",
    "customer-service": "智能客服 客服 在线客服 问答 咨询 坐席 呼叫中心 售后 机器人客服 对话 工单 满意度",
    "unmanned-store": "无人超市 无人零售 无人店 自助售货 无人货架 自动售货机 即拿即走 无人便利店 防损 门店",
    "shopping-assistant": (
        "智慧导购 导购 推荐 个性化推荐 精准营销 用户画像 商品推荐 虚拟试衣 选购 会员 营销 直播带货"
    ),
    "smart-delivery": (
        "智能配送 配送 即时配送 无人配送 配送机器人 外卖 快递 末端配送 路径规划 同城配送 无人车"
    ),
    "container-transport": "集装箱 港口 码头 多式联运 铁路港 集卡 陆港 货运 箱号识别 堆场 班列 中欧班列 航运",
    "autonomous-driving": (
        "自动驾驶 无人驾驶 车路协同 智能网联 Robotaxi 无人公交 辅助驾驶 自动泊车 网联汽车 高精地图 测试道路"
    ),
    # 人工智能+城市治理
    "market-regulation": (
        "市场监管 市场主体 企业登记 信用监管 网络交易 执法 监管 广告监测 计量 价格违法 无证经营 双随机"
    ),
    "government-qa-assistant": (
        "政务问答 政务服务 办事指南 12345 热线 政策咨询 一网通办 政务大模型 诉求 工单分拨 办事 政策解读"
    ),
    "traffic-flow-control": (
        "交通流量 信号灯 信号配时 拥堵 路口 交通管控 绿波 交通信号 违章 停车 车流 交通事件 交警"
    ),
    "transport-construction": (
        "交通运输建设 公路 道路建设 桥梁 隧道施工 工程建设 施工 路面 养护 BIM 交通工程 高速公路"
    ),
    "city-building-information": (
        "城市建筑 建筑信息 CIM BIM 违章建筑 违建 房屋安全 建筑物 三维城市 城市信息模型 自建房 房屋普查"
    ),
    "city-management-analytics": (
        "城市管理 城管 占道经营 乱堆乱放 暴露垃圾 市容 环境卫生 渣土 户外广告 事件发现 视频分析 网格化 河道"
    ),
    "city-safety-risk-monitoring": (
        "城市安全 城市生命线 燃气 燃气管网 供水 排水 桥梁监测 风险监测 综合监测 城市运行 内涝 结构安全"
    ),
    "government-information-outreach": (
        "政务宣传 信息推广 政务新媒体 网络辅政 舆情 新闻 政策宣传 内容生成 短视频 网评 公众号 传播"
    ),
}


@dataclass(frozen=True, slots=True)
class Field:
    code: str
    name_zh: str
    sector_code: str
    sector_name_zh: str
    keywords: tuple[str, ...]


@cache
def load_taxonomy(path: str | None = None) -> dict:
    with open(path or TAXONOMY_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def fields() -> tuple[Field, ...]:
    """Every field of the taxonomy with its hand-written keywords, in taxonomy order."""
    out = []
    for sector in load_taxonomy()["sectors"]:
        for field in sector["fields"]:
            out.append(
                Field(
                    code=field["code"],
                    name_zh=field["name_zh"],
                    sector_code=sector["code"],
                    sector_name_zh=sector["name_zh"],
                    keywords=tuple(FIELD_KEYWORDS.get(field["code"], "").split()),
                )
            )
    return tuple(out)


def sector_keywords(sector_code: str) -> list[str]:
    return SECTOR_KEYWORDS.get(sector_code, "").split()


@cache
def sector_codes() -> tuple[str, ...]:
    return tuple(s["code"] for s in load_taxonomy()["sectors"])


def region_aliases() -> dict[str, str]:
    """Each region name, full ("成都市") and short ("成都"), mapped to its short form."""
    aliases = {}
    for region in load_taxonomy().get("regions", []):
        name = short = region["name_zh"]
        for suffix in ("藏族羌族自治州", "藏族自治州", "彝族自治州", "市"):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                short = name[: -len(suffix)]
                break
        aliases[name] = short
        aliases[short] = short
    return aliases


def domain_terms() -> list[str]:
    """Words for the segmenter's user dictionary: field name parts, sector words and field keywords."""
    terms: set[str] = set()
    for field in fields():
        # Field names are phrases ("山洪泥石流灾害智能识别与精准预判"); their parts are the words.
        name = field.name_zh.replace("（", "与").replace("）", "与").replace("及", "与")
        terms.update(part for part in name.split("与") if len(part) >= 2)
        terms.update(field.keywords)
    for code in SECTOR_KEYWORDS:
        terms.update(sector_keywords(code))
    return sorted(terms)
