"""Operations: structured logs, Prometheus metrics and the topology (`socialhub status`)."""
