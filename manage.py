#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production is the default for every command, as for the web server and the workers: a
    # command run in production without DJANGO_DEBUG must not write debug-mode output (collectstatic
    # wrote no manifest, and every page answered 500). Development says DJANGO_DEBUG=1 (the
    # Makefile's targets do).
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
