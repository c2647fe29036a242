#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Management commands on a developer's machine run in debug mode unless told otherwise;
    # production sets DJANGO_DEBUG=0 (the web server and workers are secure by default anyway:
    # config/wsgi.py and config/celery.py set nothing).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
