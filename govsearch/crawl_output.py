"""What `govsearch crawl` prints (progress, the final report) and its structured JSON log."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.report import CrawlProgress, CrawlReport

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, message and every `extra` field (url, host, event …)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        entry |= {key: value for key, value in record.__dict__.items() if key not in _STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_to(path: Path) -> logging.Handler:
    """Send the crawler's log to `path` as JSON lines; returns the handler (remove it when done)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("govsearch.crawler")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def _hosts(errors: dict[str, int]) -> str:
    return "；".join(f"{host} {count} 个" for host, count in sorted(errors.items())) or "无"


class ProgressPrinter:
    """Prints a progress line per profile every few pages, and when its queue runs empty."""

    def __init__(self, status: Callable[[str], None], every: int = 5) -> None:
        self.status, self.every = status, every
        self.shown: dict[str, int] = {}

    def __call__(self, name: str, progress: CrawlProgress) -> None:
        if progress.fetched - self.shown.get(name, 0) >= self.every or progress.queued == 0:
            self.shown[name] = progress.fetched
            self.status(progress_line(name, progress))


def progress_line(name: str, progress: CrawlProgress) -> str:
    return (
        f"抓取 {name}：已抓取 {progress.fetched} 页，队列 {progress.queued}，"
        f"{progress.pages_per_second:.1f} 页/秒，错误 {progress.errors}（{_hosts(progress.errors_by_host)}）"
    )


def report_lines(report: CrawlReport) -> list[str]:
    """The final report: counts, then one line per host with errors and its last error message."""
    r = report
    speed = f"{r.pages_per_second:.1f} 页/秒"
    documents = [
        f"新增或更新 {r.documents} 篇（其中内容变化 {r.changed} 篇）",
        f"未变化 {r.unchanged} 篇",
        f"未修改（304）{r.not_modified} 篇",
        f"撤下 {r.withdrawn} 篇",
        f"合并转载 {r.duplicates} 篇",
    ]
    other = [
        f"附件正文 {r.attachments} 个",
        f"站点地图/订阅发现 {r.discovered} 个地址",
        f"robots.txt 跳过 {r.skipped_by_robots} 个",
        f"noindex {r.noindex} 个",
        f"未能抽取 {r.not_extracted} 个",
    ]
    lines = [
        f"抓取完成：{r.fetched} 页（{r.requests} 次请求），用时 {r.elapsed:.1f} 秒，{speed}",
        "文档：" + "，".join(documents),
        "，".join(other),
        f"错误：{_hosts(r.errors)}",
    ]
    lines += [f"  {host}：{message}" for host, message in sorted(r.error_samples.items())]
    return lines
