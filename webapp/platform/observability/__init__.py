"""What operators watch: health and readiness probes, Prometheus metrics, JSON logs with request ids,
and the refusal of an unsafe production configuration."""
