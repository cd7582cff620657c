"""The report as PDF: the DOCX rendered by LibreOffice headless.

LibreOffice is a separate program (Debian: libreoffice-writer-nogui), found on
the PATH or configured with ``REPORTING_SOFFICE``. Each conversion runs in its
own process with a throw-away profile directory (concurrent conversions would
otherwise fight over one profile's lock), under a deadline, without blocking the
event loop. The fonts the DOCX names are mapped to installed Chinese fonts by
``fonts.conf``.

LibreOffice writes the current time and a random document ID into the PDF;
both are replaced by values derived from the DOCX, in place and at the same
length, so the same DOCX always gives the same PDF bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import shutil
import signal
import tempfile
import weakref
from collections import OrderedDict
from importlib import resources
from pathlib import Path

from reporting_service.export.exceptions import PdfRendererUnavailable, PdfRenderFailed
from shared_kit.i18n import t

# Renderings by DOCX hash: publishing right after a download renders once.
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 8
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:[0-9+\-Z']+)\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
FIXED_PDF_DATE = b"D:20000101000000Z"
# LibreOffice takes a core for seconds: at most this many conversions at once, per loop.
CONCURRENT_CONVERSIONS = 2
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = asyncio.Semaphore(CONCURRENT_CONVERSIONS)
    return slots


def find_soffice(configured: str | None) -> str | None:
    """The LibreOffice executable: the configured one if it exists, else soffice on the PATH."""
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def stabilise(pdf: bytes, seed: bytes) -> bytes:
    """Pin the creation date, the document ID and LibreOffice's checksum (over content
    that includes the date); every replacement keeps the byte length, so the
    cross-reference offsets stay valid."""

    def date(m: re.Match[bytes]) -> bytes:
        value = m.group(2)
        fixed = FIXED_PDF_DATE[: len(value)].ljust(len(value), b"0")
        return m.group(0).replace(value, fixed)

    digest = hashlib.sha256(seed).hexdigest().upper().encode()

    def ident(m: re.Match[bytes]) -> bytes:
        out = m.group(0)
        for old in m.groups():
            out = out.replace(old, (digest * 4)[: len(old)])
        return out

    return _CHECKSUM.sub(ident, _ID.sub(ident, _DATE.sub(date, pdf)))


async def docx_to_pdf(docx: bytes, *, soffice: str | None, deadline: float) -> bytes:
    exe = find_soffice(soffice)
    if exe is None:
        raise PdfRendererUnavailable(
            t(
                "未找到 LibreOffice（soffice），无法生成 PDF；请安装 libreoffice-writer-nogui或"
                "设置 REPORTING_SOFFICE",
                "LibreOffice (soffice) not found, so no PDF can be made; install "
                "libreoffice-writer-nogui or set REPORTING_SOFFICE",
            )
        )
    key = hashlib.sha256(docx).hexdigest()
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    async with _slots():
        pdf = stabilise(await _convert(exe, docx, deadline), docx)
    _CACHE[key] = pdf
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return pdf


async def _convert(exe: str, docx: bytes, deadline: float) -> bytes:
    work = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="reporting-pdf-"))
    try:
        source = work / "report.docx"
        source.write_bytes(docx)
        fonts = work / "fonts.conf"
        fonts.write_bytes(resources.files(__package__).joinpath("fonts.conf").read_bytes())
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(fonts),
            "HOME": str(work),
            "TZ": "UTC",
            "SAL_USE_VCLPLUGIN": "svp",
        }
        proc = await asyncio.create_subprocess_exec(
            exe,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,  # so a timeout can end LibreOffice's whole process group
        )
        try:
            async with asyncio.timeout(deadline):
                _, err = await proc.communicate()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
            raise PdfRenderFailed(
                t(
                    f"LibreOffice 在 {deadline:g} 秒内未完成 PDF 转换",
                    f"LibreOffice did not finish the PDF within {deadline:g} s",
                )
            ) from None
        target = work / "report.pdf"
        if proc.returncode != 0 or not target.exists():
            detail = err.decode(errors="replace").strip().splitlines()[-1:] or ["无输出"]
            raise PdfRenderFailed(
                t(
                    f"LibreOffice 转换 PDF 失败（退出码 {proc.returncode}）：{detail[0]}",
                    f"LibreOffice failed to convert to PDF (exit code {proc.returncode}): "
                    f"{detail[0]}",
                )
            )
        return target.read_bytes()
    finally:
        await asyncio.to_thread(shutil.rmtree, work, True)
