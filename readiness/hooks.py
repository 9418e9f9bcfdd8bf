"""What readiness adds to the lower layers: menu entries, panels and the work queue. Loaded by ReadinessConfig.ready."""
