# Source this file to make Jupyter find the project's tslab kernel and keep its files local.
_GAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JUPYTER_PATH="$_GAN_ROOT/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_DATA_DIR="$_GAN_ROOT/.jupyter/data"
export JUPYTER_RUNTIME_DIR="$_GAN_ROOT/.jupyter/runtime"
export JUPYTER_CONFIG_DIR="$_GAN_ROOT/.jupyter/config"
export IPYTHONDIR="$_GAN_ROOT/.jupyter/ipython"
export PATH="/usr/bin:$PATH"
unset _GAN_ROOT
export PYDEVD_DISABLE_FILE_VALIDATION=1
