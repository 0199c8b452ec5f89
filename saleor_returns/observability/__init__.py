"""What an operator sees of the app: Prometheus metrics and OpenTelemetry traces."""
