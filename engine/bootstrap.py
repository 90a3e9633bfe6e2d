"""`jtflow init`: bring the schema up to date, seed SPEC §1, deploy the bundled processes."""

from __future__ import annotations

from collections.abc import Iterator

from .config import Settings
from .db import migrate
from .knowledge import schedule_case
from .people.reference import seed_organisations
from .service import Jtflow


def initialise(settings: Settings, jtflow: Jtflow) -> Iterator[str]:
    migrate(jtflow.sessions.kw["bind"])
    yield f"数据库已就绪：{settings.database_url}"
    with jtflow.sessions() as session:
        seed_organisations(session)
        session.commit()
    for path in sorted(settings.processes_dir.glob("*.bpmn")):
        definition, created = jtflow.deploy(path)
        state = "已部署" if created else "已是最新"
        yield f"{path.name}: {definition.process_id} v{definition.version} {state}"
    with jtflow.sessions() as session:
        scheduled = schedule_case(session)
    if scheduled is None:
        yield (
            "知识库季度修订日程尚未开始（O2）：请运行 `jtflow knowledge schedule --as 用户名`"
            "（如监测中心投诉受理岗的用户）"
        )
