from __future__ import annotations

from shared_kit.errors import ServiceUnavailable


class PdfRendererUnavailable(ServiceUnavailable):
    code = "pdf_renderer_unavailable"
    title = "PDF 生成组件不可用"


class PdfRenderFailed(ServiceUnavailable):
    code = "pdf_render_failed"
    title = "PDF 生成失败"
