#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuyao_portal.settings")
    # Commands on a developer's checkout run in development mode; production sets
    # DJANGO_DEBUG=0 (and gunicorn goes through wsgi.py, whose default is production).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
