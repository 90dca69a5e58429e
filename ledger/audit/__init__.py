"""What auditors rely on: the hash chain's formula, seals and their verification. Pure
functions: the recorders that write the chain live with the storage code."""
