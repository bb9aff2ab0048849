"""The ``bovit`` command line, the last stage of the import order (bounds ← simulate ← checks ← reports ← cli).

Each command parses and validates its arguments, calls one library function and prints what it returns
(``cli.main`` builds the parser, ``cli.commands`` holds the commands, ``cli.options`` the options they
share, ``cli.tables`` the text tables). Nothing is computed here that a library caller would need.
``python -m cli`` runs it as ``bovit`` does.
"""
