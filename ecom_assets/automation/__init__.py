"""Automation: the landing sensor and the daily, weekly and monthly schedules."""

schedules: list = []
sensors: list = []
