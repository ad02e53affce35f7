"""Task models: Tagger (many-to-many), Classifier (many-to-one), LanguageModel, Seq2Seq."""
from rnn.models.classifier import Classifier
from rnn.models.config import ARCHS, ATTENTIONS, ModelConfig
from rnn.models.language_model import LanguageModel, filtered_distribution
from rnn.models.seq2seq import Seq2Seq
from rnn.models.tagger import Tagger

__all__ = ["ARCHS", "ATTENTIONS", "Classifier", "LanguageModel", "ModelConfig", "Seq2Seq",
           "Tagger", "filtered_distribution"]
