"""Office files are zip archives that normally carry the time they were written (in zip
entries and document properties); both are pinned so the same figures always give the
same bytes and the same content hash."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes) -> bytes:
    """The same entries, sorted, with a fixed time and mode."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
