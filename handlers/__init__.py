"""The chat front ends: each parses its platform's payloads into the core's requests and renders
the core's outcomes for that platform."""
