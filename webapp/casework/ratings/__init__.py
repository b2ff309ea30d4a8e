"""Citizens rate the answer to their appeal; dissatisfaction reopens the case."""
