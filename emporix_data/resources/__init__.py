"""One module per API resource: its models, its endpoint calls and its frame schema."""
