import sys

from vankien.cli.main import main

sys.exit(main())
