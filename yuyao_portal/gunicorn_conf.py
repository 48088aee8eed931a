"""gunicorn's settings for the production run (scripts/serve.sh): its own logs as the
portal's JSON lines on stdout. The access line leaves out the query string, which may
carry personal data."""

access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus'

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "yuyao_portal.logfmt.JSONLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
