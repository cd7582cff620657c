"""The columns of the service-log import (shared_kit.import_spec)."""

from __future__ import annotations

from shared_kit.import_spec import LOOSE_DATE, WHOLE, Column, Dataset

# The template's example names this dispatch; a bureau writes the id of its own dispatch.
EXAMPLE_DISPATCH = "6f1c2a9e-4b7d-4e21-9a35-0c8e5d7b3f10"

SERVICE_LOGS = Dataset(
    "commissioner-service-logs",
    "科技特派员下乡服务记录",
    (
        Column(
            "dispatch_id",
            "派出记录编号",
            "特派员派出记录的编号（派出记录列表中的 id）",
            EXAMPLE_DISPATCH,
            format="记录编号（UUID）",
            aliases=("选派记录编号", "选派编号", "派遣记录编号", "dispatch"),
        ),
        Column(
            "village_code",
            "村(社区)代码",
            "服务的村（社区）的统计用区划代码，须在派出所在城市",
            "450103001001",
            format="9 或 12 位数字",
            aliases=(
                "村(社区)编码",
                "村社区代码",
                "服务村代码",
                "村级代码",
                "村代码",
                "社区代码",
                "village",
            ),
        ),
        Column(
            "served_on",
            "服务日期",
            "下乡服务的日期，不早于派出日期、不晚于今天",
            "2023-03-01",
            format=LOOSE_DATE,
            aliases=("下乡日期", "日期", "date"),
        ),
        Column(
            "days",
            "服务天数",
            "本次服务的天数",
            "2",
            format=WHOLE,
            aliases=("下乡天数", "天数", "天次"),
            allowed="1 至 31",
        ),
        Column("content", "服务内容", "服务的内容", "水稻种植技术指导", aliases=("内容",)),
        Column(
            "outcome",
            "服务成效",
            "服务取得的成效",
            "亩产提高一成",
            required=False,
            aliases=("成效", "服务成果"),
        ),
    ),
    notes="市科技局只能导入本市派出的服务记录；同一派出、同一村、同一日期只记一次。"
    "任何一行有错误时整份文件都不导入，所有错误一次列出。",
)

DATASETS = (SERVICE_LOGS,)
