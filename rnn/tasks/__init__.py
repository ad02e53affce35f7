"""The tasks, by name."""
from rnn.tasks.agreement import AgreementTask
from rnn.tasks.base import Task
from rnn.tasks.ner import NERTask
from rnn.tasks.sentiment import SentimentTask
from rnn.tasks.textgen import TextGenTask
from rnn.tasks.translation import TranslationTask

TASKS: dict[str, Task] = {t.name: t for t in (NERTask(), TextGenTask(), SentimentTask(), TranslationTask(),
                                             AgreementTask())}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    return TASKS[name]
