# RNN Playground for a shared classroom server: CPU-only torch, hosted limits on.
#   docker build -t rnn-playground .
#   docker run --rm -p 8501:8501 rnn-playground                       # http://localhost:8501
#   docker run --rm -p 8501:8501 -e RNN_PLAYGROUND_MAX_SECONDS=90 rnn-playground
# One container trains in worker processes of its own (one per core). The same image is the
# training worker of the hosted set-up (compose.yaml: `python -m rnn worker` on Redis).
# Every limit and its variable: docs/DEPLOY.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # torch, numpy and BLAS would start one thread per core in every session; setup_page pins
    # torch to one thread per session anyway, and these keep the native pools small too.
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    # Streamlit runs every script run in a new thread, and glibc would give threads up to 8 heap
    # arenas per core that each keep freed memory; two keep the server's resident set smaller
    # (rnn/ui/memory.py, BENCHMARKS.md "Start-up, memory and classroom scheduling").
    MALLOC_ARENA_MAX=2 \
    # The tighter limits for a public link (rnn/settings.py HOSTED_DEFAULTS); override any one
    # with RNN_PLAYGROUND_<LIMIT> at `docker run -e ...`.
    RNN_PLAYGROUND_HOSTED=1

WORKDIR /app

# The runtime requirements only (the "# tests" block of requirements.txt is left out), with torch
# from PyTorch's CPU wheel index: the default Linux wheel on PyPI pulls in gigabytes of CUDA
# libraries this app never uses.
COPY requirements.txt .
RUN sed '/^# tests/,$d' requirements.txt > requirements-runtime.txt \
 && pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements-runtime.txt \
 && python -c "import torch; assert not torch.cuda.is_available(); print('torch', torch.__version__)"

COPY . .

# No root at run time; the app only reads its own files (checkpoints/ ships read-only models).
RUN useradd --create-home --uid 10001 playground
USER playground
# The one file the app writes: the class polls' database (docs/CLASSROOM.md), in the user's home;
# mount a volume there to keep a running class's votes across a container restart:
#   docker run -v rnn-classroom:/home/playground/classroom ...
ENV RNN_PLAYGROUND_CLASSROOM_DB=/home/playground/classroom/polls.sqlite3

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"

# .streamlit/config.toml already sets these; repeating them here keeps the container right even
# if that file is replaced. No file watcher: it costs CPU and would rerun sessions on an edit.
CMD ["streamlit", "run", "app.py", \
     "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true", \
     "--server.fileWatcherType=none", "--server.runOnSave=false", "--browser.gatherUsageStats=false"]
