"""One module per hash kind a bank can hold (its names, validator and how it is matched);
`signal_types.HashKind` registers them."""
