"""Demo data: the WSIS process of circular DM-1048, replayed from today, and a directory of
fictional organisations generated from a fixed seed."""
