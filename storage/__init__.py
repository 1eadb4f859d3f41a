"""Tables, repositories and migrations. Imports nothing of ours."""
