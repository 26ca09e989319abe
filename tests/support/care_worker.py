"""`regulars worker` with the test receiver plugged in as the push channel (see care_channels.py)."""

import sys

from tests.support.care_channels import register_from_environment

if __name__ == "__main__":
    register_from_environment()
    from regulars import cli

    cli.main(["worker", *sys.argv[1:]])
