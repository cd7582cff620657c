from __future__ import annotations

from collections.abc import Mapping

from shared_kit.errors import ServiceUnavailable
from shared_kit.i18n import localize, service_label, t


class UpstreamUnavailable(ServiceUnavailable):
    code = "upstream_unavailable"
    title = t("有业务服务未答复", "A workstream service did not answer")

    @classmethod
    def of(cls, failures: Mapping[str, str]) -> UpstreamUnavailable:
        """The 503 naming the first service that failed, with every failure's reason."""
        first = sorted(failures)[0]
        reason = failures[first]
        return cls(
            t(
                f"{service_label(first)}暂不可用：{reason}",
                f"service {first} is unavailable: {localize(reason, 'en')}",
            ),
            extra={
                "service": first,
                "services": sorted(failures),
                "reasons": {name: localize(why) for name, why in failures.items()},
            },
        )
