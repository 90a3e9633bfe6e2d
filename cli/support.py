"""What every `jtflow` command shares: one clear line per error, never a traceback."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from engine.config import open_jtflow
from engine.errors import DeploymentError, InvalidInput, JtflowError
from engine.service import Jtflow
from engine.time.clock import SHANGHAI


def _fail(message: str, details: list[str] | None = None) -> None:
    click.echo(f"错误：{message}", err=True)
    for line in details or []:
        click.echo(f"  - {line}", err=True)
    sys.exit(1)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the engine's errors into one readable line each, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DeploymentError as e:
            _fail("流程图不能部署", [str(p) for p in e.problems])
        except InvalidInput as e:
            _fail(str(e), [f"{err.field}: {err.message}" for err in e.errors])
        except JtflowError as e:
            _fail(str(e))
        except json.JSONDecodeError as e:
            _fail(f"--data 不是有效的 JSON：{e.msg}（第 {e.lineno} 行第 {e.colno} 列）")
        except SQLAlchemyError as e:
            cause = getattr(e, "orig", None) or e
            _fail(
                f"数据库不可用或尚未初始化（{cause}）："
                "请检查 JTFLOW_DATABASE_URL，并运行 `jtflow init`"
            )

    return wrapper


def local(instant: Any) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if instant else "-"


def jtflow_of(ctx: click.Context) -> Jtflow:
    return open_jtflow(ctx.obj)
