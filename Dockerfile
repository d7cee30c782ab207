# The single-user image for a department or MOOC hub (Zero to JupyterHub on Kubernetes): one
# student's JupyterLab with the course's TypeScript kernel, built with the same set-up script as
# a laptop install. NOT built or tested in this project (this machine has no Docker daemon and no
# container registry); see docs/classroom.md, "Beyond one server".
#   docker build -t gan-lab-singleuser .
# Z2JH values: singleuser.image.name=gan-lab-singleuser, singleuser.cmd=/srv/gan-lab/hub/singleuser.sh,
# singleuser.uid=1000, and the hub's own image at JupyterHub 6.1.x (the version pinned below).
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
COPY . /srv/gan-lab
WORKDIR /srv/gan-lab
# The student install (no test tools), from Debian's Python; then the hub's single-user server.
RUN rm -rf .venv node_modules build .venv-hub hub/node_modules hub/state \
 && GAN_PYTHON=/usr/bin/python3 bash scripts/setup.sh \
 && .venv/bin/python -m pip install --no-cache-dir jupyterhub==6.1.1 \
 && chmod -R a+rX /srv/gan-lab
RUN useradd --create-home --uid 1000 --shell /bin/bash jovyan
ENV GAN_HUB_ROOT=/srv/gan-lab \
    GAN_HUB_VENV=/srv/gan-lab/.venv \
    PATH=/srv/gan-lab/.venv/bin:/usr/local/bin:/usr/bin:/bin \
    JUPYTER_PATH=/srv/gan-lab/.jupyter/share/jupyter \
    JUPYTER_CONFIG_PATH=/srv/gan-lab/hub/config \
    TF_CPP_MIN_LOG_LEVEL=2
USER jovyan
WORKDIR /home/jovyan
# Lays out ~/gan-course (the student's copies of the lessons, nbgitpuller-style) and starts Lab.
CMD ["/srv/gan-lab/hub/singleuser.sh"]
