"""The working-day calendar: public holidays and make-up working days (调休), working
hours and working days added to a moment, and deadlines with reminders before them and
overdue notices after them. ``from core.workdays.calendar import add_working_time``."""
