import sys

from studyrnn.cli import main

sys.exit(main())
