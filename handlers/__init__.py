"""The desk's work: plain data in (`Inbound`), plain data out (`Outcome`)."""
