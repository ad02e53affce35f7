"""RNN Playground's engine: cells, layers, task models, data, training, checkpoints.

Nothing here imports Streamlit except ``rnn.ui``.
"""
__version__ = "0.1.0"
