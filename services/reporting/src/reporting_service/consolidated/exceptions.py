from __future__ import annotations

from shared_kit.errors import ServiceUnavailable


class UpstreamUnavailable(ServiceUnavailable):
    code = "upstream_unavailable"
    title = "A workstream service did not answer"
