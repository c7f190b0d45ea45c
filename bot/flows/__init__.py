"""Use cases, transport-free: plain values and a session in, a result or a DomainError out."""
