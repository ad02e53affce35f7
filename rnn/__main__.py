import sys

from rnn.cli import main

sys.exit(main())
