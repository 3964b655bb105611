"""One module per subcommand; see ``studyrnn.cli`` for the protocol each follows."""
