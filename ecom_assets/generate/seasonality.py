"""Traffic shape over time: weekly seasonality, a gentle trend, holiday peaks, hours of the day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

# Monday … Sunday: weekday evenings are steady, weekends busier (more browsing, slightly lower conversion)
WEEKLY = np.array([0.98, 0.96, 0.95, 0.97, 0.92, 1.08, 1.14])
WEEKLY = WEEKLY / WEEKLY.mean()
WEEKEND_CONVERSION = 0.92
TREND_PER_YEAR = 0.20
# share of the day's sessions starting in each UTC hour (quiet at night, peak in the evening)
HOURLY = np.array(
    [
        2.2,
        1.6,
        1.2,
        1.0,
        1.0,
        1.3,
        2.0,
        3.0,
        4.0,
        4.6,
        4.9,
        5.0,
        5.2,
        5.3,
        5.2,
        5.1,
        5.2,
        5.5,
        6.0,
        6.4,
        6.5,
        5.9,
        4.6,
        3.3,
    ]
)
HOURLY = HOURLY / HOURLY.sum()


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    nov1 = date(year, 11, 1)
    first_thursday = nov1 + timedelta(days=(3 - nov1.weekday()) % 7)
    return first_thursday + timedelta(days=22)


def holiday(d: date) -> tuple[float, float]:
    """(traffic multiplier, conversion multiplier) of a day's holidays and sales."""
    offset = (d - black_friday(d.year)).days
    peaks = {-1: (1.3, 1.1), 0: (2.3, 1.45), 1: (1.7, 1.3), 2: (1.5, 1.2), 3: (1.9, 1.35), 4: (1.2, 1.1)}
    if offset in peaks:
        return peaks[offset]
    if -10 <= offset < -1:
        return 1.12, 1.05
    if d.month == 12:
        if d.day <= 20:
            return 1.2 + 0.015 * d.day, 1.15
        return {21: (1.3, 1.1), 22: (1.2, 1.05), 23: (1.05, 1.0), 24: (0.75, 0.9), 25: (0.65, 0.85)}.get(
            d.day,
            (1.25, 1.1),  # Boxing Day and the year-end sales
        )
    if d.month == 1 and d.day == 1:
        return 0.8, 0.9
    if d.month == 2 and 1 <= d.day <= 13:
        return 1.06, 1.08  # Valentine's gifts
    return 1.0, 1.0


def traffic_factor(d: date, start: date) -> float:
    """Expected sessions relative to ``sessions_per_day`` (weekday × trend × holiday)."""
    trend = 1.0 + TREND_PER_YEAR * (d - start).days / 365.0
    return float(WEEKLY[d.weekday()] * trend * holiday(d)[0])


def conversion_factor(d: date) -> float:
    """Conversion multiplier of the day (weekend dip, holiday lift)."""
    weekend = WEEKEND_CONVERSION if d.weekday() >= 5 else 1.0
    return weekend * holiday(d)[1]


def session_count(d: date, start: date, sessions_per_day: int, rng: np.random.Generator) -> int:
    """Number of sessions of day ``d``, with a little day-to-day noise."""
    expected = sessions_per_day * traffic_factor(d, start) * float(np.exp(rng.normal(0.0, 0.03)))
    return max(1, int(round(expected)))


def start_times(n: int, rng: np.random.Generator) -> np.ndarray:
    """Session start offsets in ms from midnight, sorted; never in the last 2 s of the day."""
    hours = rng.choice(24, size=n, p=HOURLY)
    ms = hours * 3_600_000 + rng.integers(0, 3_600_000, size=n)
    return np.sort(np.minimum(ms, 86_400_000 - 2_000))
