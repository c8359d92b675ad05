"""Attachments are parsed in a separate process with a memory and a time limit.

A crawled file is input from strangers: a 0.7 MB DOCX zip bomb took 16 s and 1.46 GB inside the
crawler's event loop. Here each file is parsed by a child of a fork server (the parsing libraries are
loaded once, in the server), with its address space capped; the crawler waits without blocking its
event loop and kills the child when the time is up. A file over either limit is reported as unreadable,
like a corrupt one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from multiprocessing.connection import Connection

from crawler.extract.attachments import AttachmentError, attachment_text

PARSE_SECONDS = 30.0
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the child, libraries included

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["crawler.extract.attachments"])


def _parse(content: bytes, memory: int, out: Connection) -> None:
    """In the child: the text, or why not."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        out.send(("text", attachment_text(content)))
    except AttachmentError as exc:
        out.send(("error", str(exc)))
    except MemoryError:
        out.send(("error", f"over the memory limit of {memory // 2**20} MB"))
    finally:
        out.close()


def _run(content: bytes, seconds: float, memory: int) -> str:
    receive, send = _context.Pipe(duplex=False)
    child = _context.Process(target=_parse, args=(content, memory, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise AttachmentError(f"parsing took longer than {seconds:g} s")
        kind, value = receive.recv()
    except EOFError:
        raise AttachmentError(f"the parser died (exit code {child.exitcode}); over its limits?") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if kind == "error":
        raise AttachmentError(value)
    return str(value)


async def attachment_text_limited(
    content: bytes, *, seconds: float = PARSE_SECONDS, memory: int = PARSE_MEMORY_BYTES
) -> str:
    """`attachment_text` in a child process within `seconds` and `memory`; AttachmentError otherwise."""
    return await asyncio.to_thread(_run, content, seconds, memory)
