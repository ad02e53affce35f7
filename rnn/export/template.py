"""The text of every exported train.py, with the parts each run needs marked: the file
``rnn/export/train_template.py.txt`` beside this module (plain Python with markers, kept out of
this module so it reads as code and keeps rnn/ files short; it ships with the package as data).

``rnn.export.script`` keeps or drops marked lines for one run and fills in ``{{name}}``s:

* a line ending in ``  #@cond`` is kept only when ``cond`` holds (the tag is removed);
* lines between ``#@if cond`` and ``#@end`` are kept only when ``cond`` holds (blocks nest);
* ``cond`` is space-separated terms that must all hold; a term is a flag, ``a|b`` (either) or
  ``!a`` (not). Flags: the task (ner, textgen, sentiment, translation, agreement), the cell (rnn,
  leaky, esn, gru, lstm), ``vanilla`` (rnn/leaky/esn), ``bi``, ``dropout``, ``clip``, ``wd``,
  ``padded`` (tasks with padded batches), ``classifier`` (sentiment/agreement), ``carry``,
  ``char``/``word`` (textgen), ``attn``, ``dot``, ``additive``, ``tf`` (teacher forcing < 1),
  ``chars`` (NER spelling features), ``keepbest``, ``learnleak``, ``relu``, ``sgd``, ``stop``,
  ``higher`` (the monitored score is better when higher), ``lasteval`` (the run scored its
  last step), ``extraevals`` (it also scored other steps: a budget that ended, then "Continue");
* ``#%% Title`` starts a section: a notebook cell (``argv`` sections stay out of the notebook).

The code mirrors the engine (rnn/cells, rnn/layer.py, rnn/models, rnn/tasks, rnn/train) step for
step (same data order, same initialisation order, same batches, same optimizer and clipping, the
best validation score kept), so a run and its script reach the same validation loss; see
tests/test_export.py and bench/export.py.
"""

from importlib.resources import files

TEMPLATE_FILE = "train_template.py.txt"
TEMPLATE = files(__package__).joinpath(TEMPLATE_FILE).read_text(encoding="utf-8")
