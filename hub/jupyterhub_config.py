"""JupyterHub for a class on one Linux server (npm run hub; scripts/hub.sh writes the settings
below into the environment and starts `jupyterhub -f hub/jupyterhub_config.py`).

- Each student is a Linux account (made from the class list by scripts/hub.sh, home 0700) and
  gets their own JupyterLab server, run as that account by LocalProcessSpawner: the kernel runs
  with the student's rights, so it cannot read another student's home or the hub's state.
- Logins: FirstUseAuthenticator (PyPI): only the names of the class list; a student sets the
  password at the first login. The instructor (--admin) is the hub's admin.
- The course: the tslab kernel, node_modules, the library and the shipped data stay in the
  project folder, owned by root and read-only to students; hub/singleuser.sh (run as the
  student) copies the lessons into ~/gan-course/notebooks the way nbgitpuller does.
- Limits: each server joins its own cgroup (memory and CPU quota, made by scripts/hub.sh) and
  TensorFlow's thread counts are set in its environment, so 20 students on a 16-core server
  cannot starve each other. Idle kernels are shut down by the server, idle servers by the
  idle culler (jupyterhub-idle-culler).
"""
import os
import sys

from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821  (JupyterHub's config loader defines it)

ROOT = os.environ["GAN_HUB_ROOT"]
STATE = os.environ["GAN_HUB_STATE"]
VENV_BIN = os.path.join(ROOT, ".venv-hub", "bin")


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that stops a server with SIGTERM first: its default SIGINT makes a
    jupyter_server without a terminal exit on KeyboardInterrupt and leave its tslab kernels
    running (measured: CLASSROOM-NOTES.md)."""

    async def stop(self, now=False):
        return await super().stop(now=True)


# Where it listens: loopback unless the instructor says otherwise (--ip).
c.JupyterHub.bind_url = f"http://{os.environ['GAN_HUB_IP']}:{os.environ['GAN_HUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["GAN_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['GAN_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.path.join(ROOT, "hub", "node_modules", ".bin", "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{os.path.join(STATE, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Accounts: the class list, first-use passwords, the instructor as admin.
students = [u for u in os.environ["GAN_HUB_USERS"].split(",") if u]
admin = os.environ.get("GAN_HUB_ADMIN", "")
c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
c.FirstUseAuthenticator.create_users = False
c.FirstUseAuthenticator.dbm_path = os.path.join(STATE, "passwords.dbm")
c.FirstUseAuthenticator.min_password_length = 8
c.Authenticator.allowed_users = set(students) | ({admin} if admin else set())
c.Authenticator.admin_users = {admin} if admin else set()

# Each student's server: the course's environment, run as the student.
threads = os.environ["GAN_HUB_THREADS"]
c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [os.path.join(ROOT, "hub", "singleuser.sh")]
c.Spawner.default_url = "/lab/tree/notebooks"
c.Spawner.notebook_dir = "~/gan-course"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "GAN_HUB_ROOT": ROOT,
    "JUPYTER_PATH": os.path.join(ROOT, ".jupyter", "share", "jupyter"),
    # Read-only settings for every student's Lab (no "Jupyter news?" pop-up: it would fetch from the web).
    "JUPYTER_CONFIG_PATH": os.path.join(ROOT, "hub", "config"),
    # TensorFlow's native thread pools and OpenMP: the per-student share of the cores.
    "TF_NUM_INTRAOP_THREADS": threads,
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": threads,
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
# Kernels idle for GAN_HUB_KERNEL_IDLE_MINUTES are shut down by the student's own server.
kernel_idle = int(os.environ["GAN_HUB_KERNEL_IDLE_MINUTES"]) * 60
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={kernel_idle}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
]

# Servers idle for GAN_HUB_IDLE_MINUTES are stopped (their kernels with them).
c.JupyterHub.load_roles = [
    {"name": "idle-culler", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"], "services": ["idle-culler"]},
]
c.JupyterHub.services = [
    {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={int(os.environ['GAN_HUB_IDLE_MINUTES']) * 60}"]},
]
# The test suite's own service (only when GAN_HUB_TEST_TOKEN is set): it makes tokens for the
# test's students so that it can check their servers' contents and kernels.
if os.environ.get("GAN_HUB_TEST_TOKEN"):
    c.JupyterHub.services.append({"name": "gan-test", "api_token": os.environ["GAN_HUB_TEST_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "gan-test", "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"], "services": ["gan-test"]})
