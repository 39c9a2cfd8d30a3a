"""Local emulator of every SAP API the collection calls (tests and demo only)."""
