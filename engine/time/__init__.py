"""Time: the injected clock, the working-day calendar and its years, the timer rows."""
