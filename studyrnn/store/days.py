"""The study day, as the store uses it: ``studyrnn.days`` (kept import-light for home)."""

from studyrnn.days import (
    DEFAULT_ROLLOVER_HOUR,
    EPOCH_DATE,
    FORECAST_BUCKET,
    DayRule,
    day_date,
    is_zone,
    local_zone_name,
    zone,
)

__all__ = [
    "DEFAULT_ROLLOVER_HOUR",
    "EPOCH_DATE",
    "FORECAST_BUCKET",
    "DayRule",
    "day_date",
    "is_zone",
    "local_zone_name",
    "zone",
]
