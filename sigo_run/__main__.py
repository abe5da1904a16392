# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import importlib
import sys

# Imported on demand: ./run test must configure trytond before it loads
COMMANDS = {
    'demo': 'sigo_run.demo',
    'test': 'sigo_run.testing',
    'bench': 'sigo_run.bench',
    'backup': 'sigo_run.operations',
    'restore': 'sigo_run.operations',
    'drill': 'sigo_run.operations',
    }

if __name__ == '__main__':
    command = importlib.import_module(COMMANDS[sys.argv[1]])
    # The operations commands share one parser that takes the command name
    arguments = sys.argv[1:] if command.__name__ == 'sigo_run.operations' \
        else sys.argv[2:]
    sys.exit(command.main(arguments))
