# The Jupyter server configuration `make lab` starts JupyterLab with (--config=jupyter_server_config.py).
c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

# Notebooks open with the metadata their kernel would write and are saved as `make figures`
# leaves them (no Python patch version, no widget state), so an unchanged notebook stays unchanged.
c.ServerApp.contents_manager_class = "helpers.lab_contents.NotebookContents"

# Kernels over local Unix sockets instead of TCP ports: nothing readable on the network, and
# ipykernel has no plain-text TCP transport to warn about.
c.KernelManager.transport = "ipc"
