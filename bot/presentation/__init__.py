"""What the bot says, for every platform at once. Engine errors are worded in `errors`."""
