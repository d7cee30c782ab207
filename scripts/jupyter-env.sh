# Source this file to use the project's Jupyter: JupyterLab, nbconvert and the rest from the
# project-local .venv/ (scripts/setup.sh makes it), the tslab kernel registered under .jupyter/,
# and Jupyter's config, data and runtime files kept inside the project, not in your home folder.
_GAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JUPYTER_PATH="$_GAN_ROOT/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_DATA_DIR="$_GAN_ROOT/.jupyter/data"
export JUPYTER_RUNTIME_DIR="$_GAN_ROOT/.jupyter/runtime"
export JUPYTER_CONFIG_DIR="$_GAN_ROOT/.jupyter/config"
export JUPYTERLAB_SETTINGS_DIR="$_GAN_ROOT/.jupyter/lab/user-settings"
export JUPYTERLAB_WORKSPACES_DIR="$_GAN_ROOT/.jupyter/lab/workspaces"
export IPYTHONDIR="$_GAN_ROOT/.jupyter/ipython"
export PATH="$_GAN_ROOT/.venv/bin:$PATH"
unset _GAN_ROOT
export PYDEVD_DISABLE_FILE_VALIDATION=1
