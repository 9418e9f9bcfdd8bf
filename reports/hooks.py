"""What public reports add to the lower layers: menu entries and the work queue. Loaded by ReportsConfig.ready."""
