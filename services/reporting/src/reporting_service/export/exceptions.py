from __future__ import annotations

from shared_kit.errors import ServiceUnavailable
from shared_kit.i18n import t


class PdfRendererUnavailable(ServiceUnavailable):
    code = "pdf_renderer_unavailable"
    title = t("PDF 生成组件不可用", "The PDF converter is not available")


class PdfRenderFailed(ServiceUnavailable):
    code = "pdf_render_failed"
    title = t("PDF 生成失败", "PDF generation failed")
