"""Synthetic government documents for the backend benchmark: deterministic titles and ~2 KB bodies drawn
from a Zipf-weighted vocabulary of service and policy words, segmented as the index does it."""

from __future__ import annotations

import multiprocessing
import random
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout; `indexer` need not be installed

from indexer.analysis import normalize, segment_for_index  # noqa: E402
from indexer.fields import IndexDoc  # noqa: E402

SEED = 20240601
TARGET_BYTES = 2048  # ~2 KB of UTF-8 body text per document (≈ 680 Chinese characters)


CONTENT_WORDS = str.split(
    """
社会保险 养老保险 医疗保险 失业保险 工伤保险 生育保险 基本养老金 养老金 参保 参保人员 缴费 缴费基数 缴费年限
待遇 领取 转移接续 社保卡 医保 医保卡 异地就医 报销 备案 定点医院 门诊 住院 慢性病 大病保险 医疗救助
个人账户 统筹基金 公积金 住房公积金 提取 贷款 购房 租房 保障性住房 公租房 廉租房 不动产 不动产登记 产权
房产证 商品房 预售 二手房 过户 抵押 房屋 物业 拆迁 征收 补偿 安置 棚户区 改造 身份证 居民身份证 户口 户籍
户口簿 居住证 护照 港澳通行证 签注 出入境 临时身份证 迁移 落户 迁入 迁出 出生登记 死亡登记 婚姻登记 结婚
离婚 收养 登记 申请 办理 材料 审批 审核 受理 办结 时限 流程 窗口 网上办理 一网通办 政务服务 政务服务中心
便民服务 咨询 投诉 举报 查询 预约 证明 证照 许可 核准 变更 注销 延续 换领 补领 年检 复核 公示 公告 告知承诺
容缺受理 电子证照 线上 线下 现场 邮寄 免费 收费标准 法定期限 承诺期限 办件 事项 实施主体 依据 条件 对象 范围
标准 城乡居民 城镇职工 农村 农民 农民工 困难群众 低保 最低生活保障 特困人员 残疾人 老年人 高龄津贴 儿童
未成年人 妇女 退役军人 优抚对象 烈士 军属 高校毕业生 大学生 失业人员 就业困难人员 灵活就业人员 个体工商户
小微企业 企业 事业单位 机关 社会组织 补贴 补助 津贴 救助 资助 奖励 奖补 贴息 减免 税收优惠 创业担保贷款
创业补贴 就业补贴 社保补贴 岗位补贴 培训补贴 职业技能培训 技能提升 求职创业补贴 一次性补助 稳岗返还 临时救助
生活补助 护理补贴 耕地地力保护补贴 农机购置补贴 医疗 生育 生育津贴 产假 孕产妇 新生儿 疫苗 接种 预防接种
健康 体检 卫生 医师 执业 药品 医疗器械 传染病 公共卫生 家庭医生 签约 就业 创业 失业 再就业 劳动合同 劳动关系
工资 最低工资 欠薪 劳动仲裁 劳动监察 人力资源 招聘 人才 人才引进 职称 职业资格 技能等级 继续教育 档案 教育
义务教育 入学 学籍 招生 幼儿园 中小学 高中 学前教育 助学金 助学贷款 奖学金 教师资格 转学 随迁子女 营养改善
营业执照 市场主体 注册 企业开办 经营范围 食品经营许可 税务 纳税 发票 增值税 个人所得税 专项附加扣除
社会信用代码 年报 信用 失信 营商环境 招标 投标 政府采购 合同 知识产权 商标 专利 驾驶证 机动车 行驶证 车辆
年审 违章 交通 公交 道路 运输 出租车 网约车 停车 规划 建设 环境保护 环评 排污许可 应急 安全生产 消防 防汛
气象 文化 旅游 体育 民政 养老服务 养老机构 殡葬 慈善 志愿服务 社区 街道 乡镇 村委会 居委会 基层 乡村振兴
农业 林业 水利 土地 宅基地 承包地 自然资源 生态 财政 预算 资金 专项资金 审计 统计 价格 市场监管 质量 计量
标准化 公安 司法 法律援助 公证 调解 信访 人民政府 国务院 办公厅 人力资源和社会保障局 住房和城乡建设局
医疗保障局 民政局 卫生健康委员会 教育局 税务局 公安局 自然资源局 市场监督管理局 通知 意见 办法 规定 细则
方案 决定 实施 印发 贯彻落实 进一步 加强 推进 做好 完善 优化 深化 改革 工作 管理 服务 保障 政策 制度 机制
措施 有关 相关 部门 单位 个人 家庭 人员 年度 期间 有效期
"""
)
FILLER_WORDS = str.split(
    """
的 和 及 与 或 在 按照 根据 对 向 由 经 应当 可以 需要 须 不得 并 等 其 所 为 将 已 未 是 有 以上 以下
之日起 个 工作日 内 后 前 时 同时 其中 一律 均
"""
)
TITLE_SUFFIXES = ("办事指南", "的通知", "实施办法", "暂行规定", "操作规程", "服务指南", "")
REGIONS = ("北京市", "上海市", "广东省", "浙江省", "四川省", "湖北省", "江苏省", "山东省")
ZIPF_WEIGHTS = [1.0 / (rank + 1) ** 1.05 for rank in range(len(CONTENT_WORDS))]
Doc = tuple[str, str, str]  # (title_key, title tokens, body tokens), tokens space-joined


def make_doc(i: int) -> tuple[str, str]:
    """Deterministic title and ~2 KB body of document `i`."""
    rng = random.Random(SEED * 1_000_003 + i)
    target = rng.randint(8, 20)
    title = rng.choice(REGIONS) if rng.random() < 0.3 else ""
    for word in rng.choices(CONTENT_WORDS, ZIPF_WEIGHTS, k=12):
        title += word
        if len(title) >= target - 4:
            break
    title = (title + rng.choice(TITLE_SUFFIXES))[:20]
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        sentence = "".join(
            rng.choice(FILLER_WORDS) if rng.random() < 0.3 else rng.choices(CONTENT_WORDS, ZIPF_WEIGHTS)[0]
            for _ in range(rng.randint(5, 14))
        ) + rng.choice("，。。；")
        parts.append(sentence)
        size += len(sentence.encode("utf-8"))
    return title, "".join(parts)


def segment_doc(i: int) -> Doc:
    title, body = make_doc(i)
    return normalize(title), " ".join(segment_for_index(title)), " ".join(segment_for_index(body))


def build_corpus(n: int, procs: int) -> list[Doc]:
    if procs <= 1:
        return [segment_doc(i) for i in range(n)]
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        return pool.map(segment_doc, range(n), chunksize=500)


def index_docs(corpus: Sequence[Doc]) -> list[IndexDoc]:
    return [
        IndexDoc(
            id=f"d{i}",
            title=title,
            meta="",
            body=body,
            title_key=key,
            codes=(f"code{i}",),
            date_ordinal=738000 + i % 1500,
            keywords={
                "kind": ("guide" if i % 3 else "policy",),
                "region": (REGIONS[i % len(REGIONS)],),
                "site": (f"site{i % 50}",),
            },
        )
        for i, (key, title, body) in enumerate(corpus)
    ]
