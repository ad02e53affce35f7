"""The memory-and-gates page's predict-first experiments, importable without torch (the classroom
and the course read the question bank through rnn/lessons/challenges.py)."""
from rnn.lessons.gates_text import CHALLENGES

__all__ = ["CHALLENGES"]
