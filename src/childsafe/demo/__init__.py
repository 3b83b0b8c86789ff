"""Demo and synthetic data: `childsafe seed-demo`'s accounts, conversations, images and
moderation queue (through the real message and media paths), and the bulk load generator the
benchmarks and aggregate tests fill databases with."""
