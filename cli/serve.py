"""`jtflow serve`: the web app and its timer scheduler in one process (one machine, SQLite).

Several processes of one city share PostgreSQL instead: run `jtflow serve` on each (or
`jtflow worker` for timers alone); timer leases keep every timer firing once.
"""

from __future__ import annotations

import click

from cli.support import reports_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve pages only; timers fire elsewhere.")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, host: str, port: int, no_scheduler: bool) -> None:
    """Start the web app (task inbox, case pages, REST API) with its timer scheduler."""
    import waitress

    from engine.daily_anchor import daily_anchor_for
    from engine.notify.delivery import LoggedDelivery
    from engine.notify.digest import DailyDigest
    from engine.scheduler import TimerScheduler
    from webui import create_app

    app = create_app(ctx.obj)
    jtflow = app.extensions["jtflow"]
    jtflow.next_timer_due()  # a missing or uninitialised database fails here, in one line
    scheduler = None
    if not no_scheduler:  # an audit key that cannot work fails here, in one line
        scheduler = TimerScheduler(
            jtflow,
            daily_anchor=daily_anchor_for(ctx.obj, jtflow),
            daily_digest=DailyDigest(jtflow, LoggedDelivery()),
        )
        jtflow.runtime.on_new_timers(scheduler.wake)
        scheduler.start()
    click.echo(f"jtflow 已启动：http://{host}:{port}/ （Ctrl+C 停止）", err=True)
    try:
        waitress.serve(app, host=host, port=port, threads=8)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
