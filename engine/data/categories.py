"""D2: the catalogue's category tree, as the standard's 第三节 2.(1)–(6) lists it.

Each leaf has a stable code (`transit.position`) that rows store, and a Chinese name
(`公共交通实时/实时位置`) that pages, files and errors show. The names follow the original's
wording (到站信息, 车辆信息, 刷卡数据 …), which SPEC.md §4 D2 abbreviates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str  # "transit.position"
    top: str  # "transit"
    top_name: str  # "公共交通实时"
    name: str  # "实时位置"

    @property
    def full_name(self) -> str:
        """How pages and files name the leaf: top and leaf, e.g. 公共交通实时/实时位置."""
        return f"{self.top_name}/{self.name}"


# (top code, top name, ((leaf code, leaf name), …)), in the standard's order.
TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "transit",
        "公共交通实时",  # (1) 公共交通的实时原始数据
        (
            ("routes", "线路"),
            ("position", "实时位置"),
            ("speed", "实时速度"),
            ("arrival", "到站信息"),
            ("vehicle", "车辆信息"),
            ("card", "刷卡数据"),
        ),
    ),
    (
        "passenger",
        "客运",  # (2) 客车、客船、铁路、航班的基本信息
        (("coach", "客车"), ("ship", "客船"), ("rail", "铁路"), ("flight", "航班")),
    ),
    (
        "freight",
        "货运",  # (3)
        (
            ("road", "公路运输"),
            ("water", "水路运输"),
            ("rail", "铁路运输"),
            ("air", "航空运输"),
            ("logistics_park", "物流园区"),
        ),
    ),
    (
        "highway",
        "公路",  # (4)
        (("geo", "公路基础地理信息"), ("maintenance", "养护信息"), ("occupation", "施工占道")),
    ),
    (
        "bridge_tunnel",
        "桥隧",  # (5)
        (
            ("geo", "基础地理信息"),
            ("checkpoint_video", "四桥一隧卡口和视频"),
            ("toll", "通行收费"),
        ),
    ),
    (
        "enforcement",
        "执法",  # (6)
        (
            ("vehicles", "执法车辆"),
            ("operating_vehicles", "营运车辆档案"),
            ("enterprises", "营运企业档案"),
            ("practitioners", "从业人员档案"),
        ),
    ),
)

TOPS: dict[str, str] = {code: name for code, name, _ in TREE}
CATEGORIES: dict[str, Category] = {
    f"{top}.{leaf}": Category(f"{top}.{leaf}", top, top_name, name)
    for top, top_name, leaves in TREE
    for leaf, name in leaves
}
BY_NAME: dict[str, Category] = {c.full_name: c for c in CATEGORIES.values()}


def category_of(text: str) -> Category | None:
    """A leaf by its code or its full name (公共交通实时/实时位置, also with ／ or ·)."""
    text = text.strip()
    found = CATEGORIES.get(text)
    if found is not None:
        return found
    for separator in ("／", "·", " / ", "-"):
        text = text.replace(separator, "/")
    return BY_NAME.get(text.replace(" ", ""))


def category_name(code: str | None) -> str:
    """The leaf's full name, or the code itself when it names none (never an error on a page)."""
    found = CATEGORIES.get(code or "")
    return found.full_name if found else (code or "—")
