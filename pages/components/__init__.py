"""The parts table pages are made of: each draws one part and works on a ``TableState``."""
