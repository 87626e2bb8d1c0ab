"""`fairq demo`: the whole hall on one machine, as real processes on loopback with simulated hardware."""
